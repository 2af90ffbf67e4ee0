"""One page's glyphs -> its blocks: headings, paragraphs, decision clauses and footnotes, by region.

The page's rows are cut into regions (pdf_columns), each region's rows into lines (pdf_lines).
What stands below a short rule at a region's left edge, and any region wholly below such a
rule, is footnotes; the rest is body. Body lines make blocks: a heading is bold (by face,
weight or outline) or larger than the body's type; a paragraph or clause starts at a line
indented from its block's own left edge (measured in its own type size), or after a short line
that ends a sentence. Footnotes start at their number: raised digits, digits followed by a
space, or the digits the sequence expects next, glued to the text as some producers set them.
"""
import re
from dataclasses import dataclass, field

from .lines import TERMINAL, UNIT_AFTER, join_pieces
from .pdf_columns import find_regions
from .pdf_glyphs import Rule, group_rows
from .pdf_lines import line_text, make_lines

HEADING = 1.08  # type this much larger than the body's is a heading
SMALLER = 0.95  # body text this much smaller than the body's is a decision clause
_SENTINEL = re.compile("\ue000(\\d+)\ue001")
# Punctuation a line may not open with: it stays with the character before it.
NO_BREAK_BEFORE = set("，。、；：！？）》」』”’)]},.;:!?%％…")


@dataclass(eq=False)
class Block:
    """A heading, paragraph, decision clause or footnote of one region (a paragraph may go on in the next)."""

    kind: str  # heading | paragraph | decision | footnote
    lines: list
    page: int
    region: object
    number: int | None = None  # a footnote's number
    opens: bool = True  # its first line starts a block (is not the run-on of the region before)
    text: str = ""

    @property
    def box(self):
        """(x0, bottom, x1, top) in PDF points."""
        glyphs = [g for line in self.lines for g in line.glyphs]
        return (min(g.x0 for g in glyphs), min(g.y - 0.2 * g.size for g in glyphs),
                max(g.x1 for g in glyphs), max(g.y + 0.8 * g.size for g in glyphs))


@dataclass
class NoteArea:
    """The footnotes of one region: what stands below its rule."""

    region: object
    rule: object
    lines: list
    blocks: list = field(default_factory=list)


@dataclass
class PageLayout:
    """One page as the reader saw it."""

    number: int
    width: float
    height: float
    regions: list = field(default_factory=list)
    lines: dict = field(default_factory=dict)  # region -> its body lines
    areas: list = field(default_factory=list)  # NoteArea, in reading order
    rules: list = field(default_factory=list)
    running: list = field(default_factory=list)  # rows dropped as running heads
    blocks: list = field(default_factory=list)  # body blocks in reading order

    @property
    def footnotes(self):
        return [b for area in self.areas for b in area.blocks]


def page_rows(page):
    """The page's rows of glyphs (top to bottom) and its rules, rows of underscores counted as rules."""
    rows, rules = [], list(page.rules)
    for row in group_rows(page.glyphs):
        text = "".join(g.ch for g in row if g.ch != " ")
        if len(text) >= 5 and set(text) == {"_"}:
            rules.append(Rule(row[0].x0, row[-1].x1, row[0].y))  # a separator typed as underscores
        elif text:
            rows.append(row)
    return rows, rules


def lay_out_page(page, rows, rules, body_size, running=()):
    """Regions, their lines, and the footnote areas below their rules (no blocks yet)."""
    layout = PageLayout(page.number, page.width, page.height, rules=rules, running=list(running))
    layout.regions = find_regions(rows, body_size)
    width = max((r.x1 for r in layout.regions), default=0) - min((r.x0 for r in layout.regions), default=0)
    note_rules = [r for r in rules if 10 < r.x1 - r.x0 < 0.6 * max(width, 1)]
    for region in layout.regions:
        lines = make_lines(region.rows)
        rule = _note_rule(region, lines, note_rules)
        if rule is None:
            layout.lines[region] = lines
            continue
        layout.lines[region] = [line for line in lines if line.y > rule.y]
        notes = [line for line in lines if line.y < rule.y]
        if notes:
            layout.areas.append(NoteArea(region, rule, notes))
    return layout


def _note_rule(region, lines, rules):
    """The rule whose footnotes stand in this region: the lowest short rule at its left edge with
    lines of the region below it (in the region, or above it: page-wide notes under columns)."""
    width = region.x1 - region.x0
    found = [
        r for r in rules
        if region.x0 - 0.1 * width - 2 <= r.x0 <= region.x0 + 0.1 * width + 2 and any(line.y < r.y for line in lines)
    ]
    return min(found, key=lambda r: r.y) if found else None


# ---------------------------------------------------------------- blocks


def is_heading(line, body_size):
    """A heading line: bold, or in type larger than the body's."""
    return line.bold or line.size > body_size * HEADING


def body_blocks(layout, style):
    """The body blocks of a laid-out page, region by region in reading order; sets layout.blocks."""
    blocks = []
    page_right = max((r.x1 for r in layout.regions), default=0.0)
    for region in layout.regions:
        lines = layout.lines.get(region, [])
        if lines:
            # A band across the page ends at the page's right margin, however short its lines.
            right = page_right if region.columns == 1 else None
            blocks += _region_blocks(layout.number, region, lines, style, right)
    layout.blocks = blocks
    return blocks


def _region_blocks(number, region, lines, style, right=None):
    left = style.left_edge(number, region, lines)
    text = [line for line in lines if not is_heading(line, style.body_size)] or lines
    right = max([_text_end(line) for line in text] + ([right] if right else []))
    for line in lines:
        line.room = right - _text_end(line)  # what the line left empty at its end, markers aside
        line.indented = line.x0 - left - style.indent(line) > 0.5 * line.size
    blocks = []
    for line in lines:
        last = blocks[-1] if blocks else None
        if is_heading(line, style.body_size):
            if last is not None and last.kind == "heading" and heading_goes_on(last.lines[-1], line):
                last.lines.append(line)
            else:
                blocks.append(Block("heading", [line], number, region))
            continue
        kind = "decision" if line.size < style.body_size * SMALLER else "paragraph"
        if last is not None and last.kind == kind and not starts_block(last.lines[-1], line):
            last.lines.append(line)
        else:
            blocks.append(Block(kind, [line], number, region, opens=bool(blocks) or line.indented))
    return blocks


def _text_end(line):
    ends = [g.x1 for g in line.glyphs if g.ch != " " and not g.mark]
    return max(ends) if ends else line.x1


def _first_unit(line):
    """The width of what opens a line and could not have been broken: a character with the
    punctuation that follows it, or a run of Latin letters and digits."""
    glyphs = [g for g in line.glyphs if g.ch != " " and not g.mark]
    if not glyphs:
        return 0.0
    end = 1
    while end < len(glyphs) and (glyphs[end].ch in NO_BREAK_BEFORE or glyphs[end].ch == glyphs[end - 1].ch == "—"
                                 or (glyphs[0].ch.isascii() and glyphs[end].ch.isascii())):
        end += 1
    return glyphs[end - 1].x1 - glyphs[0].x0


def ended_early(previous, line):
    """Did `previous` end before the margin, with room left for what opens `line`?"""
    return previous.room >= _first_unit(line) + 0.3 * previous.size


def heading_goes_on(previous, line, across=False):
    """Is `line` the next line of the heading whose last line is `previous` (`across`: in the next region)?"""
    # A heading ends where its line ends short, or with a colon ("…的决定：" over "主席声明").
    return (abs(previous.size - line.size) < 0.3 and previous.bold == line.bold and not ended_early(previous, line)
            and not ends_sentence(previous) and (across or 0 < previous.y - line.y <= 2.0 * line.size))


def ends_sentence(line):
    """Does the line end with punctuation that ends a sentence or a heading (markers aside)?"""
    return line.plain.rstrip().endswith(TERMINAL)


def starts_block(previous, line):
    """Does `line` start a new paragraph after `previous` (of the same kind)?"""
    if abs(previous.size - line.size) > 0.5 or line.indented:
        return True
    return ends_sentence(previous) and ended_early(previous, line)


# ---------------------------------------------------------------- footnotes


def note_blocks(layout, style, last_number):
    """The footnotes of a page's areas; a first line with no number continues the note before.

    :param last_number: the number of the note before these (0 if none), for the sequence.
    :returns: the number of the last note read.
    """
    for area in layout.areas:
        for line in area.lines:
            text = line_text(line, style.spacing)
            number, rest = _note_number(text, last_number)
            if number is None and area.blocks:
                area.blocks[-1].lines.append(line)
                area.blocks[-1].text = join_pieces([area.blocks[-1].text, _digits(text)])
            elif number is None:
                area.blocks.append(Block("footnote", [line], layout.number, area.region, None, False, _digits(text)))
            else:
                area.blocks.append(Block("footnote", [line], layout.number, area.region, number, True, rest))
                last_number = number
    return last_number


def _digits(text):
    return _SENTINEL.sub(r"\1", text).strip()


def _note_number(text, last):
    """(number, the rest of the line) when the line opens a footnote, else (None, text)."""
    m = _SENTINEL.match(text)
    if m:
        return int(m.group(1)), _digits(text[m.end():])  # a raised number
    plain = _digits(text)
    m = re.match(r"(\d{1,4})( ?)(.+)", plain)
    # "第\n12 页", "(Resumption\n1)", "3\n500": a number that wrapped, not a footnote's number.
    if not m or m.group(3)[0] in UNIT_AFTER or m.group(3)[0].isdigit():
        return None, text
    digits, spaced, rest = m.groups()
    number = int(digits)
    if spaced and (number == 1 or last < number <= last + 5):
        return number, rest
    # Glued to its text, as Writer and Chromium set them ("100S/PV.5649"): only the number the
    # sequence expects next.
    if not spaced and number in (last + 1, 1):
        return number, rest
    return None, text
