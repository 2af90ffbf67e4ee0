"""The layout of extracted text: lines, joining wrapped lines, stray spaces and footnote markers.

A footnote marker is a small number in the body ("…发了言。5"). The extraction prints it like
any other number, so a marker is told from a number in the text ("2006 年", "3 500",
"第 5007 次会议") by where it stands in the item's sequence of markers and by what surrounds it.
"""
import re
from dataclasses import dataclass, field

from ..text import is_han

# Characters that follow a number that is part of the text, never a footnote marker.
UNIT_AFTER = "年月日页号次个名项条段章部节届%％万亿千百)）-－—/"
# After these a number is a marker whatever follows ("…作用。33" + "日本代表").
SENTENCE_END = "。！？”’）)》"
# Before these a number belongs to the text: "第 5 段", "(2005)", "60/1", "Resumption 1".
NUMBER_BEFORE = "第(（/.-－:：#"
TERMINAL = ("。", "；", "：", ":", "！", "？", "。)", "。）", "。”")
TAB_WIDTH = 4

_DIGITS = re.compile(r"\d+")
# A footnote marker stands in the text as a private-use sentinel until the paragraph is joined,
# so that its offset in the joined text is known.
SENTINEL = re.compile("\ue000(\\d+)\ue001")
_TRAILING_SENTINELS = re.compile("(?:\ue000\\d+\ue001)+$")


@dataclass(slots=True)
class Line:
    """One line of a chapter file: its number, its text as read, and what its layout shows."""

    no: int
    raw: str
    text: str = field(init=False)
    lead: int = field(init=False)  # indent width, a tab counting TAB_WIDTH
    trailing: bool = field(init=False)  # ends with a space, which some extractions keep at paragraph ends

    def __post_init__(self):
        self.text = self.raw.strip()
        head = self.raw[: len(self.raw) - len(self.raw.lstrip())]
        self.lead = len(head.expandtabs(TAB_WIDTH))
        self.trailing = bool(self.raw) and self.raw[-1].isspace()


def is_latin(ch):
    """A Latin letter or a digit (ASCII)."""
    return ch.isascii() and ch.isalnum()


def sentinel(number):
    """The marker sentinel for footnote `number`."""
    return f"\ue000{number}\ue001"


def without_sentinels(text):
    """The text with marker sentinels taken out."""
    return SENTINEL.sub("", text)


def split_markers(text):
    """Take the marker sentinels out of joined text: (text, ((footnote number, offset), ...))."""
    parts, offsets, pos, length = [], [], 0, 0
    for m in SENTINEL.finditer(text):
        parts.append(text[pos:m.start()])
        length += m.start() - pos
        offsets.append((int(m.group(1)), length))
        pos = m.end()
    parts.append(text[pos:])
    return "".join(parts), tuple(offsets)


def join_pieces(pieces):
    """Join wrapped lines: nothing between Chinese characters, one space at a Latin/digit boundary."""
    out = ""
    for piece in pieces:
        piece = piece.strip()
        if not piece:
            continue
        if out:
            a = _TRAILING_SENTINELS.sub("", out)[-1:]
            b = SENTINEL.sub("", piece)[:1]
            if a and b and ((is_latin(a) and (is_latin(b) or is_han(b))) or (is_han(a) and is_latin(b))):
                out += " "
        out += piece
    return out


_STRAY_SPACE = re.compile(r"(?<=(.))\s+(?=(.))")


def remove_stray_spaces(text):
    """Drop the extraction's spaces between Chinese characters and punctuation.

    >>> remove_stray_spaces("同 上 ， 第 14 页 ( 中 国 ) ；")
    '同上，第 14 页(中国)；'
    """
    def keep(m):
        a, b = m.group(1), m.group(2)
        return " " if is_latin(a) or is_latin(b) else ""

    return _STRAY_SPACE.sub(keep, text.strip())


def ends_sentence(text):
    """Does the text (markers left out) end where a paragraph can end?"""
    return without_sentinels(text).rstrip().endswith(TERMINAL)


def find_markers(text, expected, before="", after=""):
    """Replace the footnote markers of one body line with sentinels.

    `expected` is the next marker number of the item; `before` is the text just before the line
    (the end of the line above), `after` the text just after it (the start of the next line).
    A line that already carries sentinels (written by a reader that knows where markers are) is
    taken as it is.

    >>> find_markers("在 2004 年 7 月 20 日第 5007 次会议上，1 安全", 1)
    ('在 2004 年 7 月 20 日第 5007 次会议上，\\ue0001\\ue001安全', [1])
    >>> find_markers("人数在 3 500 到 5 000 之间的五个旅。2", 2)
    ('人数在 3 500 到 5 000 之间的五个旅。\\ue0002\\ue001', [2])

    :returns: (text with sentinels, marker numbers in order)
    """
    explicit = [int(m.group(1)) for m in SENTINEL.finditer(text)]
    if explicit:
        return text, explicit
    parts, numbers, pos = [], [], 0
    for m in _DIGITS.finditer(text):
        number = int(m.group())
        if len(m.group()) > 3 or number not in (expected, expected + 1):
            continue
        prev = _last(without_sentinels("".join(parts) + text[pos:m.start()]), before)
        if not could_be_marker(prev, _first(text[m.end():], after)):
            continue
        parts.append(text[pos:m.start()].rstrip() + sentinel(number))
        pos = m.end()
        # The space after a marker set in mid-line is layout, not text.
        while pos < len(text) and text[pos].isspace():
            pos += 1
        numbers.append(number)
        expected = number + 1
    parts.append(text[pos:])
    return "".join(parts), numbers


def marker_candidates(text, before=""):
    """The numbers of a body line that stand where a marker could, whatever the sequence."""
    found = set()
    for m in _DIGITS.finditer(without_sentinels(text)):
        if len(m.group()) <= 3 and could_be_marker(_last(text[:m.start()], before), _first(text[m.end():], "")):
            found.add(int(m.group()))
    found.update(int(m.group(1)) for m in SENTINEL.finditer(text))
    return found


def _last(left, before):
    left = left.rstrip()
    if left:
        return left[-1]
    return without_sentinels(before).rstrip()[-1:]


def _first(right, after):
    right = right.lstrip()
    if right:
        return right[0]
    return without_sentinels(after).lstrip()[:1]


def could_be_marker(prev, nxt):
    """Could a number be a marker, given the characters either side of it (spaces skipped)?"""
    if not prev or is_latin(prev) or prev in NUMBER_BEFORE:
        return False
    if prev in SENTENCE_END:
        return True
    return not nxt or not (nxt.isdigit() or nxt in UNIT_AFTER)
