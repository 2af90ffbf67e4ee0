"""The pages of what the Repertoire cites: a meeting of the Council, and a UN document.

Nothing here imports Flask: links come from a `link(endpoint, **values)` callable (``url_for``).
"""
import re

from ..reference.citations import document_url
from ..reference.meeting_text import citation_context, meeting_to_dict, outcome_to_dict
from ..reference.meetings import get_table
from . import urls
from .records import decorate_record

# A meeting's page lists what the chapters say of it; its footnotes come with their paragraphs.
MEETING_KINDS = ("heading", "paragraph", "decision")


def _paged(records, total, params, path, pairs, link):
    return {"records": [decorate_record(r, link) for r in records], "total": total,
            "page": params.page, "per_page": params.per_page,
            "pagination": urls.pagination(path, pairs, params.page, params.per_page, total)}


def meeting_context(number, meeting, records, total, params, path, pairs, link):
    """A meeting's page: what the UN tables say of it (records, date, agenda, outcomes with votes)
    and one page of what the indexed chapters say of it."""
    facts = meeting_to_dict(meeting) if meeting is not None else None
    date = facts["date"] if facts else next((r.get("date") for r in records if r.get("date")), None)
    return {"number": number, "date": date, "meeting": facts,
            "search_url": link("web.search", meeting=number),
            "empty_message": None if total else "本汇辑所收章节未涉及此次会议",
            **_paged(records, total, params, path, pairs, link)}


def _citing_footnotes(record):
    if record.get("kind") == "footnote":
        return [record]
    return [fn for fn in record.get("footnotes") or () if isinstance(fn, dict)]


def _page_key(cited):
    m = re.match(r"\d+", cited["pages"][0]) if cited["pages"] else None
    return (0, int(m.group())) if m else (1, 0)


def _citations_of(record, symbol):
    """The pages, speakers and on-behalf-of of each citation of `symbol` in a record's footnotes, once
    each, by page (pages not given last)."""
    out = []
    for fn in _citing_footnotes(record):
        for c in fn.get("citations") or ():
            cited = {"pages": list(c.get("pages") or ()), "speakers": list(c.get("speakers") or ()),
                     "on_behalf_of": c.get("on_behalf_of")}
            if c.get("symbol") == symbol and cited not in out:
                out.append(cited)
    return sorted(out, key=lambda c: (_page_key(c), c["speakers"]))


def document_records(symbol, records):
    """(the document's own text, the records citing it): its heading and clauses when the corpus
    quotes the decision; then each record citing it, once, with the pages and speakers it cites.
    A footnote is shown only when no paragraph of the page cites it (the paragraph stands for it)."""
    own = [r for r in records if r.get("kind") in ("heading", "decision") and not _citations_of(r, symbol)]
    rest = [r for r in records if r not in own]
    paragraphs = [r for r in rest if r.get("kind") != "footnote"]
    cited = {fn.get("id") for r in paragraphs for fn in r.get("footnotes") or () if isinstance(fn, dict)}
    citing = [r for r in rest if r.get("kind") != "footnote" or r.get("id") not in cited]
    return own, [{**r, "cited": _citations_of(r, symbol)} for r in citing]


def _document_meeting(symbol, link):
    """(outcome, meeting) of a document: the meeting that adopted a decision, or the meeting a
    meeting record (S/PV.…) is the record of (with `record`: which of its records), as the UN tables
    give them."""
    table = get_table()
    meeting = table.by_document(symbol)
    outcome = next((o for o in meeting.outcomes if o.symbol == symbol), None) if meeting else None
    context = citation_context(symbol, table)
    if meeting is None and context is not None:
        meeting = table.get(context["number"])
    if meeting is None or not meeting.number:
        return (outcome_to_dict(outcome) if outcome else None), None
    facts = {**meeting_to_dict(meeting), "record": context["record"] if context else None,
             "url": link("web.meeting", number=meeting.number)}
    return (outcome_to_dict(outcome) if outcome else None), facts


def document_context(symbol, records, total, params, path, pairs, link):
    """A document's page: the meeting that adopted it, or whose record it is (date, agenda, outcomes,
    from the UN tables), and one page of the records quoting, adopting or citing it, each once."""
    ctx = _paged(records, total, params, path, pairs, link)
    own, citing = document_records(symbol, ctx.pop("records"))
    outcome, meeting = _document_meeting(symbol, link)
    ctx.update(symbol=symbol, url=document_url(symbol, "zh"), url_en=document_url(symbol, "en"),
               outcome=outcome, meeting=meeting, text=own, records=citing,
               empty_message=None if total else "本汇辑所收章节未引用此文件")
    return ctx
