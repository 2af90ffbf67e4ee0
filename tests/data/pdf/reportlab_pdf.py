"""Chapter -> PDF drawn with reportlab's canvas by a small typesetter of our own.

Independent of tests/pdf_fixtures.py: its own line breaker (break between Chinese characters,
never inside a Latin word, no line opened by closing punctuation), its own page flow
(columns, footnotes at the foot of the column or page where their marker lands, a footnote
too long for the space left continued in the next column or page), and the PDF-level
choices the other producers never make: markers raised with the text-rise operator (Ts),
justification by character spacing (Tc) or by space glyphs between characters (as Word
leaves them), bold made by stroking the glyph outlines (text render mode 2), a CID font that
is not embedded, and every piece of text drawn in a shuffled order.
"""
import random
from dataclasses import dataclass, field

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

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
    justify: str = "tc"  # tc: character spacing | spaces: space glyphs between characters
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


@dataclass
class _Area:
    """A column's body and the notes drawn under it (or under the page, for page notes)."""

    lines: list = field(default_factory=list)
    used: float = 0.0


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


class _Flow:
    """Pages of columns; each body line takes its notes into the area under it."""

    def __init__(self, setter, layout):
        self.setter = setter
        self.lay = layout
        top = layout.page[1] - layout.margin - (14 if layout.running else 0)
        bottom = layout.margin + (14 if layout.running else 0)
        self.height = top - bottom
        self.top = top
        self.col_width = (layout.page[0] - 2 * layout.margin - (layout.columns - 1) * layout.gutter) / layout.columns
        self.pages = []
        self.carry = []  # note lines continued from the previous area
        self._new_page()

    def _new_page(self):
        cols = [_Area() for _ in range(self.lay.columns)]
        notes = [_Area() for _ in range(self.lay.columns if self.lay.notes == "column" else 1)]
        self.pages.append((cols, notes))
        self.col = 0
        self._take_carry()

    def _notes_area(self):
        cols, notes = self.pages[-1]
        return notes[self.col] if self.lay.notes == "column" else notes[0]

    def _take_carry(self):
        carry, self.carry = self.carry, []
        for line in carry:
            self._add_note_line(line)

    def _add_note_line(self, line):
        area = self._notes_area()
        if not area.lines:
            area.used += 10.0  # the rule and the space around it
        area.lines.append(line)
        area.used += line.lead

    def _body_used(self):
        cols, _ = self.pages[-1]
        if self.lay.notes == "column":
            return cols[self.col].used
        return max(c.used for c in cols)

    def _next_area(self):
        self.col += 1
        if self.col >= self.lay.columns:
            self._new_page()
        else:
            self._take_carry()

    def place(self, line, notes, keep=0.0):
        """Place a body line and the note lines its markers bring (some may continue on)."""
        while True:
            cols, _ = self.pages[-1]
            area = self._notes_area()
            first = notes[:2]
            need = line.before + line.lead + keep + sum(n.lead for n in first) + (10.0 if first and not area.lines else 0.0)
            fits = max(self._body_used(), cols[self.col].used + need) + area.used <= self.height
            if fits or (not cols[self.col].lines and not area.lines):
                break
            self._next_area()
        col = cols[self.col]
        if not col.lines:
            line.before = 0.0
        col.lines.append(line)
        col.used += line.before + line.lead
        for i, n in enumerate(notes):
            extra = n.lead + (10.0 if not area.lines else 0.0)
            if max(self._body_used(), col.used) + area.used + extra > self.height and i >= 1:
                self.carry.extend(notes[i:])
                break
            self._add_note_line(n)


def _draw_line(c, setter, line, x, y, lay, ops, gap_spaces):
    """Queue the drawing of one line at (x, y) as closures in `ops`."""
    atoms = line.atoms
    glyphs = [a for a in atoms if not a.marker]
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

    if gap_spaces and line.justify and extra > 0:
        # Word's way: each character placed on its own, a space glyph in every gap.
        for a, ax in zip(atoms, positions):
            if a.marker:
                marker(a, ax)
            else:
                text_run([a], ax, 0.0)
                if a is not atoms[-1] and a.ch != " ":
                    text_run([_Atom(" ", 0.0)], ax + a.width, 0.0)
        return
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
    del glyphs


def write_pdf(chapter, layout, path, job="09-25533 (C)"):
    """Typeset the chapter and write the PDF; returns the page count."""
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
        flow._next_area()

    c = canvas.Canvas(str(path), pagesize=layout.page, pageCompression=1, invariant=1)
    c.setTitle(chapter.name)
    c.setAuthor("tests/data/pdf/make_fixtures.py")
    rng = random.Random(layout.seed)
    gap_spaces = layout.justify == "spaces"
    for number, (cols, notes) in enumerate(flow.pages, 1):
        ops = []
        for k, col in enumerate(cols):
            x0 = layout.margin + k * (width + layout.gutter)
            y = flow.top
            for line in col.lines:
                y -= line.before + line.lead
                _draw_line(c, setter, line, x0 + line.x, y + 0.25 * line.lead, layout, ops, gap_spaces)
        for k, area in enumerate(notes):
            if not area.lines:
                continue
            x0 = layout.margin + k * (width + layout.gutter)
            y = flow.top - flow.height + area.used
            rule_y = y - 4.0
            ops.append(lambda x0=x0, rule_y=rule_y: (c.setLineWidth(0.5), c.line(x0, rule_y, x0 + 0.3 * width, rule_y)))
            y -= 10.0
            for line in area.lines:
                y -= line.lead
                if getattr(line, "number", False):
                    num = line.atoms[0]
                    rest = _Line(line.atoms[1:], line.x, line.width, line.size, justify=line.justify)
                    ops.append(lambda x0=x0, y=y + 2.5, t=num.ch: c.setFont(setter.font, layout.note) or c.drawString(x0, y, t))
                    _draw_line(c, setter, rest, x0 + rest.x, y + 2.5, layout, ops, gap_spaces)
                else:
                    _draw_line(c, setter, line, x0 + line.x, y + 2.5, layout, ops, gap_spaces)
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
