"""Page contexts: the query layer's dicts plus the links and labels the pages print.

One context dict serves an HTML page and its JSON twin. Nothing here imports Flask: links to
other pages come from a `link(endpoint, **values)` callable (``url_for`` in the app).
"""
import re

from ..config import PAGE_SIZE
from ..query.facets import facet_label
from ..query.matching import MATCH_LABELS
from ..query.params import FACET_TITLES, FACETS, RANGE, canonical_filter
from ..query.suggest import KINDS as SUGGESTION_KIND_LABELS
from ..reference.citations import document_url
from ..reference.glossary import DICTIONARY_NOTICE, drop_name
from ..reference.meeting_text import meeting_label, meeting_to_dict, outcome_to_dict
from ..reference.meetings import get_table, meeting_named
from ..reference.symbols import document_named
from . import urls
from .records import decorate_record


def filter_label(name, value, facets):
    """A chip's label: the facet's own label when the value is in the result, else the label of its code."""
    canonical = canonical_filter(name, value)
    for item in facets.get(name, ()):
        if str(item.get("value")) == canonical:
            return item["label"]
    return facet_label(name, canonical)[0]


def direct_links(q, link, count_of):
    """Links to a document's or a meeting's page when the query names one that the corpus has, in any
    spelling the search reads (S/RES/1631(2005), resolution 1631, 第1631(2005)号决议, S/PV.5007, 5007)."""
    out = []
    named = document_named(q or "")
    if named is not None and named.symbol and count_of("symbol", named.symbol):
        out.append({"label": f"文件 {named.symbol}", "url": link("web.document", symbol=named.symbol)})
    number = meeting_named(q or "")
    if number is not None and count_of("meeting", str(number)):
        out.append({"label": meeting_label(number), "url": link("web.meeting", number=number)})
    return out


def search_context(result, path, pairs, link, export_paths):
    """Everything the results page shows: the result dict plus facet, chip, sort and page links."""
    pairs = _applied(urls.pairs_of(pairs), result.get("filters") or {})
    facets = result.get("facets") or {}
    ctx = dict(result)
    ctx["hits"] = [_decorate_hit(h, link) for h in result.get("hits", ())]
    ctx["related"] = [_decorate_hit(h, link) for h in result.get("related", ())]
    ctx["predecessors"] = [
        {**p, "url": urls.path_with_removed_args(path, urls.without_page(pairs), [("drop", p["drop"])], _canonical_drop)
         if p["dropped"]
         else urls.path_with_query(path, urls.without_page(pairs) + [("drop", p["drop"])])}
        for p in result.get("predecessors") or ()]
    toggles = urls.FacetToggles(path, pairs, canonical_filter)
    ctx["facets"] = {
        name: [{**item, "toggle_url": toggles.url(name, item["value"], item.get("selected"))}
               for item in facets.get(name, ())]
        for name in FACETS  # every facet, even empty: the API promises all five keys
    }
    ctx["facet_titles"] = FACET_TITLES
    ctx["expansions"] = [
        {**e, "url": urls.path_with_query(path, urls.without_page(pairs) + [(e["facet"], e["value"])])
         if e.get("facet") else None}
        for e in result.get("expansions") or ()]
    ctx["dictionary_credit"] = DICTIONARY_NOTICE if any("（词典）" in e["text"] for e in ctx["expansions"]) else None
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
    ctx["pagination"] = urls.pagination(path, pairs, result.get("page", 1), result.get("per_page") or PAGE_SIZE,
                                        result.get("total", 0))
    ctx["form_hidden"] = urls.hidden_inputs(pairs, exclude=("q",))
    ctx["range_hidden"] = urls.hidden_inputs(pairs, exclude=RANGE)
    ctx["date_from"] = dict(pairs).get("from", "")
    ctx["date_to"] = dict(pairs).get("to", "")
    ctx["exports"] = {fmt: urls.path_with_query(p, urls.without_page(pairs)) for fmt, p in export_paths.items()}
    ctx["suggestions"] = _suggestions(ctx, path, pairs, result) if not result.get("total") else []
    return ctx


def _canonical_drop(name, value):
    return (drop_name(value) or value) if name == "drop" else value


def _decorate_hit(hit, link):
    """A hit as the page shows it: how it matched, and the way to its similar practice."""
    r = decorate_record(hit, link)
    r["match_label"] = MATCH_LABELS.get(r.get("match"))
    r["similar_url"] = r["url"] + "#similar"
    return r


def similar_context(entries, link):
    """Similar practice as the record page and its JSON show it: each entry and each record of the
    same wording with its permalink and meeting link."""
    out = []
    for e in entries:
        same = [{**s, "url": link("web.record", id=s["id"]),
                 "meeting_url": link("web.meeting", number=s["meeting"]) if s.get("meeting") else None}
                for s in e["same_wording"]]
        out.append({**e, "url": link("web.record", id=e["id"]), "same_wording": same,
                    "meeting_url": link("web.meeting", number=e["meeting"]) if e.get("meeting") else None})
    return out


def _applied(pairs, filters):
    """The pairs minus the filter values the search did not apply (over the cap: SearchParams), so that
    chips and links carry what was searched."""
    out = []
    for k, v in pairs:
        if k in FACETS and str(v).strip() and canonical_filter(k, v) not in filters.get(k, ()):
            continue
        out.append((k, v))
    return out


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
    return {"text": suggestion.text, "kind": kind, "kind_label": SUGGESTION_KIND_LABELS[kind], "value": value,
            "url": url}
