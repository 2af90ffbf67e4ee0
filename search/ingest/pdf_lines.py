"""A region's rows of glyphs -> lines: footnote markers attached, spaces told from tracking.

A marker is a small or raised run of digits: it joins the line it stands above (the nearest
baseline below it; the order in which the producer drew them decides between two). A space is
text only between Latin letters or digits, or between one of them and a Chinese character; never
between two Chinese characters or next to Chinese punctuation. Space glyphs between Chinese
characters are justification, and so is a gap no wider than the line's own spacing: a gap is
measured against the spacing of the line's Latin letters and digits (letter spacing and
inter-character justification widen those too), so that only a gap wider than that by about a
space is one.
"""
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field

from ..text import is_han
from .pdf_glyphs import is_cjk_punct, is_word, median

SENTINEL = "\ue000{}\ue001"
# Digits smaller than this share of their line's type, or raised by more than _RAISE sizes, are markers.
_SMALL, _RAISE = 0.8, 0.15
# A gap this much (type sizes) wider than the line's own spacing is a space: a space is a quarter
# of the type or more, letter spacing and the error of positioned glyphs far less.
SPACE_GAP = 0.12


_UNMEASURED = object()


@dataclass(eq=False)
class Line:
    """One line of a region: its glyphs left to right (markers flagged), and what they measure."""

    glyphs: list
    x0: float = field(init=False)
    x1: float = field(init=False)
    y: float = field(init=False)
    size: float = field(init=False)
    bold: bool = field(init=False)

    def __post_init__(self):
        self.measure()

    def measure(self):
        """Baseline and size (the most common of its characters', markers aside), edges, weight."""
        self.own_spacing = _UNMEASURED  # line_spacing's, when asked
        ink = [g for g in self.glyphs if g.ch != " "] or self.glyphs
        main = [g for g in ink if not g.mark] or ink
        self.size, self.y = _mode([g.size for g in main]), _mode([g.y for g in main])
        self.x0, self.x1 = ink[0].x0, max(g.x1 for g in ink)
        self.bold = sum(g.bold for g in main) >= 0.6 * len(main)

    @property
    def plain(self):
        """The characters as drawn, markers and spaces left out."""
        return "".join(g.ch for g in self.glyphs if g.ch != " " and not g.mark)

    @property
    def markers(self):
        """The glyph runs of the markers on this line."""
        runs, run = [], []
        for g in self.glyphs:
            if g.mark and (not run or g.x0 - run[-1].x1 < 0.3 * g.size):
                run.append(g)
                continue
            if run:
                runs.append(run)
            run = [g] if g.mark else []
        return runs + ([run] if run else [])


def _mode(values):
    # Nearly every line has one size and one baseline: skip the count then.
    if min(values) == max(values):
        return values[0]
    return Counter(values).most_common(1)[0][0]


def make_lines(rows):
    """The lines of a region from its rows of glyphs (top to bottom), markers attached to their lines."""
    lines, digit_rows = [], []
    for row in rows:
        row = _without_overprint(row)
        ink = [g for g in row if g.ch != " "]
        if not ink:
            continue
        digits = all("0" <= g.ch <= "9" for g in ink)
        if lines and _side_by_side(lines[-1], row):
            lines[-1].glyphs = sorted(lines[-1].glyphs + row, key=lambda g: g.x0)
            lines[-1].measure()
        elif digits:
            digit_rows.append(ink)
        else:
            lines.append(Line(row))
    for line in lines:
        # Digits in smaller type on the line's own baseline are markers too.
        if any("0" <= g.ch <= "9" and g.size <= _SMALL * line.size for g in line.glyphs):
            for g in line.glyphs:
                if "0" <= g.ch <= "9" and g.size <= _SMALL * line.size:
                    g.mark = True
            line.measure()
    leftover = []
    for row in digit_rows:
        rest = [run for run in _digit_runs(row) if not _attach(run, lines)]
        if rest:
            leftover.append(Line([g for run in rest for g in run]))
    return sorted(lines + leftover, key=lambda line: -line.y)


def _side_by_side(line, row):
    """Is the row part of the line, drawn a little lower or higher (a stray text rise, a logo's
    lowered letter): close below it, in type of its size, beside its characters and not over them?"""
    size = max(g.size for g in row)
    if line.y - row[0].y >= 0.5 * max(size, line.size) or abs(size - line.size) > 0.2 * line.size:
        return False
    # The line's small digits (its markers) may stand anywhere.
    ink = sorted((g.x0, g.x1) for g in line.glyphs
                 if g.ch != " " and not ("0" <= g.ch <= "9" and g.size <= _SMALL * line.size))
    if not ink:
        return False
    starts = [x0 for x0, _ in ink]
    for g in row:
        if g.ch == " ":
            continue
        i = bisect_right(starts, g.x1 - 0.25 * size) - 1  # the last of the line's glyphs starting before g ends
        if i >= 0 and ink[i][1] > g.x0 + 0.25 * size:  # kerned letters overlap a little
            return False
    return True


def _without_overprint(row):
    """A row without the copies of glyphs drawn twice at almost the same place (bold by overprinting)."""
    out = []
    for g in row:
        last = out[-1] if out else None
        # Two characters of one glyph ("——" drawn as one dash) come one after the other in the
        # content stream; a copy drawn over it comes later.
        if (last is not None and g.ch == last.ch and g.ch != " " and abs(g.seq - last.seq) > 1
                and abs(g.x0 - last.x0) < 0.1 * g.size and abs(g.y - last.y) < 0.1 * g.size):
            last.bold = True
            continue
        out.append(g)
    return out


def _digit_runs(glyphs):
    runs = []
    for g in glyphs:
        if runs and g.x0 - runs[-1][-1].x1 < 0.5 * g.size:
            runs[-1].append(g)
        else:
            runs.append([g])
    return runs


def _attach(run, lines):
    """Put a run of small or raised digits into the line it marks; False when it marks none."""
    size, y = max(g.size for g in run), run[0].y
    x0 = run[0].x0
    candidates = [
        line for line in lines
        # A note's number may hang left of its text by a few type sizes.
        if 0 < y - line.y <= 0.75 * line.size and line.x0 - 3 * line.size <= x0 <= line.x1 + line.size
        and (size <= _SMALL * line.size or y - line.y > _RAISE * line.size)
    ]
    if not candidates:
        return _wrapped(run, lines)
    nearest = min(y - line.y for line in candidates)
    close = [line for line in candidates if y - line.y <= nearest + 0.2 * line.size]
    # Two lines either side of it: the one drawn next to it in the content stream.
    target = min(close, key=lambda line: min(abs(g.seq - run[0].seq) for g in line.glyphs))
    for g in run:
        g.mark = True
    target.glyphs = sorted(target.glyphs + run, key=lambda g: g.x0)
    target.measure()
    return True


def _wrapped(run, lines):
    """A marker the line breaker pushed onto a line of its own: it ends the line just above it."""
    size, y = max(g.size for g in run), run[0].y
    above = [line for line in lines if 0 < line.y - y <= 1.6 * line.size and size <= _SMALL * line.size
             and run[0].x0 <= line.x0 + line.size]
    if not above:
        return False
    target = min(above, key=lambda line: line.y - y)
    for g in run:
        g.mark = True
    target.glyphs = target.glyphs + run  # after its last character, wherever it was drawn
    target.measure()
    return True


def line_spacing(line):
    """The line's own spacing: the median gap between its Latin letters and digits (None without any)."""
    if line.own_spacing is _UNMEASURED:
        gaps, previous, y, size = [], None, line.y, line.size
        for g in line.glyphs:
            ch = g.ch
            if not (ch.isascii() and ch.isalnum()) or g.mark or abs(g.y - y) > 0.1 or g.size != size:
                previous = None  # not a Latin letter or digit of the line's own run: no pair
                continue
            if previous is not None:
                gaps.append(g.x0 - previous.x1)
            previous = g
        line.own_spacing = median(gaps) if gaps else None
    return line.own_spacing


def line_text(line, spacing=0.0):
    """The text of a line: markers as sentinels, spaces only where they are text.

    :param spacing: the spacing to measure gaps against when the line has no Latin pair of its own.
    """
    own = line_spacing(line)
    reference = own if own is not None else spacing
    out, previous, glyph_space, marks = [], None, False, []
    for g in line.glyphs:
        if g.ch == " ":
            glyph_space = True
            continue
        if g.mark:
            if marks and g.x0 - marks[-1].x1 >= 0.3 * g.size:
                out.append(SENTINEL.format(int("".join(m.ch for m in marks))))
                marks = []
            marks.append(g)
            continue
        if marks:
            out.append(SENTINEL.format(int("".join(m.ch for m in marks))))
            marks, previous = [], None  # no space either side of a marker
        elif previous is not None and is_space(previous, g, glyph_space, reference):
            out.append(" ")
        out.append(g.ch)
        previous, glyph_space = g, False
    if marks:
        out.append(SENTINEL.format(int("".join(m.ch for m in marks))))
    return "".join(out)


_KINDS = {}


def _kind(ch):
    """What a space next to the character depends on: han | punct (Chinese) | word | ascii | other."""
    kind = _KINDS.get(ch)
    if kind is None:
        kind = _KINDS[ch] = ("punct" if is_cjk_punct(ch) else "han" if is_han(ch) else "word" if is_word(ch)
                             else "ascii" if ch.isascii() else "other")
    return kind


def is_space(a, b, glyph, spacing):
    """Is there a space between glyphs a and b (`glyph`: a space glyph is drawn between them)?"""
    kind_a, kind_b = _kind(a.ch), _kind(b.ch)
    if kind_a == "punct" or kind_b == "punct" or kind_a == kind_b == "han":
        return False
    if glyph:
        return True
    latin = kind_a in ("word", "ascii") and kind_b in ("word", "ascii")
    if latin or (kind_a == "word" and kind_b == "han") or (kind_a == "han" and kind_b == "word") or (
            a.ch == "." and kind_b == "han"):
        return b.x0 - a.x1 - spacing > SPACE_GAP * (a.size if a.size > b.size else b.size)
    return False
