"""What pdf.py reads of a page (glyphs, rules) and the character classes the layout reasons with.

A glyph is one drawn character with its loose box across (its advance), its baseline, its type
size, its weight and the place it was drawn in the page's content stream. The layout modules
(pdf_columns, pdf_lines, pdf_blocks) only read these.
"""
from dataclasses import dataclass

from ..text import is_han


@dataclass(slots=True)
class Glyph:
    """One drawn character."""

    ch: str
    x0: float
    x1: float
    y: float  # baseline, text rise included
    size: float
    bold: bool = False  # a bold face, a heavy weight, or outlined and filled (synthetic bold)
    seq: int = 0  # drawing order on the page
    mark: bool = False  # a footnote marker digit (set by the layout)


@dataclass(frozen=True)
class Rule:
    """A drawn horizontal line (or a row of underscores), such as the footnote separator."""

    x0: float
    x1: float
    y: float


@dataclass
class PageContent:
    """What pdf.py reads of one page."""

    number: int
    width: float
    height: float
    glyphs: list
    rules: list
    images: int = 0


def is_word(ch):
    """A Latin letter or a digit (ASCII): what a space stands between."""
    return ch.isascii() and ch.isalnum()


def is_cjk_punct(ch):
    """Chinese punctuation and full-width forms (，。、；：“”《》（）…)."""
    code = ord(ch) if ch else 0
    return 0x3000 <= code <= 0x303F or 0xFF00 <= code <= 0xFFEF or 0x2018 <= code <= 0x201F or code == 0x2026


def is_cjk(ch):
    """A Chinese character or Chinese punctuation."""
    return bool(ch) and (is_han(ch) or is_cjk_punct(ch))


def group_rows(items, tolerance=1.0):
    """Glyphs (or anything with .y and .x0) in rows, top to bottom, each row left to right.

    A row is what stands within `tolerance` points of its first (highest) baseline.
    """
    items = sorted(items, key=lambda g: -g.y)
    rows, row = [], []
    for g in items:
        if row and row[0].y - g.y > tolerance:
            rows.append(sorted(row, key=lambda g: g.x0))
            row = []
        row.append(g)
    if row:
        rows.append(sorted(row, key=lambda g: g.x0))
    return rows


def median(values, default=0.0):
    """The median of a list (the lower middle for an even count)."""
    if not values:
        return default
    values = sorted(values)
    return values[(len(values) - 1) // 2]
