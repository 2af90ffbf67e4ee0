"""Chapter lines -> blocks: the reader that splits body from footnotes (notes.py) and body into blocks.

Body lines become headings, paragraphs and decision clauses: an
indented line after a line that ends a paragraph starts the next one. Some extractions keep a
space at the end of a paragraph's last line and nowhere else, the surest sign of its end; where
there are none, a paragraph ends at sentence-final punctuation (its markers left out) followed
by an indented line.
"""
import re
from dataclasses import dataclass, field, replace

from ..errors import CorpusError
from .headings import (
    DECISION_HEADING,
    DECISION_START,
    ITEM_HEADING,
    SECTION_HEADING,
    SEPARATOR,
    SUBHEADINGS,
    unit_ends,
    read_part_heading,
)
from .notes import NoteReader
from .lines import (
    SENTINEL,
    ends_sentence,
    find_markers,
    join_pieces,
    could_be_marker,
    split_markers,
    without_sentinels,
)

# Page furniture that has no place in the body: a job number ("09-25533 (C)"), a page number.
JOB_NUMBER = re.compile(r"^\d{2}-\d{5}\s*(\([A-Z]\))?$")
PAGE_NUMBER = re.compile(r"^\d{1,4}$")
DECISION_INTRO = ("其中", "除其他外", "安理会", "决议", "声明")


@dataclass(frozen=True)
class Place:
    """Where a block stands: its item, section and decision, and the part (第三部分) the item is
    in (a heading sets it for what follows)."""

    item: int | None = None
    item_title: str = ""
    section: str | None = None
    section_title: str | None = None
    meeting: int | None = None
    date: str | None = None
    decision: str | None = None
    part: int | None = None
    part_title: str | None = None


@dataclass
class _Block:
    kind: str  # heading | paragraph | decision
    heading: str | None  # part | item | section | decision | verdict | sub (for headings)
    line: int
    place: Place
    pieces: list = field(default_factory=list)
    markers: list = field(default_factory=list)

    def joined(self):
        return split_markers(join_pieces(self.pieces))


def _keeps_trailing_spaces(lines):
    # Such an extraction ends about every paragraph with a space; a stray one here and there
    # in an extraction that strips them must not count.
    trailing = sum(1 for line in lines if line.trailing and not SEPARATOR.match(line.raw))
    return trailing > 0 and trailing * 4 >= sum(1 for line in lines if line.lead)


class _BodyReader:
    """Reads body lines into heading, paragraph and decision blocks, each at its place, with the
    item's footnote markers found in sequence."""

    def __init__(self, explicit_markers, trailing):
        self.explicit_markers = explicit_markers
        self.trailing = trailing  # does this extraction end every unit with a space?
        self.blocks = []
        self.problems = []  # (line, message): what the ingestion checks found
        self.block = None
        self.place = Place()
        self.next_marker = 1
        self.in_decision = False
        self.expect_verdict = False
        self.prev_ends = True  # did the previous body line end its paragraph or heading?
        self.opening = None  # the item a part heading opened, until its own heading

    def read(self, body):
        """(blocks, problems). Body lines are read after the split, so that headings and markers
        can look ahead."""
        i = 0
        while i < len(body):
            used = self._part_line(body, i) or self._body_line(body, i)
            self.prev_ends = self._unit_ends(body, i + used - 1)
            i += used
        self._flush()
        # What a part heading opens before its item's heading has that item's title.
        titles = {b.place.item: b.place.item_title for b in self.blocks if b.heading == "item"}
        for block in self.blocks:
            if not block.place.item_title:
                block.place = replace(block.place, item_title=titles.get(block.place.item, ""))
        return self.blocks, self.problems

    def _part_line(self, body, i):
        """Take a part heading at body line i (and its title's lines): how many lines, or 0."""
        if not self.prev_ends:
            return 0
        part = read_part_heading(body, i, lambda k: self._unit_ends(body, k), self.place.part, self.place.item)
        if part is None:
            return 0
        # It opens the next item: what follows up to that item's heading is numbered with it, and
        # the item's footnote markers start here.
        self.next_marker = 1
        self.opening = part.item
        self.expect_verdict = False
        self._open_heading("part", body[i], part.text, Place(part.item, part=part.number, part_title=part.title))
        return part.lines

    def _heading_kind(self, line):
        m = ITEM_HEADING.match(line.raw)
        if m and (self.place.item is None or int(m.group(1)) > self.place.item or int(m.group(1)) == self.opening):
            return "item"
        m = SECTION_HEADING.match(line.raw)
        if m and self.place.item is not None:
            expected = chr(ord(self.place.section) + 1) if self.place.section else "A"
            if m.group(1) == expected:
                return "section"
        return None

    def _decision_heading(self, body, i):
        """A decision heading, perhaps wrapped: (match, number of lines) or (None, 0)."""
        if self.place.item is None or not DECISION_START.match(body[i].raw):
            return None, 0
        pieces = []
        for j in range(i, min(i + 12, len(body))):
            if j > i and body[j].lead:
                break
            pieces.append(body[j].text)
            m = DECISION_HEADING.match(join_pieces(pieces))
            if m:
                return m, j - i + 1
        return None, 0

    def _unit_ends(self, body, i):
        """Does body line i end its unit (paragraph or heading)? (No line of underscores is left in the body.)"""
        return unit_ends(body, i, self.trailing)

    def _is_subheading(self, body, i):
        line = body[i]
        if line.text in SUBHEADINGS:
            return True
        return (
            self.prev_ends
            and line.lead >= 2
            and self._unit_ends(body, i)
            and len(line.text) <= 12
            and not re.search(r"[\d，。；：、,.;:()（）]", line.text)
        )

    def _starts_block(self, line):
        if self.block is None or self.block.kind == "heading":
            return True
        if self.trailing:
            return self.prev_ends and line.lead >= 1
        return line.lead >= 1 and ends_sentence(join_pieces(self.block.pieces))

    def _body_line(self, body, i):
        """Take body line i (and the lines a wrapped heading runs onto); returns how many."""
        line = body[i]
        kind = self._heading_kind(line)
        decision, lines = (None, 0) if kind else self._decision_heading(body, i)
        if kind == "item":
            m = ITEM_HEADING.match(line.raw)
            number = int(m.group(1))
            if number != self.opening:
                self.next_marker = 1
            self.opening = None
            self._open_heading("item", line, line.text, Place(number, m.group(2), part=self.place.part,
                                                              part_title=self.place.part_title))
        elif kind == "section":
            m = SECTION_HEADING.match(line.raw)
            self._open_heading("section", line, line.text,
                               replace(self.place, section=m.group(1), section_title=m.group(2), meeting=None,
                                       date=None, decision=None))
        elif decision:
            year, month, day, meeting = (int(g) for g in decision.groups())
            self._open_heading("decision", line, join_pieces(b.text for b in body[i:i + lines]),
                               replace(self.place, meeting=meeting, date=f"{year:04d}-{month:02d}-{day:02d}",
                                       decision=None))
            self.expect_verdict = True
            return lines
        elif self.place.item is None:
            pass  # text before the first item heading (a chapter title page) is not indexed
        elif self.expect_verdict and line.lead == 0:
            self._open_heading("verdict", line, line.text, replace(self.place, decision=line.text))
            self.expect_verdict = False
        elif self._is_subheading(body, i):
            self._open_heading("sub", line, line.text, self.place)
        elif self.block is not None and self.block.heading in ("item", "section", "verdict") and line.lead == 0:
            self._wrap_heading(line)
        else:
            self.expect_verdict = False
            if self._starts_block(line):
                self._flush()
                self._start("decision" if self.in_decision else "paragraph", None, line, None)
            self._paragraph_line(body, i)
        return 1

    def _open_heading(self, heading, line, text, place):
        self._flush()
        self.place = place
        self._start("heading", heading, line, text)

    def _wrap_heading(self, line):
        """A long heading wraps onto unindented lines: its text and the place it names grow."""
        self.block.pieces.append(line.text)
        p = self.place
        if self.block.heading == "item":
            self.place = replace(p, item_title=join_pieces([p.item_title, line.text]))
        elif self.block.heading == "section":
            self.place = replace(p, section_title=join_pieces([p.section_title, line.text]))
        else:
            self.place = replace(p, decision=join_pieces([p.decision, line.text]))
            self.block.place = replace(self.block.place, decision=self.place.decision)

    def _paragraph_line(self, body, i):
        line = body[i]
        before = self.block.pieces[-1] if self.block.pieces else ""
        after = body[i + 1].text if i + 1 < len(body) else ""
        if self.explicit_markers and not SENTINEL.search(line.text):
            text, numbers = line.text, []
        else:
            text, numbers = find_markers(line.text, self.next_marker, before, after)
        for number in numbers:
            if number != self.next_marker:
                self.problems.append((line.no, f"item {self.place.item}: footnote marker {self.next_marker} "
                                               f"not found before marker {number}"))
            self.next_marker = number + 1
        if self._is_furniture(without_sentinels(text), before, after):
            self.problems.append((line.no, f"header or footer text in the body: {line.text!r}"))
        self.block.pieces.append(text)
        self.block.markers.extend(numbers)

    @staticmethod
    def _is_furniture(text, before, after):
        if JOB_NUMBER.match(text):
            return True
        # A number wrapped onto a line of its own ("在" / "2004" / "年") is text.
        return bool(PAGE_NUMBER.match(text)) and could_be_marker(
            without_sentinels(before).rstrip()[-1:], after.lstrip()[:1]
        )

    def _start(self, kind, heading, line, text):
        self.block = _Block(kind=kind, heading=heading, line=line.no, place=self.place,
                            pieces=[text] if text else [])
        if kind == "heading":
            self.in_decision = False

    def _flush(self):
        block, self.block = self.block, None
        if block is None:
            return
        text = block.joined()[0]
        if not text:
            return
        if block.heading in ("item", "section"):
            # Its title as wrapped onto the lines after it.
            block.place = replace(block.place, item_title=self.place.item_title,
                                  section_title=self.place.section_title)
        self.blocks.append(block)
        if block.kind == "paragraph" and text.endswith(("：", ":")) and any(
            w in text[-30:] for w in DECISION_INTRO
        ):
            self.in_decision = True
        elif block.kind == "decision" and text.endswith("。"):
            self.in_decision = False


def read_blocks(path, lines):
    """Read a chapter's lines: (blocks, raw footnotes, problems found by the ingestion checks).

    :raises CorpusError: the lines hold no item heading, so this is not a Repertoire chapter.
    """
    lines = [line for line in lines if line.text]
    # A reader that knows where the markers are (the PDF reader) writes every one of them as a
    # sentinel: then a number on a line without one is text ("会上有 2 位代表"), never a guess.
    explicit = any(SENTINEL.search(line.raw) for line in lines)
    trailing = _keeps_trailing_spaces(lines)
    body, footnotes, items = NoteReader(lines, explicit, trailing).split()
    if not items:
        raise CorpusError(path, "not a Repertoire chapter: no item heading such as '49. …' found")
    blocks, problems = _BodyReader(explicit, trailing).read(body)
    return blocks, footnotes, problems
