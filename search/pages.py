"""Page contexts: the query layer's dicts plus the links and labels the pages print.

One context dict serves an HTML page and its JSON twin. Nothing here imports Flask: links to
other pages come from a `link(endpoint, **values)` callable (``url_for`` in the app).
"""
import csv
import re

from . import urls
from .charter import find_repertoire_refs
from .citations import document_url
from .meetings import get_table
from .meetings_display import citation_context, meeting_summary, meeting_to_dict, outcome_to_dict
from .facets import facet_label
from .params import FACET_TITLES, FACETS, KINDS, RANGE, canonical_filter

# A query that is a UN document symbol (S/PV.5282, S/PRST/2004/27, A/RES/60/1) or a meeting number.
_SYMBOL = re.compile(r"^\s*((?:S|A|E|ST|SG)/[A-Z0-9][A-Za-z0-9./\-]*(?:\s*\((?:Resumption|Part)\s*\d+\))?)\s*$")
_MEETING = re.compile(r"^\s*(?:第\s*)?(\d{3,5})(?:\s*次(?:会议)?)?\s*$")


def filter_label(name, value, facets):
    """A chip's label: the facet's own label when the value is in the result, else the label of its code."""
    canonical = canonical_filter(name, value)
    for item in facets.get(name, ()):
        if str(item.get("value")) == canonical:
            return item["label"]
    return facet_label(name, canonical)[0]


def direct_links(q, link, count_of):
    """Links to a document's or a meeting's page when the query names one that the corpus has."""
    out = []
    m = _SYMBOL.match(q or "")
    if m and count_of("symbol", m.group(1)):
        out.append({"label": f"文件 {m.group(1)}", "url": link("web.document", symbol=m.group(1))})
    m = _MEETING.match(q or "")
    if m and count_of("meeting", str(int(m.group(1)))):
        out.append({"label": f"第 {m.group(1)} 次会议", "url": link("web.meeting", number=int(m.group(1)))})
    return out


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

    >>> record_title({"id": "c.49.p12", "kind": "paragraph", "item": 49, "section": "A", "meeting": 5007})
    '第 49 项 · A 节 · 第 5007 次会议 · 第 12 段'
    >>> record_title({"id": "c.49.fn5", "kind": "footnote", "number": 5, "item": 49, "section": None, "meeting": None})
    '第 49 项 · 脚注 5'
    """
    parts = [f"第 {record['item']} 项"] if record.get("item") is not None else []
    if record.get("section"):
        parts.append(f"{record['section']} 节")
    if record.get("meeting"):
        parts.append(f"第 {record['meeting']} 次会议")
    if record.get("kind") == "footnote":
        parts.append(f"脚注 {record.get('number')}")
    else:
        # The paragraph's number is its place in the item, as its id (and so its permalink) gives it.
        number = _PARAGRAPH_NO.search(record.get("id") or "")
        parts.append(f"第 {number.group(1)} 段" if number else KINDS.get(record.get("kind"), ("段落",))[0])
    return " · ".join(parts)


def _meeting_info(number):
    """A record's meeting as the UN tables give it: {"summary", "date", "topic", "outcomes"}, or None."""
    meeting = get_table().get(number) if number else None
    if meeting is None:
        return None
    return {"summary": meeting_summary(meeting), "date": meeting.date, "topic": meeting.topic,
            "outcomes": [outcome_to_dict(o) for o in meeting.outcomes]}


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


def search_context(result, path, pairs, link, export_paths):
    """Everything the results page shows: the result dict plus facet, chip, sort and page links."""
    pairs = urls.pairs_of(pairs)
    facets = result.get("facets") or {}
    ctx = dict(result)
    ctx["hits"] = [decorate_record(h, link) for h in result.get("hits", ())]
    ctx["facets"] = {
        name: [
            {**item, "toggle_url": urls.facet_toggle_url(path, pairs, name, item["value"], item.get("selected"),
                                                         canonical_filter)}
            for item in facets.get(name, ())
        ]
        for name in FACETS  # every facet, even empty: the API promises all five keys
    }
    ctx["facet_titles"] = FACET_TITLES
    ctx["expansions"] = [
        {**e, "url": urls.path_with_query(path, urls.without_page(pairs) + [(e["facet"], e["value"])])
         if e.get("facet") else None}
        for e in result.get("expansions") or ()]
    ctx["chips"], seen = [], set()
    for k, v in pairs:
        if not (k in FACETS or k in RANGE) or not str(v).strip() or (k, canonical_filter(k, v)) in seen:
            continue
        seen.add((k, canonical_filter(k, v)))  # country=FRA&country=法国 is one filter, one chip
        ctx["chips"].append({
            "name": k, "value": v,
            "label": f"{'自' if k == 'from' else '至'} {v}" if k in RANGE else filter_label(k, v, facets),
            "title": "日期" if k in RANGE else FACET_TITLES[k],
            "remove_url": urls.path_with_removed_args(path, urls.without_page(pairs), [(k, v)], canonical_filter),
        })
    kept = [(k, v) for k, v in pairs if k in ("q", "sort")]
    ctx["clear_url"] = urls.path_with_query(path, kept) if ctx["chips"] else None
    sort = result.get("sort") or dict(pairs).get("sort") or "relevance"
    ctx["sort"] = sort
    ctx["sorts"] = urls.sort_links(path, pairs, sort)
    ctx["pagination"] = urls.pagination(path, pairs, result.get("page", 1), result.get("per_page") or 20,
                                        result.get("total", 0))
    ctx["form_hidden"] = urls.hidden_inputs(pairs, exclude=("q",))
    ctx["range_hidden"] = urls.hidden_inputs(pairs, exclude=RANGE)
    ctx["date_from"] = dict(pairs).get("from", "")
    ctx["date_to"] = dict(pairs).get("to", "")
    ctx["exports"] = {fmt: urls.path_with_query(p, urls.without_page(pairs)) for fmt, p in export_paths.items()}
    ctx["suggestions"] = _suggestions(ctx, path, pairs, result) if not result.get("total") else []
    return ctx


def _suggestions(ctx, path, pairs, result):
    """The empty state: drop a filter, or search a shorter part of the query."""
    out = [{"label": f"去掉筛选条件“{chip['label']}”", "url": chip["remove_url"]} for chip in ctx["chips"]]
    words = [w for w in result.get("segmented") or () if isinstance(w, str) and w.strip()]
    q = (result.get("query") or "").strip()
    if len(words) > 1:
        for word in words[:6]:
            out.append({"label": f"只搜索“{word}”",
                        "url": urls.path_with_added_args(path, urls.without_page(pairs), {"q": word})})
    elif len(q) > 2:
        shorter = q[: max(2, len(q) // 2)]
        out.append({"label": f"试试较短的“{shorter}”",
                    "url": urls.path_with_added_args(path, urls.without_page(pairs), {"q": shorter})})
    return out


def doc_groups(symbol, records):
    """Paragraphs citing `symbol` (footnotes only when no paragraph cites them), grouped by the pages
    and speakers of the citation; the text of the decision itself (its heading and clauses) first."""
    own = [r for r in records if r.get("kind") in ("heading", "decision")
           and not any(c.get("symbol") == symbol for fn in _citing_footnotes(r, symbol) for c in fn.get("citations") or ())]
    records = [r for r in records if r not in own]
    groups = {}
    paragraphs = [r for r in records if r.get("kind") != "footnote"]
    cited = {fn.get("id") for r in paragraphs for fn in r.get("footnotes") or ()}
    records = paragraphs + [r for r in records if r.get("kind") == "footnote" and r.get("id") not in cited]
    for record in records:
        for fn in _citing_footnotes(record, symbol):
            for c in fn.get("citations") or ():
                if c.get("symbol") != symbol:
                    continue
                key = (tuple(c.get("pages") or ()), tuple(c.get("speakers") or ()), c.get("on_behalf_of"))
                group = groups.setdefault(key, {"pages": list(key[0]), "speakers": list(key[1]),
                                                "on_behalf_of": key[2], "records": []})
                if all(r["id"] != record["id"] for r in group["records"]):
                    group["records"].append(record)
    cited = sorted(groups.values(), key=lambda g: (_page_key(g["pages"]), g["speakers"]))
    return ([{"label": "决定案文", "pages": [], "speakers": [], "on_behalf_of": None, "records": own}] if own else []) + cited


def _citing_footnotes(record, symbol):
    if record.get("kind") == "footnote":
        return [record]
    return [fn for fn in record.get("footnotes") or () if isinstance(fn, dict)]


def _page_key(pages):
    m = re.match(r"\d+", pages[0]) if pages else None
    return (0, int(m.group())) if m else (1, 0)


EXPORT_COLUMNS = ("id", "kind", "item", "section", "section_title", "meeting", "date", "decision", "text",
                  "countries", "orgs", "footnotes", "citations", "url")


def export_row(hit, base_url):
    """One CSV row of a hit: lists joined with '；', citations resolved to their symbols and pages."""
    citations = list(hit.get("citations") or ())
    for fn in hit.get("footnotes") or ():
        citations.extend(fn.get("citations") or ())
    return {
        "id": hit.get("id"),
        "kind": hit.get("kind"),
        "item": hit.get("item"),
        "section": hit.get("section"),
        "section_title": hit.get("section_title"),
        "meeting": hit.get("meeting"),
        "date": hit.get("date"),
        "decision": hit.get("decision"),
        "text": hit.get("text"),
        "countries": "；".join(c.get("zh") or c.get("code") for c in hit.get("countries") or ()),
        "orgs": "；".join((o.get("zh") or o.get("code")) if isinstance(o, dict) else str(o)
                         for o in hit.get("orgs") or ()),
        "footnotes": "；".join(f"{fn.get('number')}. {fn.get('text')}" for fn in hit.get("footnotes") or ()),
        "citations": "；".join(_citation_text(c) for c in citations),
        "url": base_url.rstrip("/") + "/p/" + str(hit.get("id")),
    }


def _citation_text(c):
    parts = [c.get("symbol") or "?"]
    if c.get("pages"):
        parts.append("第 " + ", ".join(c["pages"]) + " 页")
    if c.get("speakers"):
        parts.append("(" + "、".join(c["speakers"]) + ")")
    if c.get("url"):
        parts.append(c["url"])
    return " ".join(parts)


class _Line:
    """A file-like object whose write() returns what was written, for csv.writer to stream through."""

    def write(self, text):
        return text


def export_csv_rows(hits, base_url):
    """CSV text, a row at a time, with a byte-order mark first so that Excel opens the Chinese as UTF-8."""
    writer = csv.DictWriter(_Line(), fieldnames=EXPORT_COLUMNS, lineterminator="\r\n")
    yield "\ufeff" + writer.writeheader()
    for hit in hits:
        yield writer.writerow(export_row(hit, base_url))


EXAMPLES = ("区域组织", "非洲联盟", "S/PV.5007", "5649", "维持和平", "\"稳定进程\"")
# A meeting's page lists what the chapters say of it; its footnotes come with their paragraphs.
MEETING_KINDS = ("heading", "paragraph", "decision")


def _entity_links(name, values, link):
    out = []
    for code, count in values:
        label, label_en = facet_label(name, code)
        out.append({"value": code, "label": label, "label_en": label_en, "count": count,
                    "toggle_url": link("web.search", **{name: code})})
    return out


def home_context(stats, link):
    """The home page from the index's build-time statistics: nothing here grows with a query."""
    return {
        "total": stats["units"],
        "chapters": stats["chapters"],
        "examples": [{"q": e, "url": link("web.search", q=e)} for e in EXAMPLES],
        "meetings": [{"number": m["number"], "date": m["date"], "decision": "、".join(m["decisions"]) or None,
                      "count": m["units"], "url": link("web.meeting", number=m["number"])}
                     for m in stats["meetings"]],
        "facets": {"country": _entity_links("country", stats["countries"], link),
                   "org": _entity_links("org", stats["orgs"], link)},
    }


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


def document_context(symbol, records, total, params, path, pairs, link):
    """A document's page: the meeting that adopted it (from the UN tables), and one page of the
    records quoting, adopting or citing it, grouped by the pages and speakers cited."""
    meeting = get_table().by_document(symbol)
    outcome = next((o for o in meeting.outcomes if o.symbol == symbol), None) if meeting else None
    ctx = _paged(records, total, params, path, pairs, link)
    ctx.update(symbol=symbol, url=document_url(symbol, "zh"), url_en=document_url(symbol, "en"),
               groups=doc_groups(symbol, ctx.pop("records")),
               outcome=outcome_to_dict(outcome) if outcome else None,
               meeting={**meeting_to_dict(meeting), "url": link("web.meeting", number=meeting.number)}
               if meeting and meeting.number else None,
               empty_message=None if total else "本汇辑所收章节未引用此文件")
    return ctx


SUGGESTION_KINDS = {"country": "国家", "org": "组织", "meeting": "会议", "document": "文件", "charter": "《宪章》",
                    "phrase": "词语"}


def suggestion_to_dict(suggestion, link):
    """A completion as the API gives it: its text, kind and the page it leads to."""
    kind, value = suggestion.kind, suggestion.value
    if kind in ("country", "org", "charter"):
        url = link("web.search", **{kind: value})
    elif kind == "meeting":
        url = link("web.meeting", number=int(value))
    elif kind == "document":
        url = link("web.document", symbol=value)
    else:
        url = link("web.search", q=value)
    return {"text": suggestion.text, "kind": kind, "kind_label": SUGGESTION_KINDS[kind], "value": value,
            "url": url}
