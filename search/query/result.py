"""SearchParams -> SearchResult, on any engine: the engine matches, this module says the rest.

`run_search(engine, params)` parses the query (syntax.py), asks the engine for the total, the
page of records and the facet counts (`Engine.match`), and adds what is the same for every
engine: facet labels, snippets with <mark>, the terms as understood, notices.
"""
import time
from dataclasses import dataclass, field, replace

from ..text import normalize
from .facets import facet_values
from .matching import how_matched
from .meaning import RELATED, by_meaning, related_units
from .params import MAX_RESULT_DEPTH, SearchParams
from .snippets import highlight_strings, make_snippet, match_spans
from .syntax import parse_query, relaxed

RELAX_BELOW = 10  # the words' hits under which units missing one concept are offered (partial)
PARTIAL = 50      # of those, the best by their words looked at (then ordered by meaning)


@dataclass(frozen=True)
class SearchResult:
    params: SearchParams
    total: int
    took_ms: float
    segmented: tuple[str, ...]
    terms: tuple[dict, ...]
    hits: tuple[dict, ...]
    facets: dict = field(default_factory=dict)
    notices: tuple[str, ...] = ()
    sort: str = "relevance"  # the order used: "document" when there is nothing to rank by
    readings: tuple = ()     # what terms were also read as: names, documents, Charter articles
    # Units close in meaning that the words do not find (search.query.meaning), on the words' last page.
    related: tuple[dict, ...] = ()

    def to_dict(self):
        """The JSON of GET /api/search (plus `terms`, `filters` and `pages` for the HTML page)."""
        p = self.params
        return {
            "total": self.total,
            "page": p.page,
            "per_page": p.per_page,
            "took_ms": round(self.took_ms, 1),
            "query": p.q,
            "segmented": list(self.segmented),
            "terms": [dict(t) for t in self.terms],
            "hits": [dict(h) for h in self.hits],
            "facets": {f: [v.to_dict() for v in values] for f, values in self.facets.items()},
            "notices": list(self.notices),
            "expansions": [{"text": r.notice, "facet": r.filter[0] if r.filter else None,
                            "value": r.filter[1] if r.filter else None} for r in self.readings],
            "predecessors": _predecessors(self.readings),
            "related": [dict(h) for h in self.related],
            "sort": self.sort,
            "filters": {**{f: list(v) for f, v in p.filters().items()},
                        **({"from": p.date_from} if p.date_from else {}),
                        **({"to": p.date_to} if p.date_to else {})},
            "pages": p.last_page(self.total),
        }


def _predecessors(readings):
    """The former bodies a search includes or left out: [{"names", "drop", "dropped"}]."""
    out = []
    for r in readings:
        for names, dropped in ((r.predecessors, False), (r.dropped, True)):
            if names:
                out.append({"names": list(names), "drop": min(names, key=len), "dropped": dropped})
    return out


def _describe(parsed):
    out = []
    for clause in parsed.clauses:
        for alt, term in enumerate(t for t in clause if not t.senses):
            out.append({"text": term.text, "words": list(term.words), "exact": term.exact,
                        "exclude": False, "or": alt > 0, "added": term.added})
    for term in parsed.excluded:
        out.append({"text": term.text, "words": list(term.words), "exact": True, "exclude": True, "or": False,
                    "added": term.added})
    return tuple(out)


def _hit(record, exact, parsed):
    d = dict(record)
    text = d["text"]
    norm = normalize(text)
    strings = highlight_strings(parsed, text, norm) if parsed.clauses else []
    d["snippet"] = make_snippet(text, match_spans(text, strings, norm))
    d["exact"] = bool(exact) if parsed.clauses else None
    d["match"] = how_matched(d, parsed)
    return d


def _related(record, parsed, cosine=None):
    d = _hit(record, False, parsed) if cosine is None else dict(record, snippet=make_snippet(record["text"], []))
    d["exact"] = False
    d["match"] = "partial" if cosine is None else "meaning"
    if cosine is not None:
        d["cosine"] = round(cosine, 3)
    return d


def _supplement(engine, vectors, parsed, params, total):
    """What the words' last page adds: when they find fewer than RELAX_BELOW units, the units holding
    all concepts of a translated or expanded term but one (partial); then the units close in meaning
    (search.query.meaning: a lower floor when the words or the partial tier find units). At most
    RELATED in all."""
    out = []
    loose = relaxed(parsed) if total < RELAX_BELOW else None
    if loose is not None:
        found = engine.match(loose, replace(params, page=1, per_page=PARTIAL), "relevance").hits
        partial = engine.outside(parsed, params, [r["id"] for r, _ in found])
        out = [_related(r, parsed) for r in by_meaning(vectors, partial, params.q, parsed)]
    seen = {d["id"] for d in out}
    for item in related_units(engine, vectors, parsed, params, params.q, found=bool(total or out)):
        if item.record["id"] not in seen:
            out.append(_related(item.record, parsed, item.cosine))
    return tuple(out[:RELATED])


def result_sort(parsed, params):
    """The order a result is given in: relevance needs something to rank by, else document order."""
    return params.sort if parsed.clauses or params.sort != "relevance" else "document"


def run_search(engine, params, vectors=None, dictionary=None):
    """Search `engine` (a search.engines.Engine): the page of hits, the total, facets and notices.

    :param vectors: the generation's search.index.vectors.Vectors: on the last page of the words'
                    hits (sorted by relevance), the units close in meaning that they do not find.
    :param dictionary: the generation's CC-CEDICT table (search.reference.glossary.Dictionary).
    """
    started = time.perf_counter()
    parsed = parse_query(params.q, params.drop, dictionary)
    sort = result_sort(parsed, params)
    matches = engine.match(parsed, params, sort)
    notices = (*parsed.notices, *params.notices)
    last = params.last_page(matches.total)
    if params.page > last:
        # Past the last page (an old link, a typed number): the last page, saying so.
        notices += (f"第 {params.page} 页超出了结果的范围（共 {last} 页），这里显示的是第 {last} 页。",)
        params = replace(params, page=last)
        matches = engine.match(parsed, params, sort)
    hits = tuple(_hit(record, exact, parsed) for record, exact in matches.hits)
    segmented = tuple(w for t in parsed.positive for w in t.words)
    related = ()
    if sort == "relevance" and params.page == params.last_page(matches.total) and matches.total <= MAX_RESULT_DEPTH:
        related = _supplement(engine, vectors, parsed, params, matches.total)
    return SearchResult(params, matches.total, (time.perf_counter() - started) * 1000, segmented,
                        _describe(parsed), hits, facet_values(matches.counts, params), notices, sort,
                        parsed.readings, related)
