"""Laid-out PDF pages -> the whole document's blocks -> chapter text for the chapter reader.

Over the whole document: running heads dropped (page and job numbers, titles repeated at the
top or bottom of pages), the measures every page is read with (the body's type size, the
columns' left edges, each type size's own left edge, the spacing of Latin text), then the
blocks of every page (pdf_blocks). A paragraph or clause that runs on at the top of the next
column or page joins the one before. The chapter text has one line per heading and paragraph
and, after one rule per page or column, the footnotes that stand there: a note stays with the
page, column and so the item where it stands.
"""
import re
from collections import Counter
from dataclasses import dataclass, field

from .lines import join_pieces
from .pdf_blocks import (
    HEADING,
    body_blocks,
    heading_goes_on,
    is_heading,
    lay_out_page,
    note_blocks,
    page_rows,
    starts_block,
)
from .pdf_glyphs import median
from .pdf_lines import line_spacing, line_text

_RUNNING = re.compile(r"\d{1,4}|-\s*\d{1,4}\s*-|\d{2}-\d{5}\s*\([A-Z]\)")
SEPARATOR = "_" * 20


@dataclass
class Style:
    """What the whole document says about how its pages are set."""

    body_size: float
    spacing: float = 0.0  # the usual gap between Latin letters and digits
    edges: dict = field(default_factory=dict)  # page parity -> the columns' usual left edges
    indents: dict = field(default_factory=dict)  # type size -> a block's own left edge from the column's

    def left_edge(self, number, region, lines):
        """The left edge of the column a region's lines stand in (their own edge when they are all indented)."""
        headings = [line.x0 for line in lines if is_heading(line, self.body_size)]
        lowest = min([line.x0 for line in lines if not is_heading(line, self.body_size)] or headings)
        # The column's usual edge, or a heading's set flush with it, when every line here is indented.
        known = list(self.edges.get(number % 2, ())) + headings
        near = [e for e in known if lowest - 4 * self.body_size <= e <= lowest + 1]
        return min(near) if near else lowest

    def indent(self, line):
        """How far a block of this line's type stands in from the column's edge."""
        return self.indents.get(_size_class(line.size), 0.0)


def _size_class(size):
    return round(size * 2) / 2


@dataclass
class BodyBlock:
    """A heading, paragraph or decision clause of the whole document: its parts on each page and
    column it runs across, and the footnote areas placed after it in the chapter text."""

    kind: str  # heading | paragraph | decision
    parts: list  # pdf_blocks.Block, in reading order
    notes: list = field(default_factory=list)  # pdf_blocks.NoteArea
    text: str = ""  # markers as sentinels


@dataclass
class Document:
    """A PDF as the reader saw it: its pages, and the body blocks joined across columns and pages."""

    pages: list  # pdf_blocks.PageLayout
    style: Style
    blocks: list  # BodyBlock, in reading order
    footnotes: list  # footnote Blocks in order, a note continued from the page before joined to its first part


def compose_text(pages):
    """The chapter text of the pages: one line per heading and paragraph, each page's footnotes after a rule."""
    return chapter_text(read_document(pages))


def read_document(pages):
    """Lay out every page and join the body across columns and pages."""
    body_size = _body_size(pages)
    prepared = [page_rows(page) for page in pages]
    running = _drop_running_heads([rows for rows, _ in prepared], body_size)
    layouts = [lay_out_page(page, rows, rules, body_size, dropped)
               for page, (rows, rules), dropped in zip(pages, prepared, running)]
    style = _measure(pages, layouts, body_size)
    last, footnotes = 0, []
    for layout in layouts:
        body_blocks(layout, style)
        last = note_blocks(layout, style, last)
        for block in layout.blocks:
            block.text = join_pieces([line_text(line, style.spacing) for line in block.lines])
        for note in layout.footnotes:
            if note.number is None and footnotes:
                footnotes[-1].text = join_pieces([footnotes[-1].text, note.text])
            elif note.number is not None:
                footnotes.append(note)
    return Document(layouts, style, _join(layouts), footnotes)


def _join(layouts):
    """The body blocks of all pages in reading order, a block that runs on at the top of a region
    joined to the one before; each footnote area after the band of columns it stands in."""
    joined, pending = [], []
    for layout in layouts:
        by_region = {}
        for block in layout.blocks:
            by_region.setdefault(block.region, []).append(block)
        for i, region in enumerate(layout.regions):
            for block in by_region.get(region, []):
                last = joined[-1] if joined else None
                if last is not None and last.kind == block.kind and _runs_on(last.parts[-1], block):
                    last.parts.append(block)
                else:
                    joined.append(BodyBlock(block.kind, [block]))
            pending += [area for area in layout.areas if area.region is region]
            # Notes set under one column may be the page's (under both): place them after the band.
            last_of_band = i + 1 == len(layout.regions) or layout.regions[i + 1].band != region.band
            if last_of_band and pending and joined:
                joined[-1].notes += pending
                pending = []
    if pending and joined:
        joined[-1].notes += pending
    for entry in joined:
        entry.text = join_pieces([b.text for b in entry.parts])
    return joined


def _runs_on(previous, block):
    """Does the first block of a region go on with the last block of the region before?"""
    if block.kind == "heading":
        return heading_goes_on(previous.lines[-1], block.lines[0], across=True)
    return not block.opens and not starts_block(previous.lines[-1], block.lines[0])


def chapter_text(document):
    """The chapter text in the layout the chapter reader takes."""
    out, previous = [], None
    notes = {id(n): n for n in document.footnotes}
    for entry in document.blocks:
        text = entry.text
        if entry.kind != "heading":
            out.append(f" {text} ")
        elif previous is not None and previous.kind == "heading" and previous.text.endswith(("：", ":")):
            # What a "…的决定：" heading introduces ("主席声明") stands unindented under it.
            out.append(text)
        else:
            out.append(f"  {text} ")
        previous = entry
        for area in entry.notes:
            lines = [f" {b.number} {b.text} " for b in area.blocks if id(b) in notes]
            if lines:
                out.append(SEPARATOR)
                out.extend(lines)
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- the whole document


def _body_size(pages):
    sizes = Counter(g.size for p in pages for g in p.glyphs if g.ch != " " and not g.mark)
    return sizes.most_common(1)[0][0] if sizes else 10.0


def _pieces(row):
    """A row's runs of text apart by more than two type sizes."""
    runs = []
    for g in row:
        if g.ch == " ":
            continue
        if runs and g.x0 - runs[-1][-1].x1 < 2 * g.size:
            runs[-1].append(g)
        else:
            runs.append([g])
    return ["".join(g.ch for g in run) for run in runs]


def _row_key(row):
    # The same words (numbers aside) at the same height of the page.
    return round(row[0].y / 2), re.sub(r"\d+", "#", " ".join(_pieces(row)))


def _edge_rows(rows, apart=1.8):
    """Indexes of the top and bottom rows when they stand `apart` type sizes from the rest (header, footer)."""
    found = []
    if len(rows) >= 2:
        if rows[0][0].y - rows[1][0].y > apart * max(g.size for g in rows[0]):
            found.append(0)
        if rows[-2][0].y - rows[-1][0].y > apart * max(g.size for g in rows[-2]):
            found.append(len(rows) - 1)
    return found


def _drop_running_heads(pages_rows, body_size):
    """Drop page numbers, job numbers ("09-25533 (C)") and titles repeated at the top or bottom of
    pages from each page's rows; returns the rows dropped from each page."""
    keys = Counter(_row_key(rows[i]) for rows in pages_rows for i in set(_edge_rows(rows)))
    dropped = []
    for rows in pages_rows:
        gone = []
        for i in sorted(set(_edge_rows(rows, 1.5)), reverse=True):
            row = rows[i]
            ink = [g for g in row if g.ch != " "]
            if max(g.size for g in ink) > body_size * HEADING or sum(g.bold for g in ink) > len(ink) / 2:
                continue  # a heading that happens to open pages ("初步程序"), not a running head
            numbers = all(_RUNNING.fullmatch(p) for p in _pieces(row))
            # A page or job number stands apart by 1.5 type sizes, a repeated title by 1.8.
            if numbers or (keys[_row_key(row)] >= 3 and i in _edge_rows(rows)):
                gone.append(rows.pop(i))
        dropped.append(gone[::-1])
    return dropped


def _measure(pages, layouts, body_size):
    """The document's measures: the columns' left edges, each type size's own indent, the Latin spacing."""
    style = Style(body_size)
    edges, spacings = {}, []
    for layout in layouts:
        for lines in layout.lines.values():
            for line in lines:
                if not is_heading(line, body_size) and abs(line.size - body_size) < 0.5:
                    edges.setdefault(layout.number % 2, Counter())[round(line.x0)] += 1
                spacing = line_spacing(line)
                if spacing is not None:
                    spacings.append(spacing / line.size)
    style.edges = {parity: sorted(x for x, n in counts.items() if n >= 3) for parity, counts in edges.items()}
    offsets = {}
    for layout in layouts:
        for region, lines in layout.lines.items():
            if not lines:
                continue
            left = style.left_edge(layout.number, region, lines)
            for line in lines:
                if not is_heading(line, body_size):
                    offsets.setdefault(_size_class(line.size), Counter())[round(line.x0 - left)] += 1
    for size, counts in offsets.items():
        total = sum(counts.values())
        common = [x for x, n in counts.items() if n >= max(2, 0.1 * total)]
        # Body text stands at the column's edge; smaller type (a quoted clause) may stand in as a block.
        style.indents[size] = float(min(common)) if common and size != _size_class(body_size) else 0.0
    style.spacing = median(spacings) * body_size
    return style
