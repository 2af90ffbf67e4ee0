"""Chapter lines -> body lines and footnotes: a line of underscores opens a page's footnotes; the
body resumes at the first line that is neither a footnote's first line (its number next in the
item's sequence) nor the continuation of an unfinished footnote.
"""
import re
from dataclasses import dataclass, field

from .headings import DECISION_HEADING, ITEM_HEADING, SECTION_HEADING, SEPARATOR, read_part_heading, unit_ends
from .lines import UNIT_AFTER, join_pieces, marker_candidates, remove_stray_spaces

FOOTNOTE_START = re.compile(r"^\s*(\d{1,3})\s+(\S.*)$")
FOOTNOTE_END = ("。", "。)", "。）", "。”", "！", "？")


@dataclass
class RawFootnote:
    """A footnote as its lines give it, with the item it belongs to."""

    item: int
    number: int
    line: int
    pieces: list = field(default_factory=list)
    page: int = 0  # the footnote block its first line is in

    @property
    def text(self):
        return remove_stray_spaces(join_pieces(self.pieces))

    @property
    def complete(self):
        return self.text.endswith(FOOTNOTE_END)


def _footnote_start(line):
    m = FOOTNOTE_START.match(line.raw)
    # "第\n12 页", "(Resumption\n1)", "3\n500": a number that wrapped, not a footnote's number.
    if m and not (m.group(2)[0] in UNIT_AFTER or m.group(2)[0].isdigit()):
        return m
    return None


class NoteReader:
    """Splits a chapter's lines into body lines and footnotes: a line of underscores opens a page's
    notes, which run until a line that neither opens the item's next note nor continues one."""

    def __init__(self, lines, explicit_markers, trailing):
        self.lines = lines
        # A reader that knows where markers are (the PDF reader) writes each footnote on one line.
        self.explicit_markers = explicit_markers
        self.trailing = trailing  # does this extraction end every unit with a space?
        self.part = None  # the part heading read last
        self.footnotes = []
        self.items = []  # item numbers in order of their headings
        self.cited = {}  # item -> numbers standing where a marker could in its body so far
        self.item_index = 0  # the item the notes being read belong to
        self.page = 0  # footnote blocks seen

    def split(self):
        """(body lines, raw footnotes, item numbers in order)."""
        body, in_footnotes = [], False
        for i, line in enumerate(self.lines):
            if SEPARATOR.match(line.raw):
                in_footnotes = True
                self.page += 1
                continue
            if in_footnotes and self._footnote_line(i, line):
                continue
            in_footnotes = False
            m = ITEM_HEADING.match(line.raw)
            part = self._part_heading(i, body)
            if part is not None:
                # A part heading opens its item: what stands between them is numbered with it.
                self.part = part.number
                self.items.append(part.item)
            elif m and (not self.items or int(m.group(1)) > self.items[-1]):
                self.items.append(int(m.group(1)))
            elif self.items:
                before = body[-1].text if body else ""
                self.cited.setdefault(self.items[-1], set()).update(marker_candidates(line.text, before))
            body.append(line)
        return body, self.footnotes, self.items

    def _part_heading(self, i, body):
        """The part heading at line i, read as the body reader will read it (search.ingest.headings)."""
        line = self.lines[i]
        starts = not body or (body[-1].trailing if self.trailing else line.lead > 0)
        if not starts:
            return None
        return read_part_heading(self.lines, i, lambda k: unit_ends(self.lines, k, self.trailing), self.part,
                                 self.items[-1] if self.items else None)

    def _footnote_line(self, i, line):
        """Consume a line of a footnote block; False when the body resumes."""
        current = self.footnotes[-1] if self.footnotes else None
        if self._opens_footnote(line):
            m = _footnote_start(line)
            number = int(m.group(1))
            self.item_index, item = self._footnote_item(number)
            self.footnotes.append(RawFootnote(item, number, line.no, [m.group(2)], self.page))
            return True
        if any(p.match(line.raw) for p in (ITEM_HEADING, SECTION_HEADING, DECISION_HEADING)):
            return False
        if current is not None and not current.complete and line.lead < 2 and not self.explicit_markers:
            if current.page == self.page and self._resumes_on_next_page(i, current):
                return False
            current.pieces.append(line.raw)
            return True
        return False

    def _resumes_on_next_page(self, i, current):
        """Is `current` the last footnote of its page, continued after the next separator?

        Then the unnumbered lines that follow its first line here are the next page's body.
        """
        for j in range(i, len(self.lines)):
            line = self.lines[j]
            if SEPARATOR.match(line.raw):
                return j + 1 < len(self.lines) and not self._opens_footnote(self.lines[j + 1], False)
            if self._opens_footnote(line):
                return False
        return False

    def _opens_footnote(self, line, marker_first=True):
        """Is the line the first line of the item's next footnote?"""
        m = _footnote_start(line)
        if m and not marker_first:
            # Past items and markers not read yet: the sequence alone (1: the next item's first).
            return int(m.group(1)) in (self.footnotes[-1].number + 1, 1)
        if not m or self._footnote_item(int(m.group(1)))[1] is None:
            return False
        return line.lead > 0 or self._after_marker(m)

    def _after_marker(self, m):
        # A footnote comes after its marker: "45 安理会…" opening the next page is body text. An
        # indented line is a footnote's first line even so (one without a marker, which the
        # checks report); an unindented one only when its marker came first.
        number = int(m.group(1))
        return number in self.cited.get(self._footnote_item(number)[1], ())

    def _footnote_item(self, number):
        """(index in items, item) a footnote numbered `number` belongs to, if it comes next in sequence."""
        if self.item_index >= len(self.items):
            return None, None
        item = self.items[self.item_index]
        last = self.footnotes[-1].number if self.footnotes and self.footnotes[-1].item == item else 0
        if number == 1:
            # The first note of an item: of the item whose body cites a marker 1, among those
            # begun so far that have no notes yet (an item may have none), else of the next one.
            first = self.item_index if last == 0 else self.item_index + 1
            candidates = range(first, len(self.items))
            k = next((k for k in candidates if 1 in self.cited.get(self.items[k], ())), first)
            return (k, self.items[k]) if k < len(self.items) else (None, None)
        if number == last + 1:
            return self.item_index, item
        return None, None
