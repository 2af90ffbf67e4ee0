"""Chapter PDFs typeset with reportlab from a parsed chapter's records (tests and bench, no binary files).

Every layout prints the same records: headings in larger type (item and section headings
across both columns where the layout says so), paragraphs with an indented first line,
footnote markers as small raised digits and footnotes below a short rule, numbered at the
rule's left edge with their text hanging. Lines break only where the chapter reader's join
rule gives the text back (never inside a Latin word, never at a space it would not restore).
"""
import random
import re
from dataclasses import dataclass

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from pdf_fonts import noto_truetype, register_cid, variant_forms
BODY, LEAD = 10.0, 14.0
NOTE, NOTE_LEAD, HANG = 8.0, 10.0, 20.0
MARK, MARK_RISE = 6.0, 3.5
RULE_GAP = 6.0  # between the body and the footnote rule, and the rule and the first footnote
MARGIN, GUTTER = 40.0, 20.0
JOB_NUMBER, RUNNING_TITLE = "09-25533 (C)", "安全理事会惯例汇辑"


@dataclass(frozen=True)
class Layout:
    """How to typeset the chapter: the features one test layout exercises."""

    name: str
    columns: int = 1
    footnotes: str = "page"  # "page": one area across the page; "column": one under each column
    span_headings: bool = False  # item and section headings across both columns
    rise: bool = False  # markers raised with the text-rise operator (Ts), not a moved baseline
    shuffle: bool = False  # every run of text drawn in a random order
    justify: bool = False  # full lines stretched with character spacing (Tc)
    running: bool = False  # a job number at the top and a page number at the bottom of each page
    font: str = "cid"  # "cid": reportlab's STSong-Light; "noto": an embedded TrueType subset
    raised_note_numbers: bool = False  # footnote numbers below the rule as small raised digits too
    page: tuple = (420.0, 595.0)


LAYOUTS = [
    Layout("one-column"),
    Layout("two-columns-spanning-headings", columns=2, span_headings=True, page=(595.0, 842.0)),
    Layout("two-columns-footnotes-per-column", columns=2, footnotes="column", raised_note_numbers=True,
           page=(595.0, 842.0)),
    Layout("small-pages-footnotes-continued", columns=2, footnotes="column", page=(420.0, 380.0)),
    Layout("text-rise-markers", rise=True, justify=True),
    Layout("shuffled-drawing-order", columns=2, span_headings=True, shuffle=True, page=(595.0, 842.0)),
    Layout("justified-with-running-heads", columns=2, justify=True, running=True, rise=True, page=(595.0, 842.0)),
    Layout("embedded-noto-font", font="noto", running=True),
]

# ---------------------------------------------------------------- the chapter as a flow


def _joins_with_space(a, b):
    latin = lambda ch: ch.isascii() and ch.isalnum()  # noqa: E731
    han = lambda ch: "\u4e00" <= ch <= "\u9fff"  # noqa: E731
    return (latin(a) and (latin(b) or han(b))) or (han(a) and latin(b))


def chapter_flow(corpus, repeat=1):
    """[(kind, atoms, item, footnote numbers)]: kind is part | item | section | heading | paragraph."""
    flow = []
    for copy in range(repeat):
        for p in corpus.paragraphs:
            item = p.item + 2 * copy  # a repeated chapter continues with new item numbers
            text = p.text
            if copy and re.match(r"\d+\. ", text):
                text = re.sub(r"^\d+", str(item), text)
            kind = "paragraph"
            if p.kind == "heading":
                kind = "item" if re.match(r"\d+\. ", text) else "section" if re.match(r"[A-Z]\. ", text) \
                    else "part" if re.match(r"第 ?\w{1,3} ?部分", text) else "heading"
            by_offset = {offset: number for number, offset in p.marker_offsets}
            atoms = []
            for i, ch in enumerate(text + "\0"):
                if i in by_offset:
                    atoms.append(("m", str(by_offset[i])))
                if ch != "\0":
                    atoms.append(("c", ch))
            flow.append((kind, atoms, item, [n for n, _ in p.marker_offsets]))
    notes = {(f.item + 2 * copy, f.number): f.text for copy in range(repeat) for f in corpus.footnotes}
    return flow, notes


def _break_points(atoms):
    """Indexes where a line may end: (index of the next line's first atom, atoms to skip)."""
    chars = [(i, a[1]) for i, a in enumerate(atoms) if a[0] == "c"]
    points = {}
    for (i, a), (j, b) in zip(chars, chars[1:]):
        if b == " ":
            continue
        if a == " ":
            before = next((c for k, c in reversed(chars) if k < i and c != " "), "")
            if before and _joins_with_space(before, b) and atoms[j - 1] == ("c", " "):
                points[j] = 1  # the space before j goes
            continue
        if not _joins_with_space(a, b):
            k = i + 1
            while k < len(atoms) and atoms[k][0] == "m":
                k += 1  # a marker stays with the character before it
            points[k] = 0
    return points


def _wrap(atoms, width_of, first, rest):
    """Lines of atoms (break spaces dropped), the first `first` wide and the others `rest` wide."""
    points = _break_points(atoms)
    lines, start, width, limit, last_ok = [], 0, 0.0, first, None
    i = 0
    while i < len(atoms):
        width += width_of(atoms[i])
        if width > limit and last_ok is not None and last_ok > start:
            end = last_ok
            drop = points[end]
            lines.append(atoms[start:end - drop] if drop else atoms[start:end])
            start, i, width, limit, last_ok = end, end, 0.0, rest, None
            continue
        if i + 1 in points:
            last_ok = i + 1
        i += 1
    lines.append(atoms[start:])
    return [[a for a in line] for line in lines if line]


# ---------------------------------------------------------------- typesetting


class _Typesetter:
    """Fills columns line by line; footnotes go below the rule of the area their marker lands in."""

    def __init__(self, path, layout, notes, encrypt=None, font_dir=None, chars=""):
        self.layout, self.notes = layout, notes
        if layout.font == "noto":
            from fontTools.ttLib import TTFont as FontToolsFont

            name = "NotoSansCJKsc-subset"
            font_path = noto_truetype(set(chars) | set(variant_forms(chars).values()) | set(JOB_NUMBER + RUNNING_TITLE),
                                      font_dir)
            if name not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont(name, str(font_path)))
            with FontToolsFont(font_path) as converted:
                cmap = converted["cmap"].getBestCmap()
            # Kangxi radicals and compatibility ideographs the font has, drawn instead of the
            # ordinary characters: the reader must give the ordinary ones back.
            self.font = name
            self.forms = {k: v for k, v in variant_forms(chars).items() if ord(v) in cmap}
        else:
            self.font, self.forms = register_cid(), {}
        self.canvas = canvas.Canvas(str(path), pagesize=layout.page, encrypt=encrypt)
        width, height = layout.page
        self.top, self.bottom = height - 50.0, 45.0
        text_width = width - 2 * MARGIN
        if layout.columns == 2:
            self.col_width = (text_width - GUTTER) / 2
            self.col_x = [MARGIN, MARGIN + self.col_width + GUTTER]
        else:
            self.col_width, self.col_x = text_width, [MARGIN]
        self.text_width = text_width
        self.per_column = layout.footnotes == "column"
        self.balance = layout.columns == 2 and layout.span_headings
        self.widths = {}
        self.rng = random.Random(layout.name)
        self.pages = self.continued = 0
        self.carry = []
        self._open_page()

    # -- measuring

    def width(self, atom, size=BODY):
        """Advance width of a character or marker atom."""
        kind, text = atom
        key = (text, MARK if kind == "m" else size)
        if key not in self.widths:
            self.widths[key] = pdfmetrics.stringWidth(text, self.font, key[1])
        return self.widths[key]

    def _area(self, col):
        return col if self.per_column else 0

    def _area_width(self, area):
        return self.col_width if self.per_column or self.layout.columns == 1 else self.text_width

    def _note_lines(self, keys):
        lines = []
        for key in keys:
            text = self.notes[key]
            atoms = [("c", ch) for ch in text]
            width = self._area_width(0) - HANG
            for i, line in enumerate(_wrap(atoms, lambda a: self.width(a, NOTE), width, width)):
                lines.append((key[1] if i == 0 else None, "".join(a[1] for a in line)))
        return lines

    @staticmethod
    def _note_height(n):
        return 0.0 if n == 0 else 2 * RULE_GAP + n * NOTE_LEAD

    # -- pages

    def _open_page(self):
        self.ops, self.col, self.used = [], 0, [0.0] * self.layout.columns
        self.band_top, self.pending = self.top, []
        self.area_lines = [[] for _ in range(self.layout.columns if self.per_column else 1)]
        self.area_lines[0], self.carry = self.carry, []
        self.pages += 1

    def _close_page(self):
        self._close_band()
        for area, lines in enumerate(self.area_lines):
            if lines:
                self._draw_notes(self.col_x[area], lines)
        width, height = self.layout.page
        if self.layout.running:
            # A job number and a title at the top (the title dropped because it repeats), a page number below.
            self._op(lambda c: (c.setFont(self.font, 8), c.drawString(MARGIN, height - 28, JOB_NUMBER)))
            self._op(lambda c: (c.setFont(self.font, 8), c.drawRightString(width - MARGIN, height - 28, RUNNING_TITLE)))
            number = str(self.pages)
            self._op(lambda c: (c.setFont(self.font, 9), c.drawCentredString(width / 2, 20, number)))
        if self.layout.shuffle:
            self.rng.shuffle(self.ops)
        for op in self.ops:
            op(self.canvas)
        self.canvas.showPage()

    def _op(self, op):
        self.ops.append(op)

    def _advance(self):
        area_before = self._area(self.col)
        if self.balance or self.col + 1 >= self.layout.columns:
            self._close_page()
            self._open_page()
            return
        self.col += 1
        if self._area(self.col) != area_before:
            self.area_lines[self._area(self.col)], self.carry = self.carry, []

    def finish(self):
        """Close the last page and write the file."""
        self._close_page()
        self.canvas.save()

    # -- placing lines

    def _fits(self, height, n_notes):
        limit = self.top - self.bottom - self._note_height(n_notes)
        if self.balance:
            return _balanced([h for h, _ in self.pending] + [height])[1] <= self.band_top - self.bottom - \
                self._note_height(n_notes)
        if not self.per_column and any(u > limit for u in self.used[: self.col]):
            return False  # the page's footnotes would run into a column already set
        return self.used[self.col] + height <= limit

    def add(self, height, draw, keys=()):
        """Place one body line (drawn by draw(canvas, x, top of its slot)) and its footnotes."""
        new = self._note_lines(keys)
        while True:
            area = self.area_lines[self._area(self.col)]
            if not (self.carry and new):
                if self._fits(height, len(area) + len(new)):
                    area.extend(new)
                    return self._place(height, draw)
                fitting = [k for k in range(1, len(new)) if self._fits(height, len(area) + k)]
                if fitting:
                    # The footnote goes on below the rule of the next column or page.
                    k = fitting[-1]
                    area.extend(new[:k])
                    self.carry = new[k:]
                    self.continued += 1
                    return self._place(height, draw)
            self._advance()

    def keep_together(self, height):
        """Go to the next column or page unless `height` more fits in this one."""
        if not self._fits(height, len(self.area_lines[self._area(self.col)])):
            self._advance()

    def _place(self, height, draw):
        if self.balance:
            self.pending.append((height, draw))
        else:
            x, top = self.col_x[self.col], self.top - self.used[self.col]
            self.used[self.col] += height
            self._op(lambda c: draw(c, x, top))

    def _close_band(self):
        if not self.pending:
            return
        split, tallest = _balanced([h for h, _ in self.pending])
        for col, part in enumerate((self.pending[:split], self.pending[split:])):
            top = self.band_top
            for height, draw in part:
                x, slot = self.col_x[col], top
                self._op(lambda c, draw=draw, x=x, slot=slot: draw(c, x, slot))
                top -= height
        self.band_top -= tallest
        self.pending = []

    def add_spanning(self, height, draw):
        """Place a line across both columns, below the columns set so far (balanced)."""
        self._close_band()
        if self.band_top - height - LEAD < self.bottom + self._note_height(len(self.area_lines[0])):
            self._close_page()
            self._open_page()
        top = self.band_top
        self._op(lambda c: draw(c, MARGIN, top))
        self.band_top -= height

    # -- drawing

    def draw_atoms(self, c, x, baseline, atoms, size, char_space):
        """Draw a line's characters and markers from x."""
        runs, run = [], ""
        for kind, text in atoms:
            if kind == "c":
                run += self.forms.get(text, text)
            else:
                runs.append(("c", run))
                runs.append(("m", text))
                run = ""
        runs.append(("c", run))
        runs = [r for r in runs if r[1]]
        if self.layout.rise and not self.layout.shuffle:
            t = c.beginText(x, baseline)
            t.setCharSpace(char_space)
            for kind, text in runs:
                if kind == "c":
                    t.setFont(self.font, size)
                    t.textOut(text)
                else:
                    t.setFont(self.font, MARK)
                    t.setRise(MARK_RISE)
                    t.textOut(text)
                    t.setRise(0)
            c.drawText(t)
            return
        for kind, text in runs:
            run_size, rise = (size, 0.0) if kind == "c" else (MARK, MARK_RISE)
            c.setFont(self.font, run_size)
            c.drawString(x, baseline + rise, text, charSpace=char_space)
            x += pdfmetrics.stringWidth(text, self.font, run_size) + char_space * len(text)

    def _draw_notes(self, x, lines):
        rule_y = self.bottom + len(lines) * NOTE_LEAD + RULE_GAP
        rule = min(60.0, self._area_width(0) / 3)
        self._op(lambda c: (c.setLineWidth(0.5), c.line(x, rule_y, x + rule, rule_y)))
        for i, (number, text) in enumerate(lines):
            baseline = self.bottom + (len(lines) - 1 - i) * NOTE_LEAD + 2
            atoms = [("c", ch) for ch in text]
            self._op(lambda c, b=baseline, a=atoms: self.draw_atoms(c, x + HANG, b, a, NOTE, 0.0))
            if number is not None:
                size, rise = (MARK, MARK_RISE * 0.8) if self.layout.raised_note_numbers else (NOTE, 0.0)
                self._op(lambda c, b=baseline + rise, n=str(number), size=size: (
                    c.setFont(self.font, size), c.drawString(x, b, n)))


def _balanced(heights):
    """(lines in the left column, height of the taller column) for the most even split."""
    best = (0, sum(heights))
    for k in range(len(heights) + 1):
        tallest = max(sum(heights[:k]), sum(heights[k:]))
        if tallest < best[1] or (tallest == best[1] and k > best[0]):
            best = (k, tallest)
    return best


_SIZES = {"part": (13.0, 18.5), "item": (12.0, 17.0), "section": (11.0, 15.5), "heading": (11.0, 15.5)}
_SPACE_BEFORE = 7.0


def _set_flow(setter, flow):
    layout = setter.layout
    for kind, atoms, item, numbers in flow:
        keys = [(item, n) for n in numbers]
        if kind == "paragraph":
            indent = 2 * BODY
            width_of = setter.width
            lines = _wrap(atoms, width_of, setter.col_width - indent, setter.col_width)
            for i, line in enumerate(lines):
                offset = indent if i == 0 else 0.0
                natural = sum(width_of(a) for a in line)
                glyphs = sum(len(a[1]) for a in line)
                spare = setter.col_width - offset - natural
                char_space = spare / max(1, glyphs - 1) if layout.justify and i < len(lines) - 1 and spare > 0 else 0.0
                line_keys = [(item, int(a[1])) for a in line if a[0] == "m"]

                def draw(c, x, top, line=line, offset=offset, char_space=char_space):
                    setter.draw_atoms(c, x + offset, top - 0.75 * LEAD, line, BODY, char_space)

                setter.add(LEAD, draw, line_keys)
            continue
        size, lead = _SIZES[kind]
        spanning = setter.balance and kind in ("part", "item", "section")
        width = setter.text_width if spanning else setter.col_width
        lines = _wrap(atoms, lambda a: setter.width(a, size), width, width)
        if not spanning:
            setter.keep_together(len(lines) * lead + _SPACE_BEFORE)  # a heading is never split
        for i, line in enumerate(lines):
            before = _SPACE_BEFORE if i == 0 else 0.0

            def draw(c, x, top, line=line, before=before, size=size, lead=lead):
                setter.draw_atoms(c, x, top - before - 0.75 * lead, line, size, 0.0)

            if spanning:
                setter.add_spanning(lead + before, draw)
            else:
                setter.add(lead + before, draw, [])
        assert not keys or kind == "paragraph", "footnote markers in a heading"


def write_chapter_pdf(path, layout, corpus, repeat=1, font_dir=None, encrypt=None):
    """Typeset the corpus's records as a PDF at `path`; returns {"pages", "continued_footnotes"}."""
    flow, notes = chapter_flow(corpus, repeat)
    chars = "".join(r.text for r in corpus.records())
    setter = _Typesetter(path, layout, notes, encrypt=encrypt, font_dir=font_dir, chars=chars)
    _set_flow(setter, flow)
    setter.finish()
    return {"pages": setter.pages, "continued_footnotes": setter.continued}
