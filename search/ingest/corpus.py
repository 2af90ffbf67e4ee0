"""Chapter file -> heading, paragraph, decision and footnote records, as the text gives them.

The input is a chapter of the Repertoire as text, in whatever layout an extraction left it
(lines.py, reader.py), or as the UN's PDF (pdf.py). Each chapter is checked as it is taken in:
footnote markers run 1, 2, 3… within an item, each marker has one footnote and each footnote
one marker, and no page furniture (job numbers, page numbers) has leaked into the body.

What the records name (citations, countries, organisations) is the next stage's work
(search.reference.resolve fills those fields).
"""
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from ..errors import CorpusError
from ..text import chinese_number
from .files import chapter_key, display_path, read_chapter_text
from .lines import Line
from .pdf import read_pdf_text
from .reader import ITEM_HEADING, read_blocks


@dataclass(frozen=True)
class Source:
    file: str
    line: int


@dataclass(frozen=True)
class Paragraph:
    id: str
    chapter: str
    kind: str  # "heading" | "paragraph" | "decision"
    item: int
    item_title: str
    section: str | None
    section_title: str | None
    meeting: int | None
    date: str | None
    decision: str | None
    text: str
    footnotes: tuple[int, ...]
    source: Source
    order: int
    # (footnote number, offset in text) for each marker, to print it where it stands.
    marker_offsets: tuple[tuple[int, int], ...] = ()
    # Filled by search.reference.resolve: countries and organisations named (text and cited speakers).
    countries: tuple[str, ...] = ()
    orgs: tuple[str, ...] = ()
    # The part of the chapter (第三部分) the item is in, and its title; None in a chapter without parts.
    part: int | None = None
    part_title: str | None = None


@dataclass(frozen=True)
class Footnote:
    id: str
    chapter: str
    item: int
    number: int
    text: str
    meeting: int | None
    date: str | None
    cited_by: tuple[str, ...]
    source: Source
    order: int
    kind: str = "footnote"
    # Filled by search.reference.resolve: the UN documents cited (search.reference.citations.Citation),
    # countries and organisations named.
    citations: tuple = ()
    countries: tuple[str, ...] = ()
    orgs: tuple[str, ...] = ()
    # The part its item is in (a part holds whole items), and its title.
    part: int | None = None
    part_title: str | None = None


@dataclass(frozen=True)
class Corpus:
    paragraphs: tuple[Paragraph, ...]
    footnotes: tuple[Footnote, ...]
    warnings: tuple[str, ...] = ()
    # The chapter of the Repertoire this file is ("第十三章" on its title page: 13), when it says so.
    repertoire_chapter: int | None = None

    def records(self):
        """Every record: paragraphs, then footnotes."""
        yield from self.paragraphs
        yield from self.footnotes


# ---------------------------------------------------------------- records


def read_chapter(path, order_start=0, strict=False):
    """Read one chapter file (text or PDF) into records; the ingestion checks' findings become warnings.

    :param strict: raise on the first finding of the checks instead.
    :raises CorpusError: the file cannot be read, is not a Repertoire chapter, or (strict) fails a check.
    """
    text, warnings = read_pdf_text(path) if Path(path).suffix.lower() == ".pdf" else read_chapter_text(path)
    lines = [Line(no, raw.rstrip("\r")) for no, raw in enumerate(text.split("\n"), 1)]
    blocks, raw_footnotes, problems = read_blocks(path, lines)
    corpus, problems = _make_records(path, blocks, raw_footnotes, problems, order_start)
    file = display_path(path)
    # The checks: markers contiguous per item, one footnote per marker, no page furniture in the body.
    problems.sort(key=lambda p: p[0])
    if strict and problems:
        line, message = problems[0]
        raise CorpusError(file, message, line)
    warnings += [f"{file}: line {line}: {message}" for line, message in problems]
    return Corpus(corpus.paragraphs, corpus.footnotes, tuple(warnings), _chapter_number(lines))


_CHAPTER_TITLE = re.compile(r"^\s*第\s*([一二三四五六七八九十百]+|\d{1,3})\s*章\s*$")


def _chapter_number(lines):
    """The chapter number on the title page: a line "第十三章" before the first item heading."""
    for line in lines:
        if ITEM_HEADING.match(line.raw):
            return None
        m = _CHAPTER_TITLE.match(line.raw)
        if m:
            return chinese_number(m.group(1))
    return None


def _make_records(path, blocks, raw_footnotes, problems, order_start):
    chapter, file = chapter_key(path), display_path(path)
    para_ids = _paragraph_ids(chapter, blocks)
    cited_by, first_citer = {}, {}
    for pid, block in zip(para_ids, blocks):
        for number in block.markers:
            cited_by.setdefault((block.place.item, number), []).append(pid)
            first_citer.setdefault((block.place.item, number), block)

    parts = {block.place.item: (block.place.part, block.place.part_title) for block in blocks}
    known = {(f.item, f.number) for f in raw_footnotes}
    for key in sorted(set(cited_by) - known):
        problems.append((first_citer[key].line, f"item {key[0]}: footnote {key[1]} is cited but has no text"))
    footnotes = {}
    for raw in raw_footnotes:
        key = (raw.item, raw.number)
        if key not in cited_by:
            problems.append((raw.line, f"item {raw.item}: footnote {raw.number} has no marker in the text"))
        # A note is dated by the paragraph that first cites it.
        citer = first_citer.get(key)
        part, part_title = parts.get(raw.item, (None, None))
        footnotes[key] = dict(
            id=f"{chapter}.{raw.item}.fn{raw.number}", chapter=chapter, item=raw.item, number=raw.number,
            text=raw.text, meeting=citer.place.meeting if citer else None, date=citer.place.date if citer else None,
            cited_by=tuple(cited_by.get(key, ())), source=Source(file, raw.line), part=part, part_title=part_title)
    return _in_document_order(chapter, file, para_ids, blocks, footnotes, order_start), problems


def _paragraph_ids(chapter, blocks):
    """"<chapter>.<item>.p<n>": n counts the item's headings, paragraphs and decisions from 1 (a part
    heading, and what stands between it and the item it opens, first)."""
    counters, ids = {}, []
    for block in blocks:
        counters[block.place.item] = counters.get(block.place.item, 0) + 1
        ids.append(f"{chapter}.{block.place.item}.p{counters[block.place.item]}")
    return ids


def _in_document_order(chapter, file, para_ids, blocks, footnotes, order):
    """The records, numbered in one document order: each footnote right after the paragraph that
    first cites it (one cited by none comes last)."""
    paragraphs, ordered_footnotes, placed = [], [], set()
    for pid, block in zip(para_ids, blocks):
        text, marker_offsets = block.joined()
        paragraphs.append(Paragraph(
            id=pid, chapter=chapter, kind=block.kind, **asdict(block.place), text=text,
            footnotes=tuple(block.markers), source=Source(file, block.line), order=order,
            marker_offsets=marker_offsets))
        order += 1
        for number in block.markers:
            f = footnotes.get((block.place.item, number))
            if f is not None and f["id"] not in placed:
                placed.add(f["id"])
                ordered_footnotes.append(Footnote(**f, order=order))
                order += 1
    for f in footnotes.values():
        if f["id"] not in placed:
            ordered_footnotes.append(Footnote(**f, order=order))
            order += 1
    ordered_footnotes.sort(key=lambda f: (f.item, f.number))
    return Corpus(tuple(paragraphs), tuple(ordered_footnotes))
