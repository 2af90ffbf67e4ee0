"""A text chapter as the fixture producers print it: blocks with their markers, and notes.

The records come from search.reference.resolve.parse_chapter on the text source, so every fixture prints
exactly the source's headings, paragraphs, decision clauses, markers and footnotes. Each
producer turns these blocks into its own document (ODT, HTML, TeX, reportlab drawing calls).
"""
import re
from dataclasses import dataclass

from search.reference.resolve import parse_chapter
from search.ingest.reader import DECISION_HEADING

# Block kinds, in the order they nest: an item heading, a section heading, a short level-3
# heading (初步程序), a decision heading (…的决定：), its decision line (主席声明), a narrative
# paragraph, a quoted clause of a statement or resolution.
KINDS = ("item", "section", "sub", "decision", "verdict", "paragraph", "clause")


@dataclass(frozen=True)
class Block:
    kind: str
    item: int
    runs: tuple  # str (text) and int (a footnote marker) in reading order

    @property
    def text(self):
        """The printed text without markers (the record's text)."""
        return "".join(r for r in self.runs if isinstance(r, str))

    @property
    def markers(self):
        return tuple(r for r in self.runs if isinstance(r, int))


@dataclass(frozen=True)
class Note:
    item: int
    number: int
    text: str


@dataclass(frozen=True)
class Chapter:
    name: str
    blocks: tuple
    notes: tuple

    def note(self, item, number):
        return next(n for n in self.notes if n.item == item and n.number == number)


def _kind(record, previous):
    if record.kind == "paragraph":
        return "paragraph"
    if record.kind == "decision":
        return "clause"
    text = record.text
    first_of_item = previous is None or previous.item != record.item
    if first_of_item and re.match(rf"{record.item}\s*[.．]", text):
        return "item"
    if record.section and text.startswith(f"{record.section}.") and (
        previous is None or previous.section != record.section
    ):
        return "section"
    if DECISION_HEADING.match(text):
        return "decision"
    if previous is not None and DECISION_HEADING.match(previous.text) and record.decision == text:
        return "verdict"
    return "sub"


def _runs(record):
    runs, at = [], 0
    for number, offset in record.marker_offsets:
        if offset > at:
            runs.append(record.text[at:offset])
        runs.append(number)
        at = offset
    if at < len(record.text):
        runs.append(record.text[at:])
    return tuple(runs)


def junction(a, b):
    """Do a Chinese character and a Latin letter or digit touch here ("第24页", "8日")?

    The source's convention is a space between them ("2004 年 7 月"), and at a line break a
    PDF cannot say whether one stood there: the reader reads one. Where the source breaks its
    own convention, a producer must not break the line there.
    """
    latin = lambda ch: ch.isascii() and ch.isalnum()  # noqa: E731
    han = lambda ch: "\u3400" <= ch <= "\u9fff"  # noqa: E731
    return (han(a) and latin(b)) or (latin(a) and han(b))


def load_chapter(path):
    """The blocks and notes of a text chapter (parsed strictly: a fixture source must be clean)."""
    corpus = parse_chapter(path, strict=True)
    blocks, previous = [], None
    for record in corpus.paragraphs:
        blocks.append(Block(_kind(record, previous), record.item, _runs(record)))
        previous = record
    notes = tuple(Note(f.item, f.number, f.text) for f in corpus.footnotes)
    return Chapter(path.stem, tuple(blocks), notes)
