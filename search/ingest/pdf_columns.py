"""One page's rows of glyphs -> regions (columns and page-wide bands) in reading order.

Columns are found from the whitespace that runs down through many lines, not from the gaps in
one row: a gutter is an x where a run of consecutive rows has no ink, with text ending just left
of it and lines starting at it on the right. Letter-spaced or space-justified Chinese leaves gaps
between every two characters of a row, but never at the same x through many rows, and never as
wide as a gutter. Rows that cross the gutter (a heading across both columns, page-wide
footnotes) end a band of columns; each band is read column by column, and each column may split
again (three columns).
"""
from collections import Counter
from dataclasses import dataclass, field

from .pdf_glyphs import median

# Ink closer than this many type sizes is one run (letter spacing, word spaces, justification).
_JOIN = 1.0
# Each side of a gutter: at least this many rows with text by it, this many type sizes wide.
_MIN_ROWS, _MIN_WIDTH = 2, 6.0
_DEPTH = 3  # columns within columns


@dataclass(eq=False)
class Region:
    """A column of a band of columns, or a band across the page: rows of glyphs, top to bottom."""

    rows: list
    band: int = 0  # bands down the page, counted in reading order
    column: int = 0  # the column within its band (0 for a band across the page)
    columns: int = 1  # columns in its band
    x0: float = field(init=False)
    x1: float = field(init=False)
    top: float = field(init=False)
    bottom: float = field(init=False)

    def __post_init__(self):
        glyphs = [g for row in self.rows for g in row]
        self.x0 = min(g.x0 for g in glyphs)
        self.x1 = max(g.x1 for g in glyphs)
        self.top = max(g.y + 0.8 * g.size for g in glyphs)
        self.bottom = min(g.y - 0.2 * g.size for g in glyphs)


def find_regions(rows, body_size=None):
    """The regions of a page in reading order, from its rows of glyphs (top to bottom).

    :param body_size: the body's type size (the document's; by default the page's usual size).
    """
    rows = [row for row in rows if row]
    if not rows:
        return []
    em = median([g.size for row in rows for g in row if g.ch != " "], 10.0)
    regions = _split(rows, _Measures(em, body_size or em), 0)
    band, previous = -1, None
    for region in regions:
        if region.columns == 1 or previous is None or previous.columns == 1 or region.column <= previous.column:
            band += 1
        region.band = band
        previous = region
    return regions


@dataclass(frozen=True)
class _Measures:
    em: float  # the page's usual type size
    body_size: float  # the document's body size


def _runs(row, em):
    """The ink of a row as (x0, x1) runs: glyphs (spaces aside) closer than _JOIN sizes joined."""
    runs, least = [], em * 0.5
    for g in row:
        if g.ch == " ":
            continue
        if runs and g.x0 - runs[-1][1] < _JOIN * (g.size if g.size > least else least):
            if g.x1 > runs[-1][1]:
                runs[-1][1] = g.x1
        else:
            runs.append([g.x0, g.x1])
    return runs


def _split(rows, measures, depth):
    found = _gutter(rows, measures) if depth < _DEPTH else None
    if found is None:
        return [Region(rows)]
    edge, bands = found
    out, at = [], 0
    for start, end in bands:
        if at < start:
            out += _split(rows[at:start], measures, depth + 1)
        left = [[g for g in row if g.x0 < edge - 1] for row in rows[start:end]]
        right = [[g for g in row if g.x0 >= edge - 1] for row in rows[start:end]]
        parts = (_split([r for r in left if r], measures, depth + 1)
                 + _split([r for r in right if r], measures, depth + 1))
        for column, region in enumerate(parts):
            region.column, region.columns = column, len(parts)
        out += parts
        at = end
    if at < len(rows):
        out += _split(rows[at:], measures, depth + 1)
    return out


def _gutter(rows, measures):
    """The best gutter of these rows: (x where the right column starts, [(first row, end row) of each band]) or None."""
    em = measures.em
    runs = [_runs(row, em) for row in rows]
    spans = [r for rr in runs for r in rr]
    if not spans:
        return None
    left, right = min(r[0] for r in spans), max(r[1] for r in spans)
    width = right - left
    # A column's left edge: where runs start (in two rows at least, if any do), well inside the rows' extent.
    starts = Counter(round(r[0]) for r in spans if left + 0.15 * width < r[0] < right - 0.1 * width)
    headings = [i for i, row in enumerate(rows) if _heading_like(row, measures.body_size)]
    # Where two runs start or more first: a gutter at an edge only one line starts at is rare.
    often = sorted(x for x, n in starts.items() if n >= 2)
    return (_best_edge(rows, runs, often, headings, em)
            or _best_edge(rows, runs, sorted(x for x, n in starts.items() if n < 2), headings, em))


def _best_edge(rows, runs, edges, headings, em):
    best, best_score = None, 0
    for edge in edges:
        beside = _spans_by_gap(rows, runs, edge, headings)
        bands = _bands(runs, edge, em, edge + 1, beside)
        if bands:
            # A line that reaches into the gutter (a heading across both columns, too short to
            # cross it) is no line of the left column: it ends the band.
            bands = _bands(runs, edge, em, (_left_margin(runs, bands, edge, em) + edge) / 2, beside)
        score = sum(end - start for start, end in bands)
        if score > best_score:
            best, best_score = (edge, bands), score
    return best


def _left_margin(runs, bands, edge, em):
    """Where the left column's lines end: the most common end of the runs left of the gutter."""
    ends = Counter(round(x1) for start, end in bands for row in runs[start:end] for x0, x1 in row
                   if x1 <= edge and x1 > edge - 8 * em)
    return ends.most_common(1)[0][0] if ends else edge


def _bands(runs, edge, em, limit, beside):
    """Runs of consecutive rows that no ink crosses at `edge` (up to `limit`), with columns on both sides."""
    bands, start = [], 0
    for i in range(len(runs) + 1):
        crossing = i == len(runs) or i in beside or any(x0 < edge - 1 and x1 > limit for x0, x1 in runs[i])
        if crossing:
            if i > start and _is_band(runs[start:i], edge, em):
                bands.append((start, i))
            start = i + 1
    return bands


def _spans_by_gap(rows, runs, edge, headings):
    """Rows of a heading set across both columns but too short to cross the gutter: bold or larger
    type on the left, facing a gap in the right column's lines."""
    if not headings:
        return set()
    right = {i for i, row in enumerate(runs) if any(x0 >= edge - 1 for x0, _ in row)}
    ys = [rows[i][0].y for i in sorted(right)]
    steps = sorted(a - b for a, b in zip(ys, ys[1:]) if a - b > 0)
    if len(steps) < 2:
        return set()
    step = steps[len(steps) // 2]
    found = set()
    for i in headings:
        if i in right:
            continue
        y = rows[i][0].y
        above = [v for v in ys if v > y]
        below = [v for v in ys if v < y]
        # Wider than two of the column's lines, narrower than six: the right column goes on
        # below it (not a column that ended there, with its footnotes far below).
        if above and below and 2.2 * step < min(above) - max(below) < 6 * step:
            found.add(i)
    return found


def _heading_like(row, body_size):
    """Bold, or in type larger than the body's."""
    ink = [g for g in row if g.ch != " "]
    return bool(ink) and (sum(g.bold for g in ink) > len(ink) / 2 or median([g.size for g in ink]) > 1.05 * body_size)


def _is_band(rows, edge, em):
    starts = sum(1 for row in rows if any(abs(x0 - edge) <= 1 for x0, _ in row))
    ends = sum(1 for row in rows if any(edge - 8 * em < x1 < edge - 0.5 * em for _, x1 in row))
    if starts < 1 or ends < _MIN_ROWS:
        return False
    lefts = [r for row in rows for r in row if r[1] <= edge]
    rights = [r for row in rows for r in row if r[0] >= edge - 1]
    right_width = max(r[1] for r in rights) - min(r[0] for r in rights)
    # One line in the right column will do if it is a whole line (a column begun at a page's foot).
    return (max(r[1] for r in lefts) - min(r[0] for r in lefts) >= _MIN_WIDTH * em
            and right_width >= (_MIN_WIDTH if starts >= _MIN_ROWS else 2 * _MIN_WIDTH) * em)
