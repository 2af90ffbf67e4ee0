"""A record as the pages show it: its permalink, title, text cut at its footnote markers, its
meeting, its footnotes' citations resolved to the UN documents and meetings they cite.

Nothing here imports Flask: links come from a `link(endpoint, **values)` callable (``url_for``).
"""
import re

from ..query.params import KINDS
from ..reference.charter import find_repertoire_refs
from ..reference.meeting_text import citation_context, meeting_brief, meeting_label
from ..reference.meetings import get_table
from ..reference.symbols import decision_document


def decorate_citation(citation, link):
    """A citation dict plus the link to the page of every paragraph citing its symbol, and for a
    meeting record (S/PV.…) the meeting as the UN tables give it: date, agenda, outcomes with votes."""
    c = dict(citation)
    c["doc_url"] = link("web.document", symbol=c["symbol"]) if c.get("symbol") else None
    c["meeting"] = citation_context(c["symbol"]) if c.get("symbol") else None
    if c["meeting"]:
        c["meeting"]["url"] = link("web.meeting", number=c["meeting"]["number"])
    return c


def text_segments(text, markers):
    """Text cut where its footnote markers stand: [{"text", "footnote"}], footnote None for the tail.

    >>> text_segments("甲。乙。", [{"number": 5, "offset": 2}, {"number": 6, "offset": 4}])
    [{'text': '甲。', 'footnote': 5}, {'text': '乙。', 'footnote': 6}, {'text': '', 'footnote': None}]
    """
    segments, pos = [], 0
    for marker in markers or ():
        offset = min(max(marker["offset"], pos), len(text))
        segments.append({"text": text[pos:offset], "footnote": marker["number"]})
        pos = offset
    segments.append({"text": text[pos:], "footnote": None})
    return segments


_PARAGRAPH_NO = re.compile(r"\.p(\d+)$")


def record_title(record):
    """A heading a reader can place: item, section, meeting, then paragraph or footnote number.

    The paragraph's number is ours (its place in the item, as its id gives it), not the Repertoire's
    nor a resolution's: it says so.

    >>> record_title({"id": "c.49.p12", "kind": "paragraph", "item": 49, "section": "A", "meeting": 5007})
    '第 49 项 · A 节 · 第 5007 次会议 · 本汇辑第 12 段'
    >>> record_title({"id": "c.49.fn5", "kind": "footnote", "number": 5, "item": 49, "section": None, "meeting": None})
    '第 49 项 · 脚注 5'
    """
    parts = [f"第 {record['item']} 项"] if record.get("item") is not None else []
    if record.get("section"):
        parts.append(f"{record['section']} 节")
    if record.get("meeting"):
        parts.append(meeting_label(record["meeting"]))
    if record.get("kind") == "footnote":
        parts.append(f"脚注 {record.get('number')}")
    else:
        # The paragraph's number is its place in the item, as its id (and so its permalink) gives it.
        number = _PARAGRAPH_NO.search(record.get("id") or "")
        parts.append(f"本汇辑第 {number.group(1)} 段" if number else KINDS.get(record.get("kind"), ("段落",))[0])
    return " · ".join(parts)


def _meeting_info(number):
    """A record's meeting as the UN tables give it (search.reference.meeting_text.meeting_brief), or None."""
    meeting = get_table().get(number) if number else None
    return meeting_brief(meeting) if meeting is not None else None


def link_repertoire_refs(record, chapters, link):
    """Point a record's cross-references at the chapters of the Repertoire that are indexed
    (`chapters`: chapter number -> id of its first record, from the index's statistics)."""
    for ref in record.get("repertoire_refs") or ():
        first = chapters.get(str(ref["chapter"]))
        ref["url"] = link("web.record", id=first) if first else None
    return record


def decorate_record(record, link):
    """A paragraph, footnote or hit dict plus its permalink, meeting and citation links."""
    r = dict(record)
    r["url"] = link("web.record", id=r["id"])
    r.setdefault("section", None)  # footnotes have none; the API promises the key on every unit
    r["kind_label"] = KINDS.get(r.get("kind"), (r.get("kind"),))[0]
    r["title"] = record_title(r)
    if r.get("text") is not None:
        r["segments"] = text_segments(r["text"], r.get("markers"))
    r["meeting_url"] = link("web.meeting", number=r["meeting"]) if r.get("meeting") else None
    # The decision a heading or clause stands under, linked to its document's page.
    symbol = decision_document(r.get("decision"), r.get("meeting")) if r.get("decision") else None
    r["decision_url"] = link("web.document", symbol=symbol) if symbol else None
    r["meeting_info"] = _meeting_info(r.get("meeting"))
    # Cross-references to the Repertoire's own chapters, shown as what they are (not the Charter's);
    # link_repertoire_refs links those whose chapter is indexed.
    r["repertoire_refs"] = [{"label": ref.label, "chapter": ref.chapter, "url": None}
                            for ref in find_repertoire_refs(r.get("text") or "")]
    r["footnotes"] = [
        {**fn, "url": link("web.record", id=fn["id"]) if fn.get("id") else None,
         "citations": [decorate_citation(c, link) for c in fn.get("citations") or ()]}
        for fn in r.get("footnotes") or () if isinstance(fn, dict)
    ]
    if r.get("citations"):
        r["citations"] = [decorate_citation(c, link) for c in r["citations"]]
    for key in ("prev", "next"):
        neighbour = r.get(key)
        if isinstance(neighbour, dict) and neighbour.get("id"):
            r[key] = {**neighbour, "url": link("web.record", id=neighbour["id"])}
        elif isinstance(neighbour, str):
            r[key] = {"id": neighbour, "url": link("web.record", id=neighbour)}
    if isinstance(r.get("cited_by"), (list, tuple)):
        r["cited_by"] = [
            decorate_record(p, link) if isinstance(p, dict) else {"id": p, "url": link("web.record", id=p)}
            for p in r["cited_by"]
        ]
    return r
