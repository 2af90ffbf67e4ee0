"""Records -> documents: the engine-neutral field values every back end indexes.

A document is a plain dict. Engines decide how to index each field, never what it holds:

    id        "000_433e06851ef59419.49.p12"
    kind      "heading" | "paragraph" | "decision" | "footnote"
    chapter   the chapter key (file stem)
    text      the text as printed (engines normalise it with search.text)
    country, org, symbol   lists of codes / document symbols (facets and filters); a decision's
              clauses carry the decision's own symbol (S/RES/1631(2005))
    charter   Charter articles and chapters and rules of procedure referred to ("art53", "ch8", "rule37")
    meeting, year, date    strings, or None when undated
    decision  the decision line a record stands under ("第 1631(2005)号决议", "主席声明") or None
    dateint   20040720, 0 when undated
    item, section          "49", "49.A"
    order     position in document order over the corpus (chapter number << 20 | position)
    cls, seq  "p" (headings, paragraphs, decisions) or "f" (footnotes), and the position among
              the chapter's records of that class: prev/next are look-ups of seq ± 1
    cite_only True for a footnote that only cites (symbols, pages, speakers): relevance ranks it
              below the other units of its ranking group
    data      the record as JSON, enough to render a hit without the corpus
"""
import json

from ..reference.charter import find_charter_refs
from ..reference.citations import is_citation_only
from ..reference.resolve import record_to_dict
from ..reference.symbols import decision_document, record_symbols



def _record_dict(record, by_id, symbols, charter):
    d = record_to_dict(record)
    # The corpus-wide position depends on when a chapter was added; only the index needs it.
    del d["order"]
    d["symbols"] = symbols  # the documents it cites, quotes or adopts
    d["charter"] = charter  # the Charter articles and chapters it refers to
    if record.kind != "footnote":
        notes = []
        for number in record.footnotes:
            fn = by_id.get(f"{record.chapter}.{record.item}.fn{number}")
            if fn is None:
                notes.append({"number": number, "id": None, "text": None, "citations": []})
            else:
                notes.append({"number": number, "id": fn.id, "text": fn.text,
                              "citations": [c.to_dict() for c in fn.citations]})
        d["footnotes"] = notes
    else:
        # A footnote sits where the first paragraph citing it sits.
        first = by_id.get(record.cited_by[0]) if record.cited_by else None
        for key in ("section", "section_title", "item_title"):
            d.setdefault(key, getattr(first, key, None))
    return d


def _citations(record, by_id):
    if record.kind == "footnote":
        return record.citations
    return [c for n in record.footnotes
            for c in getattr(by_id.get(f"{record.chapter}.{record.item}.fn{n}"), "citations", ())]


def _section(record, by_id):
    if record.kind == "footnote":
        first = by_id.get(record.cited_by[0]) if record.cited_by else None
        return getattr(first, "section", None)
    return record.section


def _symbols(record, by_id):
    """The documents a record cites, and the decision it is a clause (or the heading) of."""
    symbols = list(record_symbols(record, [c.symbol for c in _citations(record, by_id) if c.symbol]))
    own = record.kind == "decision" or (record.kind == "heading" and record.text == record.decision)
    if own and getattr(record, "decision", None) == "主席声明":
        statement = decision_document("主席声明", getattr(record, "meeting", None))
        if statement and statement not in symbols:
            symbols.append(statement)
    return symbols


def chapter_documents(corpus):
    """The documents of one parsed chapter, in document order."""
    records = sorted(corpus.records(), key=lambda r: r.order)
    by_id = {r.id: r for r in records}
    seqs = {"p": 0, "f": 0}
    for record in records:
        cls = "f" if record.kind == "footnote" else "p"
        yield record_to_document(record, by_id, cls, seqs[cls])
        seqs[cls] += 1


def record_to_document(record, by_id, cls, seq):
    """The document of one record; `by_id` holds the records of its chapter."""
    date = getattr(record, "date", None)
    meeting = getattr(record, "meeting", None)
    section = _section(record, by_id)
    symbols = _symbols(record, by_id)
    charter = list(dict.fromkeys(ref.value for ref in find_charter_refs(record.text)))
    return {
        "id": record.id,
        "kind": record.kind,
        "chapter": record.chapter,
        "text": record.text,
        "country": list(record.countries),
        "org": list(record.orgs),
        "symbol": symbols,
        "charter": charter,
        "meeting": str(meeting) if meeting is not None else None,
        "year": date[:4] if date else None,
        "date": date or None,
        "dateint": int(date.replace("-", "")) if date else 0,
        "decision": getattr(record, "decision", None),
        "item": str(record.item),
        "section": f"{record.item}.{section}" if section else None,
        "order": record.order,
        "cls": cls,
        "seq": seq,
        "cite_only": record.kind == "footnote" and is_citation_only(record.text),
        "data": json.dumps(_record_dict(record, by_id, symbols, charter), ensure_ascii=False),
    }
