"""Laid-out PDF pages -> chapter text in the layout the chapter reader (corpus._ChapterReader) takes.

Over the whole document: running heads dropped (page and job numbers, titles repeated at the
top or bottom of pages), then lines -> headings (larger type), paragraphs (an indented first
line starts one) and footnotes (a number at the area's left edge starts one), joined across
columns and pages.
"""
import re
from collections import Counter
from dataclasses import dataclass, field

from .lines import join_pieces  # joined as the chapter reader joins: the same text back
from .pdf_page import HEADING, lay_out_page, split_page

_RUNNING = re.compile(r"\d{1,4}|-\s*\d{1,4}\s*-|\d{2}-\d{5}\s*\([A-Z]\)")


@dataclass
class _Block:
    kind: str  # heading | paragraph
    pieces: list = field(default_factory=list)
    size: float = 0.0
    page: int = 0
    y: float = 0.0


def compose_text(pages):
    """The chapter text of the pages: one line per heading and paragraph, then the footnotes."""
    laid = [lay_out_page(page) for page in pages]
    body_size = _body_size(pages)
    _drop_running_heads(laid, body_size)
    lefts = _typical_lefts(laid)
    blocks, footnotes = [], []
    for page, (rows, rules) in zip(pages, laid):
        body, notes = split_page(page.number, [s for row in rows for s in row], rules, body_size)
        _read_body(body, blocks, body_size, lefts, page.number)
        _read_footnotes(notes, footnotes)
    out, previous = [], None
    for block in blocks:
        text = join_pieces(block.pieces)
        if block.kind == "paragraph":
            out.append(f" {text} ")
        elif previous is not None and previous.kind == "heading" and join_pieces(previous.pieces).endswith(("：", ":")):
            # What a "…的决定：" heading introduces ("主席声明") stands unindented under it.
            out.append(text)
        else:
            out.append(f"  {text} ")
        previous = block
    out.append("_" * 20)
    out.extend(f" {number} {join_pieces(pieces)} " for number, pieces in footnotes)
    return "\n".join(out) + "\n"


def _row_key(row):
    # The same words (numbers aside) at the same height of the page.
    return round(row[0].y / 2), re.sub(r"\d+", "#", " ".join(s.text for s in row))


def _edge_rows(rows):
    """Indexes of the top and bottom rows when they stand apart from the rest (header, footer)."""
    found = []
    if len(rows) >= 2:
        if rows[0][0].y - rows[1][0].y > 1.8 * rows[0][0].size:
            found.append(0)
        if rows[-2][0].y - rows[-1][0].y > 1.8 * rows[-2][0].size:
            found.append(len(rows) - 1)
    return found


def _drop_running_heads(laid, body_size):
    """Drop page numbers, job numbers ("09-25533 (C)") and titles repeated at the top or bottom of pages."""
    keys = Counter(_row_key(rows[i]) for rows, _ in laid for i in set(_edge_rows(rows)))
    for rows, _ in laid:
        for i in sorted(set(_edge_rows(rows)), reverse=True):
            row = rows[i]
            if max(s.size for s in row) > body_size:
                continue  # a heading that happens to open pages ("初步程序"), not a running head
            if all(_RUNNING.fullmatch(s.text) for s in row) or keys[_row_key(row)] >= 3:
                del rows[i]


# ---------------------------------------------------------------- the whole document


def _body_size(pages):
    sizes = Counter(g.size for p in pages for g in p.glyphs if g.ch != " " and not g.mark)
    return sizes.most_common(1)[0][0] if sizes else 10.0


def _typical_lefts(laid):
    """The most common left edge of each column class, per page parity (margins may mirror)."""
    counts = {}
    for number, (rows, _) in enumerate(laid, 1):
        segments = [s for row in rows for s in row]
        if not segments:
            continue
        left, right = min(s.x0 for s in segments), max(s.x1 for s in segments)
        middle = (left + right) / 2
        for s in segments:
            cls = "right" if s.x0 >= middle - 1 else "left"
            counts.setdefault((number % 2, cls), Counter())[round(s.x0)] += 1
    return {key: c.most_common(1)[0][0] for key, c in counts.items()}


def _read_body(lines, blocks, body_size, lefts, number):
    by_class = {}
    for line in lines:
        if line.size <= body_size * HEADING:
            by_class.setdefault(line.cls, []).append(line.x0)
    col_left = {
        cls: min(xs) if len(xs) >= 3 else min(min(xs), lefts.get((number % 2, cls), min(xs)))
        for cls, xs in by_class.items()
    }
    for line in lines:
        last = blocks[-1] if blocks else None
        if line.size > body_size * HEADING:
            if (last is not None and last.kind == "heading" and last.page == line.page
                    and abs(last.size - line.size) < 0.2 and 0 < last.y - line.y <= 1.7 * line.size):
                last.pieces.append(line.text)  # a heading wrapped onto a second line
            else:
                blocks.append(_Block("heading", [line.text], line.size, line.page, line.y))
            last = blocks[-1]
            last.y = line.y
            continue
        indented = line.x0 - col_left.get(line.cls, line.x0) > 0.6 * body_size
        if indented or last is None or last.kind != "paragraph":
            blocks.append(_Block("paragraph", [line.text]))
        else:
            last.pieces.append(line.text)


_NUMBER = re.compile("\\s*(?:\ue000(\\d+)\ue001|(\\d{1,3})(?=\\s|$))\\s*(.*)")


def _read_footnotes(areas, footnotes):
    for area_left, lines in areas:
        for line in lines:
            m = _NUMBER.fullmatch(line.text)
            if m and line.x0 - area_left < line.size:
                footnotes.append((int(m.group(1) or m.group(2)), [m.group(3)]))
            elif footnotes:
                footnotes[-1][1].append(line.text)  # a footnote continued from the column or page before


# ---------------------------------------------------------------- joining
