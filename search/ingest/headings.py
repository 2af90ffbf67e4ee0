"""The headings of a chapter's body as lines show them: item, section, decision and part headings.

A part heading ("第三部分", with its title on the same line, on the unindented lines it wraps
onto, or on the next line of its own) opens the item that follows it: the reader gives the part
heading, and any introduction between it and that item's heading, to that item (its number, its
ids, its footnotes' sequence). So a part always holds whole items, and a line is read as a part
heading only where it opens one: where a unit starts, in the part sequence, with a title that is
not a sentence, and with the next item's heading ahead of any section or decision heading. The
tail of a cross-reference that wraps ("见第十三章\\n第三部分 A 节。") is none of these.
"""
import re
from dataclasses import dataclass

from ..text import HAN, chinese_number
from .lines import join_pieces

SEPARATOR = re.compile(r"^\s*_{5,}\s*$")
ITEM_HEADING = re.compile(rf"^\s*(\d{{1,3}})\s*[.．]\s*([{HAN}《“].*?)\s*$")
SECTION_HEADING = re.compile(rf"^\s*([A-Z])\s*[.．]\s*([{HAN}《“].*?)\s*$")
DECISION_HEADING = re.compile(
    r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*[(（]\s*第\s*(\d+)\s*次会议\s*[)）]"
    r"\s*的\S{1,4}\s*[:：]\s*$"
)
DECISION_START = re.compile(r"^\s*\d{4}\s*(年|$)")
# Short headings inside an item; anything else short, indented and unpunctuated is caught by the reader.
SUBHEADINGS = {"初步程序", "审议情况", "讨论情况", "概述", "导言", "注释"}

PART_HEADING = re.compile(r"^\s*第\s*([一二三四五六七八九十]{1,3}|\d{1,2})\s*部分\s*(.*?)\s*$")
# A part's title is a heading's: it opens with a Chinese character or a quotation mark (never
# "A 节", the section of a cross-reference), and has no sentence in it.
_PART_TITLE = re.compile(rf"^[{HAN}《“(（]")
_SENTENCE = re.compile(r"[。；;！!？?：:]")
PART_TITLE_MAX = 60  # characters


@dataclass(frozen=True)
class PartHeading:
    """A part heading as read: its number, label ("第三部分"), title, the item it opens, and how many
    lines it takes (its title's lines included)."""

    number: int
    label: str
    title: str  # "" when the part has none
    item: int
    lines: int

    @property
    def text(self):
        """The heading record's text: "第三部分 与区域安排有关的项目", however the lines wrapped it."""
        return f"{self.label} {self.title}" if self.title else self.label


def unit_ends(lines, k, trailing):
    """Does line k of `lines` end its unit (paragraph or heading)? In an extraction that keeps a
    space at the end of every unit (`trailing`), where one does; else where the next line is
    indented (a unit's first line is), is a page's line of underscores, or there is none."""
    if trailing:
        return lines[k].trailing
    return k + 1 == len(lines) or lines[k + 1].lead > 0 or bool(SEPARATOR.match(lines[k + 1].raw))


def _label(numeral):
    # Arabic digits stand apart from Chinese characters in the Repertoire's text; numerals do not.
    return f"第 {numeral} 部分" if numeral.isdigit() else f"第{numeral}部分"


def _title_ok(title):
    return not title or (bool(_PART_TITLE.match(title)) and not _SENTENCE.search(title)
                         and len(title) <= PART_TITLE_MAX)


def _other_heading(raw):
    return any(p.match(raw) for p in (ITEM_HEADING, SECTION_HEADING, DECISION_HEADING, PART_HEADING))


def _title_line(line):
    """Can a line of its own be the title of a bare "第三部分" above it?"""
    text = line.text
    return bool(text) and text not in SUBHEADINGS and not _other_heading(line.raw) and _title_ok(text)


def _next_item(lines, start, after):
    """The number of the first item heading from line `start` on, numbered above `after` (None:
    any), if none of a section or decision comes before it."""
    for line in lines[start:]:
        m = ITEM_HEADING.match(line.raw)
        if m and (after is None or int(m.group(1)) > after):
            return int(m.group(1))
        if SECTION_HEADING.match(line.raw) or DECISION_HEADING.match(line.raw):
            return None
    return None


def read_part_heading(lines, i, ends, part, item):
    """The part heading that starts at line `i` of `lines`, or None.

    :param ends: ends(k) -> does line k end its unit (paragraph or heading)?
    :param part: the part read so far (None: none), which a new one must follow.
    :param item: the item read so far (None: none), which the part's item must follow.
    """
    m = PART_HEADING.match(lines[i].raw)
    if not m:
        return None
    number = chinese_number(m.group(1))
    if not number or (part is not None and number <= part):
        return None
    # Its title: on its line and the unindented lines it wraps onto, or alone on the next line.
    j, pieces = i, [m.group(2)]
    while not ends(j) and j + 1 < len(lines) and not SEPARATOR.match(lines[j + 1].raw):
        j += 1
        pieces.append(lines[j].text)
    title = join_pieces(pieces)
    if not title and j + 1 < len(lines) and ends(j + 1) and _title_line(lines[j + 1]):
        j += 1
        title = lines[j].text
    if not _title_ok(title):
        return None
    opens = _next_item(lines, j + 1, item)
    if opens is None:
        return None
    return PartHeading(number, _label(m.group(1)), title, opens, j - i + 1)

