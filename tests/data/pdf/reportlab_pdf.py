"""Chapter -> PDF drawn with reportlab's canvas by a small typesetter of our own.

Independent of tests/pdf_fixtures.py: its own line breaker (break between Chinese characters,
never inside a Latin word, no line opened by closing punctuation), its own page flow
(columns, footnotes at the foot of the column or page where their marker lands, a footnote
too long for the space left continued in the next column or page), and the PDF-level
choices the other producers never make: markers raised with the text-rise operator (Ts),
justification by character spacing (Tc), with or without a space glyph between every two
characters (as Word's distributed lines leave them), bold made by stroking the glyph outlines (text render mode 2), a CID font that
is not embedded, and every piece of text drawn in a shuffled order.
"""
import random
import re
from dataclasses import dataclass, field, replace

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from chapter_model import junction

TTF_PATH = "/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf"  # AR PL SungtiL GB (TrueType)
_OPEN = set("(（“《[「‘")
_CLOSE = set(")）”》]」’，。；：、！？%,.;:")


@dataclass(frozen=True)
class RlLayout:
    page: tuple = (595.0, 842.0)  # A4 in points
    margin: float = 56.0
    columns: int = 1
    gutter: float = 20.0
    notes: str = "page"  # page: one area across the page | column: one under each column
    marker: str = "rise"  # rise: Ts | baseline: a raised baseline (Td)
    justify: str = "tc"  # tc: character spacing | spaces: a space glyph between every two characters too
    font: str = "cid"  # cid: STSong-Light, not embedded | ttf: AR PL SungtiL GB, embedded subset
    shuffle: bool = False
    running: bool = False
    body: float = 10.0
    lead: float = 15.0
    note: float = 8.0
    note_lead: float = 11.0
    hang: float = 18.0
    seed: int = 7


@dataclass
class _Atom:
    ch: str  # a character, or a marker's digits
    width: float
    marker: bool = False


@dataclass
class _Line:
    atoms: list
    x: float  # left edge relative to the area
    width: float  # the measure to justify to
    size: float
    bold: bool = False
    justify: bool = False
    before: float = 0.0  # extra space above
    lead: float = 15.0
    break_before: bool = False  # starts a column (a heading kept with what follows it)
    number: bool = False  # a note's first line: its first atom is the note's number


class _Setter:
    def __init__(self, layout):
        self.layout = layout
        if layout.font == "cid":
            pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
            self.font = "STSong-Light"
        else:
            pdfmetrics.registerFont(TTFont("SungtiL", TTF_PATH))
            self.font = "SungtiL"

    def width(self, text, size):
        return pdfmetrics.stringWidth(text, self.font, size)

    # -- line breaking

    def _units(self, runs, size):
        """Unbreakable units (lists of atoms) and the spaces between them (None)."""
        units, ascii_run = [], False
        mark = 0.6 * size
        for run in runs:
            if isinstance(run, int):
                atom = _Atom(str(run), self.width(str(run), mark), marker=True)
                (units[-1] if units and units[-1] is not None else units.append([]) or units[-1]).append(atom)
                continue
            for ch in run:
                atom = _Atom(ch, self.width(ch, size))
                if ch == " ":
                    units.append(None)
                    ascii_run = False
                elif units and units[-1] is not None and (
                    ch in _CLOSE
                    or (ch.isascii() and ascii_run)
                    or (units[-1][-1].ch in _OPEN and not units[-1][-1].marker)
                    or (junction(units[-1][-1].ch, ch) and not units[-1][-1].marker)
                ):
                    units[-1].append(atom)
                    ascii_run = ch.isascii()
                else:
                    units.append([atom])
                    ascii_run = ch.isascii()
        return units

    def lines(self, runs, width, size, indent=0.0, left=0.0, bold=False, justify=True, before=0.0, lead=15.0):
        """Break a block into lines of `width` points (the first indented by `indent`)."""
        lines, current, used = [], [], 0.0
        space = self.width(" ", size)
        pending_space = False
        measure = width - left - indent
        for unit in self._units(runs, size):
            if unit is None:
                pending_space = bool(current)
                continue
            w = sum(a.width for a in unit) + (space if pending_space else 0.0)
            if current and used + w > measure:
                lines.append(_Line(current, left + (indent if not lines else 0.0), measure, size, bold, justify))
                current, used, measure = [], 0.0, width - left
                w = sum(a.width for a in unit)
                pending_space = False
            if pending_space:
                current.append(_Atom(" ", space))
            current.extend(unit)
            used += w
            pending_space = False
        lines.append(_Line(current, left + (indent if not lines else 0.0), measure, size, bold, False))
        lines[0].before = before
        for line in lines:
            line.lead = lead
        return lines


def _block_lines(setter, block, width):
    lay = setter.layout
    b = lay.body
    if block.kind == "item":
        return setter.lines(block.runs, width, b + 2, bold=True, justify=False, before=8, lead=b * 1.8)
    if block.kind == "section":
        return setter.lines(block.runs, width, b + 1, bold=True, justify=False, before=4, lead=b * 1.7)
    if block.kind in ("sub", "decision", "verdict"):
        indent = {"sub": b, "decision": 2 * b, "verdict": 0.0}[block.kind]
        return setter.lines(block.runs, width, b, indent=indent, bold=True, justify=False, before=2, lead=lay.lead)
    if block.kind == "clause":
        s = b - 1
        return setter.lines(block.runs, width, s, indent=2 * s, left=2 * b, lead=lay.lead - 1.5)
    return setter.lines(block.runs, width, b, indent=2 * b, lead=lay.lead)


def _note_lines(setter, chapter, item, number, width):
    lay = setter.layout
    lines = setter.lines([chapter.note(item, number).text], width, lay.note, left=lay.hang, lead=lay.note_lead)
    lines[0].atoms = [_Atom(str(number), 0.0, marker=False)] + lines[0].atoms
    lines[0].number = True
    return lines


@dataclass
class _Frame:
    """Body lines set in `columns` columns, and the note lines under them."""

    columns: int
    body: list = field(default_factory=list)
    notes: list = field(default_factory=list)


class _Flow:
    """Pages of frames (a column with its notes, or the page with its notes under all columns)."""

    def __init__(self, setter, layout):
        self.setter = setter
        self.lay = layout
        top = layout.page[1] - layout.margin - (14 if layout.running else 0)
        bottom = layout.margin + (14 if layout.running else 0)
        self.height = top - bottom
        self.top = top
        self.col_width = (layout.page[0] - 2 * layout.margin - (layout.columns - 1) * layout.gutter) / layout.columns
        self.per_column = layout.notes == "column"
        self.pages = []  # lists of frames
        self.carry = []  # note lines continued from the previous frame
        self.frame = None
        self.next_frame()

    def next_frame(self):
        """Start the next column's frame, or a new page."""
        page = self.pages[-1] if self.pages else None
        if page is None or not self.per_column or len(page) == self.lay.columns:
            page = []
            self.pages.append(page)
        self.frame = _Frame(1 if self.per_column else self.lay.columns, notes=self.carry)
        self.carry = []
        page.append(self.frame)

    def notes_height(self, notes):
        return sum(n.lead for n in notes) + (10.0 if notes else 0.0)  # the rule and the space around it

    def columns(self, frame, body=None, notes=None):
        """The frame's body lines distributed over its columns, or None when they do not fit."""
        body = frame.body if body is None else body
        avail = self.height - self.notes_height(frame.notes if notes is None else notes)
        cols, used = [[]], 0.0
        for line in body:
            h = (line.before if cols[-1] else 0.0) + line.lead
            if (used + h > avail or line.break_before) and cols[-1]:
                cols.append([])
                used, h = 0.0, line.lead
            cols[-1].append(line)
            used += h
        return cols if len(cols) <= frame.columns and used <= avail else None

    def _fits(self, frame, body, notes, keep):
        cols = self.columns(frame, body + ([_Line([], 0, 0, 0, lead=keep)] if keep else []), notes)
        if cols is None or not keep:
            return cols is not None
        # A heading stays with what follows it: not the last line of its column.
        if len(cols[-1]) == 1 and len(cols) > 1 and not body[-1].break_before:
            body[-1].break_before = True
            ok = self._fits(frame, body, notes, keep)
            body[-1].break_before = ok
            return ok
        return True

    def place(self, line, notes, keep=0.0):
        """Place a body line and the note lines its markers bring (the last may continue on)."""
        while True:
            frame = self.frame
            body = frame.body + [line]
            if self._fits(frame, body, frame.notes + notes, keep):
                frame.body.append(line)
                frame.notes = frame.notes + notes
                return
            # Keep the line and the start of its notes here, continue the rest in the next frame.
            for k in range(len(notes) - 1, 0, -1):
                if self._fits(frame, body, frame.notes + notes[:k], keep):
                    frame.body.append(line)
                    frame.notes = frame.notes + notes[:k]
                    self.carry = notes[k:]
                    return
            if not frame.body:  # nothing fits even alone: let it overflow rather than loop
                frame.body.append(line)
                frame.notes = frame.notes + notes
                return
            self.next_frame()


def _draw_line(c, setter, line, x, y, lay, ops):
    """Queue the drawing of one line at (x, y) as closures in `ops`."""
    atoms = line.atoms
    natural = sum(a.width for a in atoms)
    extra = 0.0
    if line.justify and len(atoms) > 1:
        extra = max(0.0, (line.width - natural) / (len(atoms) - 1))
    positions, at = [], x
    for a in atoms:
        positions.append(at)
        at += a.width + extra
    size = line.size
    bold = line.bold

    def text_run(items, run_x, tc):
        def op():
            t = c.beginText()
            t.setFont(setter.font, size)
            t.setTextOrigin(run_x, y)
            if tc:
                t.setCharSpace(tc)
            if bold:
                t.setTextRenderMode(2)
            t.textOut("".join(a.ch for a in items))
            c.saveState()
            if bold:
                c.setLineWidth(0.3)
            c.drawText(t)
            c.restoreState()
        ops.append(op)

    def marker(a, mx):
        def op():
            t = c.beginText()
            t.setFont(setter.font, 0.6 * size)
            if lay.marker == "rise":
                t.setTextOrigin(mx, y)
                t.setRise(0.38 * size)
            else:
                t.setTextOrigin(mx, y + 0.38 * size)
            t.textOut(a.ch)
            c.drawText(t)
        ops.append(op)

    run, run_x = [], None
    for a, ax in zip(atoms, positions):
        if a.marker:
            if run:
                text_run(run, run_x, extra)
            run, run_x = [], None
            marker(a, ax)
            continue
        if not run:
            run_x = ax
        run.append(a)
    if run:
        text_run(run, run_x, extra)


_HAN = "\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef"


def _spaced(text):
    # A space between two Chinese characters (or Chinese punctuation), drawn in the same text
    # run as the characters, as Word's distributed lines leave them: "第 27 页 ( 巴 基 斯 坦 ) ；".
    return re.sub(f"(?<=[{_HAN}])(?=[{_HAN}])", " ", text)


def _with_spaces(chapter):
    blocks = tuple(replace(b, runs=tuple(r if isinstance(r, int) else _spaced(r) for r in b.runs))
                   for b in chapter.blocks)
    notes = tuple(replace(n, text=_spaced(n.text)) for n in chapter.notes)
    return replace(chapter, blocks=blocks, notes=notes)


def write_pdf(chapter, layout, path, job="09-25533 (C)"):
    """Typeset the chapter and write the PDF; returns the page count."""
    if layout.justify == "spaces":
        chapter = _with_spaces(chapter)
    setter = _Setter(layout)
    flow = _Flow(setter, layout)
    width = flow.col_width
    note_width = width if layout.notes == "column" else layout.page[0] - 2 * layout.margin
    blocks = chapter.blocks
    for i, block in enumerate(blocks):
        lines = _block_lines(setter, block, width)
        heading = block.kind not in ("paragraph", "clause")
        for j, line in enumerate(lines):
            notes = []
            for a in line.atoms:
                if a.marker:
                    notes.extend(_note_lines(setter, chapter, block.item, int(a.ch), note_width))
            keep = 2 * layout.lead if heading and j == len(lines) - 1 and i + 1 < len(blocks) else 0.0
            flow.place(line, notes, keep)
    while flow.carry:
        flow.next_frame()

    c = canvas.Canvas(str(path), pagesize=layout.page, pageCompression=1, invariant=1)
    c.setTitle(chapter.name)
    c.setAuthor("tests/data/pdf/make_fixtures.py")
    rng = random.Random(layout.seed)
    for number, frames in enumerate(flow.pages, 1):
        ops = []
        for k, frame in enumerate(frames):
            cols = flow.columns(frame) or [frame.body]
            for j, col in enumerate(cols):
                x0 = layout.margin + (k + j) * (width + layout.gutter)
                y = flow.top
                for i, line in enumerate(col):
                    y -= (line.before if i else 0.0) + line.lead
                    _draw_line(c, setter, line, x0 + line.x, y + 0.25 * line.lead, layout, ops)
            if not frame.notes:
                continue
            x0 = layout.margin + k * (width + layout.gutter)
            y = flow.top - flow.height + flow.notes_height(frame.notes)
            rule_y = y - 4.0
            ops.append(lambda x0=x0, rule_y=rule_y: (c.setLineWidth(0.5), c.line(x0, rule_y, x0 + 0.3 * width, rule_y)))
            y -= 10.0
            for line in frame.notes:
                y -= line.lead
                if line.number:
                    num = line.atoms[0]
                    rest = _Line(line.atoms[1:], line.x, line.width, line.size, justify=line.justify)
                    ops.append(lambda x0=x0, y=y + 2.5, t=num.ch: c.setFont(setter.font, layout.note) or c.drawString(x0, y, t))
                    _draw_line(c, setter, rest, x0 + rest.x, y + 2.5, layout, ops)
                else:
                    _draw_line(c, setter, line, x0 + line.x, y + 2.5, layout, ops)
        if layout.running:
            head_x = layout.page[0] - layout.margin if number % 2 else layout.margin
            align = c.drawRightString if number % 2 else c.drawString
            ops.append(lambda hx=head_x, al=align: c.setFont(setter.font, 8) or al(hx, layout.page[1] - layout.margin + 4, job))
            ops.append(lambda n=number: c.setFont(setter.font, 8) or c.drawCentredString(layout.page[0] / 2, layout.margin - 14, str(n)))
        if layout.shuffle:
            rng.shuffle(ops)
        for op in ops:
            op()
        c.showPage()
    c.save()
    return len(flow.pages)


def version():
    import reportlab

    return f"reportlab {reportlab.Version}"
