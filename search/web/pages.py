"""The results page's context: the query layer's dict plus the links and labels the page prints.

One context dict serves an HTML page and its JSON twin. Nothing here imports Flask: links to
other pages come from a `link(endpoint, **values)` callable (``url_for`` in the app). The home,
contents and reading pages are in browse.py, the meeting and document pages in sources.py.
"""
from ..config import PAGE_SIZE
from ..query.facets import facet_label
from ..query.matching import MATCH_LABELS
from ..query.params import FACET_TITLES, FACETS, RANGE, canonical_filter
from ..query.suggest import KINDS as SUGGESTION_KIND_LABELS
from ..reference.meeting_text import meeting_label
from ..reference.meetings import meeting_named
from ..reference.glossary import DICTIONARY_NOTICE, drop_name
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
        name: [{**item, "toggle_url": toggles.url(name, item["value"], item.get("selected")),
                # A meeting's label is "第 5007 次会议 · 2004年7月20日": the page keeps each part on one line.
                "label_parts": item["label"].split(" · ")}
               for item in facets.get(name, ())]
        for name in FACETS  # every facet, even empty: the API promises all five keys
    }
    ctx["facet_titles"] = FACET_TITLES
    ctx["expansions"] = [
        {**e, "url": urls.path_with_query(path, [(k, v) for k, v in urls.without_page(pairs) if k != "q"]
                                          + [(e["facet"], e["value"])]) if e.get("facet") else None}
        for e in result.get("expansions") or ()]
    ctx["dictionary_credit"] = DICTIONARY_NOTICE if any("（词典）" in e["text"] for e in ctx["expansions"]) else None
    ctx["query_terms"] = query_terms(result.get("terms") or ())
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


def query_terms(terms):
    """What the reader typed, as the page says it back: one entry per term typed ({"text", "exact",
    "exclude", "or"}), without the other spellings a name or symbol was also searched as (the
    expansions say those) and without the words the terms were cut into (behind "分词")."""
    return [{k: t[k] for k in ("text", "exact", "exclude", "or")} for t in terms if not t.get("added")]


def expansion_counts(expansions, total, count_filtered):
    """Say beside each "only the filter" link how many hits the filter alone gives, and why that is
    not the search's own count (a country's filter also has the records citing its statements)."""
    for e in expansions:
        if not e.get("facet"):
            continue
        e["count"] = n = count_filtered(e["facet"], e["value"])
        label = facet_label(e["facet"], e["value"])[0]
        if n > total and e["facet"] in ("country", "org"):
            e["note"] = (f"筛选共 {n} 条，比文字检索多 {n - total} 条：筛选还包括正文未写出{label}、"
                         f"但脚注引用了其发言的记录。")
        elif n != total:
            e["note"] = f"筛选共 {n} 条，文字检索 {total} 条：筛选只看记录所标注的{FACET_TITLES[e['facet']]}。"
        else:
            e["note"] = None
    return expansions


def alternatives_context(alternatives, chips, path, pairs):
    """The empty state's offers (search.query.searcher.Alternative), each with its count and link:
    "sound" (您是不是要找), "part" (相近的检索), "unfiltered" (去掉筛选条件)."""
    pairs = urls.without_page(urls.pairs_of(pairs))
    out = []
    for alt in alternatives:
        item = {"kind": alt.kind, "text": alt.text, "count": alt.total, "q": alt.q if alt.q is not None else ""}
        if alt.add:
            item["url"] = urls.path_with_query(path, [(k, v) for k, v in pairs if k != "q"] + [alt.add])
        elif alt.drop:
            chip = next((c for c in chips if (c["name"], canonical_filter(c["name"], c["value"])) == alt.drop), None)
            if chip is None:
                continue
            item.update(text=chip["label"], title=chip["title"], url=chip["remove_url"])
        else:
            item["url"] = urls.path_with_added_args(path, pairs, {"q": alt.q})
        out.append(item)
    return out


def suggestion_to_dict(suggestion, count, link):
    """A completion as the API gives it: its text, kind, the page it leads to and how many records that page has."""
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
            "url": url, "count": count}
