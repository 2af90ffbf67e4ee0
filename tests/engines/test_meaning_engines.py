"""Both engines answer the meaning search alike through the seam: the same hits in the same ranking
groups with the same labels, the same units after the words, the same similar practice; and
`Engine.outside` keeps exactly the records the filters and exclusions let through that the text
does not match."""
import pytest

from search.query.params import SearchParams
from search.query.syntax import parse_query
from search.text import normalize, squash

QUERIES = [
    {"q": "peacekeeping"}, {"q": "small arms"}, {"q": "Peacebuilding Commission"}, {"q": "early warning"},
    {"q": "funding for African Union peacekeeping"}, {"q": "subsidiarity"}, {"q": "conflict prevention"},
    {"q": "维和经费"}, {"q": "安理会"}, {"q": "安理会 成员"}, {"q": "非盟维和"}, {"q": "非盟", "drop": "非统组织"},
    {"q": "维和部队快速部署"}, {"q": "早期预警机制"}, {"q": "伙伴关系制度化"}, {"q": "反恐合作"},
    {"q": "peacekeeping", "kind": "decision"}, {"q": "维和 -区域"}, {"q": "xyzzy qwerty"}, {"q": "火星"},
]
P = "000_433e06851ef59419.49.p"


def _fused(searcher, params):
    result = searcher.search(SearchParams.from_mapping({**params, "per_page": 100}))
    groups = []
    for hit in result.hits:  # ranking groups: the order inside a group is each engine's BM25
        key = hit["exact"]
        if not groups or groups[-1][0] != key:
            groups.append((key, set()))
        groups[-1][1].add((hit["id"], hit["match"]))
    return result.total, groups, [(h["id"], h["match"], h.get("cosine")) for h in result.related]


@pytest.mark.parametrize("params", QUERIES, ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items()))
def test_both_engines_give_the_same_fused_results(engines, params):
    answers = {name: _fused(engine, params) for name, engine in engines.items()}
    assert answers["whoosh"] == answers["tantivy"]


@pytest.mark.parametrize("record", [P + "42", P + "44", P + "91", "000_433e06851ef59419.49.fn8"])
def test_both_engines_give_the_same_similar_practice(engines, record):
    assert engines["whoosh"].similar(record) == engines["tantivy"].similar(record)


@pytest.mark.parametrize("q, params", [
    ("区域组织", SearchParams()),
    ("维和", SearchParams(kind=("decision",))),
    ("peacekeeping -合作", SearchParams(year=("2007",))),
    ("", SearchParams(country=("FRA",))),
])
def test_outside_keeps_what_the_filters_let_through_and_the_text_does_not_match(engines, seed_corpus, q, params):
    records = sorted(seed_corpus.records(), key=lambda r: r.order)
    wanted = [r.id for r in records][::-1][:80] + ["nope"]  # any order, an unknown id
    parsed = parse_query(q)
    found = {name: [r["id"] for r in engine.engine.outside(parsed, params, wanted)] for name, engine in engines.items()}
    matched = {h["id"] for h in engines["whoosh"].search(SearchParams(q=q, per_page=100)).hits} if parsed.clauses else set()
    by_id = {r.id: r for r in records}

    def passes(r):
        text = squash(normalize(r.text))
        return ((not params.kind or r.kind in params.kind) and (not params.year or (r.date or "")[:4] in params.year)
                and (not params.country or set(params.country) & set(r.countries))
                and not any(t.key in text for t in parsed.excluded))

    expected = [i for i in wanted if i in by_id and i not in matched and passes(by_id[i])]
    assert found["whoosh"] == found["tantivy"] == expected
