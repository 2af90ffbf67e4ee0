"""Chapter text -> heading, paragraph, decision and footnote records.

The input is the Repertoire as extracted from the PDF, in whatever layout the extraction left
it (see layout.py and reader.py). Each chapter is checked as it is taken in: footnote markers
run 1, 2, 3… within an item, each marker has one footnote and each footnote one marker, and
no page furniture (job numbers, page numbers) has leaked into the body.
"""
import re
from dataclasses import dataclass

from . import gazetteer
from .charter import chinese_number
from .citations import Citation, fix_glued_footnote_number, parse_citations
from .crosscheck import check_corpus
from .errors import CorpusError
from .layout import Line
from .reader import ITEM_HEADING, read_blocks
from .reading import chapter_key, display_path, read_chapter_text


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
    countries: tuple[str, ...]
    orgs: tuple[str, ...]
    source: Source
    order: int
    # (footnote number, offset in text) for each marker, to print it where it stands.
    marker_offsets: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Footnote:
    id: str
    chapter: str
    item: int
    number: int
    text: str
    citations: tuple[Citation, ...]
    countries: tuple[str, ...]
    orgs: tuple[str, ...]
    meeting: int | None
    date: str | None
    cited_by: tuple[str, ...]
    source: Source
    order: int
    kind: str = "footnote"


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


def parse_chapter(path, order_start=0, strict=False):
    """Parse one chapter file into records; the ingestion checks' findings become warnings.

    :param strict: raise on the first finding of the checks instead.
    :raises CorpusError: the file cannot be read, is not a Repertoire chapter, or (strict) fails a check.
    """
    text, warnings = read_chapter_text(path)
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
    warnings += corpus.warnings
    # Dates and decisions against the UN meetings table (search/crosscheck.py).
    disagreements = check_corpus(corpus)
    if strict and disagreements:
        raise CorpusError(file, disagreements[0].removeprefix(f"{file}: "))
    return Corpus(corpus.paragraphs, corpus.footnotes, tuple(warnings) + disagreements, _chapter_number(lines))


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
    chapter = chapter_key(path)
    file = display_path(path)
    warnings = []
    counters = {}
    para_ids = []
    for block in blocks:
        counters[block.item] = counters.get(block.item, 0) + 1
        para_ids.append(f"{chapter}.{block.item}.p{counters[block.item]}")

    cited_by = {}
    first_citer = {}
    for pid, block in zip(para_ids, blocks):
        for number in block.markers:
            cited_by.setdefault((block.item, number), []).append(pid)
            first_citer.setdefault((block.item, number), block)

    known = {(f.item, f.number) for f in raw_footnotes}
    for key in sorted(set(cited_by) - known):
        problems.append((first_citer[key].line, f"item {key[0]}: footnote {key[1]} is cited but has no text"))

    footnotes = {}
    last_symbol = {}
    pv_numbers = {}
    for raw in raw_footnotes:
        pv_numbers.setdefault(raw.item, set()).update(re.findall(r"S/PV\.(\d+)\(", raw.text))
    for raw in raw_footnotes:
        citer = first_citer.get((raw.item, raw.number))
        meeting = citer.meeting if citer else None
        text = raw.text
        citations = parse_citations(text, ibid=last_symbol.get(raw.item))
        citations = tuple(
            fix_glued_footnote_number(c, raw.number, {str(meeting)} | pv_numbers[raw.item])
            for c in citations
        )
        if any(c.symbol is None for c in citations):
            warnings.append(f"{file}: line {raw.line}: footnote {raw.number}: 同上 (ibid) with no earlier citation")
        symbols = [c.symbol for c in citations if c.symbol]
        if symbols:
            last_symbol[raw.item] = symbols[-1]
        if (raw.item, raw.number) not in cited_by:
            problems.append((raw.line, f"item {raw.item}: footnote {raw.number} has no marker in the text"))
        footnotes[(raw.item, raw.number)] = dict(
            id=f"{chapter}.{raw.item}.fn{raw.number}",
            chapter=chapter,
            item=raw.item,
            number=raw.number,
            text=text,
            citations=citations,
            countries=gazetteer.find_countries(text),
            orgs=gazetteer.find_orgs(text),
            meeting=meeting,
            date=citer.date if citer else None,
            cited_by=tuple(cited_by.get((raw.item, raw.number), ())),
            source=Source(file, raw.line),
        )

    # One document order for all records: each footnote right after the paragraph that first cites it.
    order = order_start
    paragraphs, ordered_footnotes = [], []
    placed = set()
    for pid, block in zip(para_ids, blocks):
        text, marker_offsets = block.joined()
        cited = [footnotes[(block.item, n)] for n in block.markers if (block.item, n) in footnotes]
        speakers = [s for f in cited for c in f["citations"] for s in c.speakers + (c.on_behalf_of,) if s]
        countries = _merge(gazetteer.find_countries(text), *(gazetteer.find_countries(s) for s in speakers))
        orgs = _merge(gazetteer.find_orgs(text), *(gazetteer.find_orgs(s) for s in speakers))
        paragraphs.append(
            Paragraph(
                id=pid,
                chapter=chapter,
                kind=block.kind,
                item=block.item,
                item_title=block.item_title,
                section=block.section,
                section_title=block.section_title,
                meeting=block.meeting,
                date=block.date,
                decision=block.decision,
                text=text,
                footnotes=tuple(block.markers),
                countries=countries,
                orgs=orgs,
                source=Source(file, block.line),
                order=order,
                marker_offsets=marker_offsets,
            )
        )
        order += 1
        for f in cited:
            if f["id"] not in placed:
                placed.add(f["id"])
                ordered_footnotes.append(Footnote(**f, order=order))
                order += 1
    for f in footnotes.values():
        if f["id"] not in placed:
            ordered_footnotes.append(Footnote(**f, order=order))
            order += 1
    ordered_footnotes.sort(key=lambda f: (f.item, f.number))
    return Corpus(tuple(paragraphs), tuple(ordered_footnotes), tuple(warnings)), problems


def _merge(*groups):
    seen = {}
    for group in groups:
        for code in group:
            seen.setdefault(code, None)
    return tuple(seen)


def parse_corpus(paths, strict=False, progress=None):
    """Parse several chapter files; ids carry each file's chapter key.

    :param strict: raise when a chapter fails the ingestion checks (see `parse_chapter`).
    :param progress: a search.progress.Progress told of each chapter parsed.
    :raises CorpusError: for the first file that cannot be parsed, or a repeated chapter key.
    """
    paths = list(paths)
    if progress is not None:
        progress.stage(f"parsing {len(paths)} chapters", total=len(paths))
    paragraphs, footnotes, warnings = [], [], []
    keys = {}
    order = 0
    for path in paths:
        key = chapter_key(path)
        if key in keys:
            raise CorpusError(path, f"chapter key {key!r} is also the key of {keys[key]}: rename one file")
        keys[key] = path
        chapter = parse_chapter(path, order_start=order, strict=strict)
        order += len(chapter.paragraphs) + len(chapter.footnotes)
        paragraphs.extend(chapter.paragraphs)
        footnotes.extend(chapter.footnotes)
        warnings.extend(chapter.warnings)
        if progress is not None:
            progress.units(len(chapter.paragraphs) + len(chapter.footnotes))
            progress.chapter(key)
    return Corpus(tuple(paragraphs), tuple(footnotes), tuple(warnings))


def record_to_dict(record):
    """The JSON shape of a paragraph or footnote (countries and organisations with their names)."""
    d = {
        "id": record.id,
        "kind": record.kind,
        "chapter": record.chapter,
        "item": record.item,
    }
    if isinstance(record, Paragraph):
        d.update(
            section=record.section,
            item_title=record.item_title,
            section_title=record.section_title,
            meeting=record.meeting,
            date=record.date,
            decision=record.decision,
            text=record.text,
            footnotes=list(record.footnotes),
            markers=[{"number": n, "offset": offset} for n, offset in record.marker_offsets],
        )
    else:
        d.update(
            number=record.number,
            text=record.text,
            citations=[c.to_dict() for c in record.citations],
            meeting=record.meeting,
            date=record.date,
            cited_by=list(record.cited_by),
        )
    d["countries"] = [gazetteer.entity_to_dict(gazetteer.country(c)) for c in record.countries]
    d["orgs"] = [gazetteer.entity_to_dict(gazetteer.org(c)) for c in record.orgs]
    d["source"] = {"file": record.source.file, "line": record.source.line}
    d["order"] = record.order
    return d
