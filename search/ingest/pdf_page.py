"""One PDF page's positioned characters -> its lines in reading order, body and footnotes apart.

Characters -> rows (one baseline) -> segments (split at gaps wider than a column gutter) ->
small raised digits attached to the line they mark -> columns -> the footnote area below
each short rule -> lines in reading order. search/pdf_text.py makes the chapter text of them.
"""
from collections import Counter
from dataclasses import dataclass

from ..text import is_han

SENTINEL = "\ue000{}\ue001"
# A gap this many font sizes wide splits a row into segments: wider than any word space.
_GUTTER = 1.2
# A digit smaller than this share of its line's type, or raised by more than _RAISE sizes, is a marker.
_SMALL, _RAISE = 0.8, 0.15
HEADING = 1.08  # type this much larger than the body's is a heading


@dataclass(slots=True)
class Glyph:
    """One drawn character: its loose box across, its baseline and its font size."""

    ch: str
    x0: float
    x1: float
    y: float  # baseline, text rise included
    size: float
    mark: bool = False  # a footnote marker digit


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


@dataclass(eq=False)
class _Segment:
    glyphs: list
    y: float = 0.0
    size: float = 0.0
    x0: float = 0.0
    x1: float = 0.0
    cls: str = "left"  # left | right | span (across both columns)

    def __post_init__(self):
        self.measure()

    def measure(self):
        """Baseline and size (the most common of its characters', markers aside), left and right edges."""
        glyphs = self.glyphs
        main = [g for g in glyphs if g.ch != " " and not g.mark] or glyphs
        self.size, self.y = _mode([g.size for g in main]), _mode([g.y for g in main])
        self.x0 = next((g.x0 for g in glyphs if g.ch != " "), glyphs[0].x0)
        self.x1 = max(g.x1 for g in glyphs)

    @property
    def text(self):
        """The characters as drawn, markers as plain digits."""
        return "".join(g.ch for g in self.glyphs).strip()


def _mode(values):
    # Nearly every segment has one size and one baseline: skip the count then.
    if min(values) == max(values):
        return values[0]
    return Counter(values).most_common(1)[0][0]


@dataclass
class _Line:
    page: int
    x0: float
    y: float
    size: float
    text: str  # markers as sentinels
    cls: str


def lay_out_page(page):
    """(rows of segments, top to bottom; rules) for one page, markers attached."""
    rows = _group_rows(page.glyphs, tolerance=0.5)
    segments = [s for r in rows for s in _split_row(sorted(r, key=lambda g: g.x0))]
    segments = _attach_markers(segments)
    rules = list(page.rules)
    kept = []
    for s in segments:
        text = s.text
        if len(text) >= 5 and set(text) == {"_"}:
            rules.append(Rule(s.x0, s.x1, s.y))  # a separator typed as underscores
        else:
            kept.append(s)
    return _group_rows(kept), rules


def _split_row(glyphs):
    segments, current = [], [glyphs[0]]
    for prev, g in zip(glyphs, glyphs[1:]):
        if g.x0 - prev.x1 > _GUTTER * max(prev.size, g.size):
            segments.append(_Segment(current))
            current = []
        current.append(g)
    segments.append(_Segment(current))
    return segments


def _is_digits(segment):
    text = segment.text
    return bool(text) and text.isdigit() and text.isascii()


def _attach_markers(segments):
    """Put small or raised digits into the line below them, flagged as markers."""
    lines = [s for s in segments if not _is_digits(s)]
    out = list(lines)
    for s in segments:
        if not _is_digits(s):
            continue
        target = None
        for t in lines:
            raise_ = s.y - t.y
            if (0 < raise_ <= 0.75 * t.size and t.x0 - t.size <= s.x0 <= t.x1 + t.size
                    and (s.size <= _SMALL * t.size or raise_ > _RAISE * t.size)
                    and (target is None or raise_ < s.y - target.y)):
                target = t
        if target is None:
            out.append(s)
            continue
        for g in s.glyphs:
            g.mark = True
        target.glyphs = sorted(target.glyphs + s.glyphs, key=lambda g: g.x0)
    for s in out:
        # Digits in smaller type on the line's own baseline are markers too.
        for g in s.glyphs:
            if "0" <= g.ch <= "9" and g.size <= _SMALL * s.size:
                g.mark = True
        s.measure()
    return out


def _group_rows(items, tolerance=1.0):
    """Glyphs or segments in rows, top to bottom: a row is what stands within `tolerance` of its first baseline."""
    items = sorted(items, key=lambda s: (-s.y, s.x0))
    rows, row = [], []
    for s in items:
        if row and row[0].y - s.y > tolerance:
            rows.append(row)
            row = []
        row.append(s)
    if row:
        rows.append(row)
    return rows


def split_page(number, segments, rules, body_size):
    """Classify segments into columns; (body lines in reading order, [(area left, footnote lines)])."""
    if not segments:
        return [], []
    left, right = min(s.x0 for s in segments), max(s.x1 for s in segments)
    middle = (left + right) / 2
    two = any(s.x0 >= middle - 1 for s in segments) and any(s.x1 <= middle + 1 for s in segments)
    for s in segments:
        if not two or s.x1 <= middle + 1:
            s.cls = "left"
        elif s.x0 >= middle - 1:
            s.cls = "right"
        else:
            s.cls = "span"
    rights = [s for s in segments if s.cls == "right"]
    for s in segments:
        # A heading too short to cross the gutter still spans both columns when the right
        # column has text above and below it but none beside it.
        if s.cls == "left" and s.size > body_size * HEADING and rights:
            beside = any(abs(r.y - s.y) < 1.2 * s.size for r in rights)
            if not beside and min(r.y for r in rights) < s.y < max(r.y for r in rights):
                s.cls = "span"
    notes = []
    for cls in ("left", "right"):
        members = [s for s in segments if s.cls == cls or (cls == "left" and s.cls == "span")]
        if not members:
            continue
        col_left = min(s.x0 for s in members)
        col_width = max(s.x1 for s in members) - col_left
        short = [r for r in rules if 10 < r.x1 - r.x0 < 0.6 * col_width and abs(r.x0 - col_left) < 0.1 * col_width]
        below = [r for r in short if any(s.y < r.y for s in members)]
        if not below:
            continue
        rule = min(below, key=lambda r: r.y)
        area = [s for s in members if s.y < rule.y]
        notes.append((rule.x0, _lines(number, area)))
        taken = {id(s) for s in area}
        segments = [s for s in segments if id(s) not in taken]
    lines = _lines(number, segments)
    if two:
        ordered, band = [], []
        for line in lines:
            if line.cls == "span":
                ordered += [x for x in band if x.cls == "left"] + [x for x in band if x.cls == "right"] + [line]
                band = []
            else:
                band.append(line)
        lines = ordered + [x for x in band if x.cls == "left"] + [x for x in band if x.cls == "right"]
    return lines, notes


def _lines(number, segments):
    """Segments of one column and baseline joined into lines, top to bottom."""
    lines = []
    for row in _group_rows(segments):
        for cls in ("left", "span", "right"):
            parts = sorted((s for s in row if s.cls == cls), key=lambda s: s.x0)
            if parts:
                text = " ".join(_segment_text(s) for s in parts)
                size = max(s.size for s in parts)
                lines.append(_Line(number, parts[0].x0, parts[0].y, size, text, cls))
    return lines


def _segment_text(segment):
    glyphs = segment.glyphs
    gaps = sorted(b.x0 - a.x1 for a, b in zip(glyphs, glyphs[1:]))
    # A gap well beyond the line's usual one (character spacing included) is a space with no
    # glyph, such as the one after a footnote's number.
    wide = (gaps[len(gaps) // 2] if gaps else 0.0) + 0.4 * segment.size
    out, digits, prev = [], "", None
    for g in glyphs:
        if prev is not None and g.x0 - prev.x1 > wide and out and out[-1] != " " and g.ch != " ":
            if digits:
                out.append(SENTINEL.format(int(digits)))
                digits = ""
            out.append(" ")
        prev = g
        if g.mark:
            digits += g.ch
            continue
        if digits:
            out.append(SENTINEL.format(int(digits)))
            digits = ""
        if g.ch == " " and (not out or out[-1] == " "):
            continue
        out.append(g.ch)
    if digits:
        out.append(SENTINEL.format(int(digits)))
    # A space between two Chinese characters is a typesetting artefact, never text.
    plain = [c if not c.startswith("\ue000") else "" for c in out]
    for i, c in enumerate(out):
        if c == " ":
            before = next((p for p in reversed(plain[:i]) if p), "")
            after = next((p for p in plain[i + 1:] if p), "")
            if is_han(before[-1:]) and is_han(after[:1]):
                out[i] = ""
    return "".join(out).strip()
