"""One page's rows of glyphs -> regions (columns and page-wide bands) in reading order.

Columns are found from the whitespace that runs down through many lines, not from the gaps in
one row: a gutter is an x where a run of consecutive rows has no ink, with text ending just left
of it and lines starting at it on the right. Letter-spaced or space-justified Chinese leaves gaps
between every two characters of a row, but never at the same x through many rows, and never as
wide as a gutter. Rows that cross the gutter (a heading across both columns, page-wide
footnotes) end a band of columns; each band is read column by column, and each column may split
again (three columns).
"""
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


def find_regions(rows):
    """The regions of a page in reading order, from its rows of glyphs (top to bottom)."""
    rows = [row for row in rows if row]
    if not rows:
        return []
    em = median([g.size for row in rows for g in row if g.ch != " "], 10.0)
    regions = _split(rows, em, 0)
    band, previous = -1, None
    for region in regions:
        if region.columns == 1 or previous is None or previous.columns == 1 or region.column <= previous.column:
            band += 1
        region.band = band
        previous = region
    return regions


def _runs(row, em):
    """The ink of a row as (x0, x1) runs: glyphs (spaces aside) closer than _JOIN sizes joined."""
    runs = []
    for g in row:
        if g.ch == " ":
            continue
        if runs and g.x0 - runs[-1][1] < _JOIN * max(g.size, em * 0.5):
            runs[-1][1] = max(runs[-1][1], g.x1)
        else:
            runs.append([g.x0, g.x1])
    return runs


def _split(rows, em, depth):
    found = _gutter(rows, em) if depth < _DEPTH else None
    if found is None:
        return [Region(rows)]
    edge, bands = found
    out, at = [], 0
    for start, end in bands:
        if at < start:
            out += _split(rows[at:start], em, depth + 1)
        left = [[g for g in row if g.x0 < edge - 1] for row in rows[start:end]]
        right = [[g for g in row if g.x0 >= edge - 1] for row in rows[start:end]]
        parts = _split([r for r in left if r], em, depth + 1) + _split([r for r in right if r], em, depth + 1)
        for column, region in enumerate(parts):
            region.column, region.columns = column, len(parts)
        out += parts
        at = end
    if at < len(rows):
        out += _split(rows[at:], em, depth + 1)
    return out


def _gutter(rows, em):
    """The best gutter of these rows: (x where the right column starts, [(first row, end row) of each band]) or None."""
    runs = [_runs(row, em) for row in rows]
    spans = [r for rr in runs for r in rr]
    if not spans:
        return None
    left, right = min(r[0] for r in spans), max(r[1] for r in spans)
    width = right - left
    # A column's left edge: where runs start, well inside the rows' extent.
    edges = sorted({round(r[0]) for r in spans if left + 0.15 * width < r[0] < right - 0.1 * width})
    best, best_score = None, 0
    for edge in edges:
        bands = _bands(runs, edge, em)
        score = sum(end - start for start, end in bands)
        if score > best_score:
            best, best_score = (edge, bands), score
    return best


def _bands(runs, edge, em):
    """Runs of consecutive rows that no ink crosses at `edge`, with columns on both sides."""
    bands, start = [], 0
    for i in range(len(runs) + 1):
        crossing = i == len(runs) or any(x0 < edge - 1 and x1 > edge + 1 for x0, x1 in runs[i])
        if crossing:
            if i > start and _is_band(runs[start:i], edge, em):
                bands.append((start, i))
            start = i + 1
    return bands


def _is_band(rows, edge, em):
    starts = sum(1 for row in rows if any(abs(x0 - edge) <= 1 for x0, _ in row))
    ends = sum(1 for row in rows if any(edge - 8 * em < x1 < edge - 0.5 * em for _, x1 in row))
    if starts < _MIN_ROWS or ends < _MIN_ROWS:
        return False
    lefts = [r for row in rows for r in row if r[1] <= edge]
    rights = [r for row in rows for r in row if r[0] >= edge - 1]
    return (max(r[1] for r in lefts) - min(r[0] for r in lefts) >= _MIN_WIDTH * em
            and max(r[1] for r in rights) - min(r[0] for r in rights) >= _MIN_WIDTH * em)
