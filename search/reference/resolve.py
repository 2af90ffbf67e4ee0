"""Records -> records with what they name: citations resolved, countries and organisations found,
decisions checked against the UN meetings table.

`parse_chapter` is the whole of the first two stages for one file: search.ingest reads the
records, this module fills in their references.
"""
import re
from dataclasses import replace

from ..errors import CorpusError
from ..ingest.corpus import Corpus, Paragraph, read_chapter
from ..ingest.files import chapter_key, display_path
from . import gazetteer
from .citations import fix_glued_footnote_number, parse_citations
from .crosscheck import check_corpus


def parse_chapter(path, order_start=0, strict=False):
    """Read one chapter file and resolve its references; the checks' findings become warnings.

    :param strict: raise on the first finding of the ingestion checks or the meetings table instead.
    :raises CorpusError: the file cannot be read, is not a Repertoire chapter, or (strict) fails a check.
    """
    corpus = resolve_references(read_chapter(path, order_start, strict))
    # Dates and decisions against the UN meetings table (crosscheck.py).
    disagreements = check_corpus(corpus)
    if strict and disagreements:
        file = display_path(path)
        raise CorpusError(file, disagreements[0].removeprefix(f"{file}: "))
    return replace(corpus, warnings=corpus.warnings + disagreements)


def resolve_references(corpus):
    """The chapter's footnotes with their citations (同上 resolved within each item), and every
    record with the countries and organisations it names (a paragraph also those of its cited speakers)."""
    warnings = []
    last_symbol, pv_numbers, footnotes = {}, {}, {}
    for fn in corpus.footnotes:
        pv_numbers.setdefault(fn.item, set()).update(re.findall(r"S/PV\.(\d+)\(", fn.text))
    # Footnotes in the order of their numbers within each item: 同上 refers to the note before.
    for fn in sorted(corpus.footnotes, key=lambda f: (f.item, f.number)):
        citations = tuple(
            fix_glued_footnote_number(c, fn.number, {str(fn.meeting)} | pv_numbers[fn.item])
            for c in parse_citations(fn.text, ibid=last_symbol.get(fn.item))
        )
        if any(c.symbol is None for c in citations):
            warnings.append(f"{fn.source.file}: line {fn.source.line}: footnote {fn.number}: "
                            "同上 (ibid) with no earlier citation")
        symbols = [c.symbol for c in citations if c.symbol]
        if symbols:
            last_symbol[fn.item] = symbols[-1]
        footnotes[fn.id] = replace(fn, citations=citations, countries=gazetteer.find_countries(fn.text),
                                   orgs=gazetteer.find_orgs(fn.text))
    paragraphs = []
    for p in corpus.paragraphs:
        cited = [footnotes[f"{p.chapter}.{p.item}.fn{n}"] for n in p.footnotes
                 if f"{p.chapter}.{p.item}.fn{n}" in footnotes]
        speakers = [s for f in cited for c in f.citations for s in (*c.speakers, c.on_behalf_of) if s]
        paragraphs.append(replace(
            p, countries=_merge(gazetteer.find_countries(p.text), *map(gazetteer.find_countries, speakers)),
            orgs=_merge(gazetteer.find_orgs(p.text), *map(gazetteer.find_orgs, speakers))))
    return replace(corpus, paragraphs=tuple(paragraphs), footnotes=tuple(footnotes[f.id] for f in corpus.footnotes),
                   warnings=corpus.warnings + tuple(warnings))


def _merge(*groups):
    return tuple(dict.fromkeys(code for group in groups for code in group))


def parse_corpus(paths, strict=False, progress=None):
    """Parse several chapter files; ids carry each file's chapter key.

    :param strict: raise when a chapter fails the ingestion checks (see `parse_chapter`).
    :param progress: a search.index.progress.Progress (or anything with its methods) told of each chapter parsed.
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
        "part": record.part,
        "part_title": record.part_title,
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
