"""Query semantics on the real seed index: recall, exactness, ranking, facets, snippets, bad input."""
import html
import random
import re
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ENGINES, searcher_of_text
from search.text import normalize, squash
from search.reference.charter import find_charter_refs
from search.errors import QueryError
from search.query.params import SearchParams
from search.__main__ import _result_text
from search.query.snippets import make_snippet, match_spans
from search.config import MAX_QUERY
from search.query.syntax import parse_query
from search.reference.citations import is_citation_only


@pytest.fixture
def searcher(seed_engine):
    """The engine under test (the name is the suite's own: every test here runs on every engine)."""
    return seed_engine


@pytest.fixture(scope="module")
def units(seed_corpus):
    """Every record, in document order."""
    return sorted(seed_corpus.records(), key=lambda r: r.order)


def _scan(units, *strings):
    """Ids of units containing every string (the Ctrl-F reference: normalised, spaces ignored)."""
    keys = [squash(normalize(s)) for s in strings]
    return {u.id for u in units if all(k in squash(normalize(u.text)) for k in keys)}


def search(searcher, **params):
    return searcher.search(SearchParams.from_mapping(params))


def all_hits(searcher, **params):
    """Every hit of a search, page by page."""
    hits, page = [], 1
    while True:
        result = search(searcher, **params, page=page, per_page=100)
        hits += result.hits
        if len(hits) >= result.total or not result.hits:
            return hits
        page += 1


def ids(searcher, **params):
    return {h["id"] for h in all_hits(searcher, **params)}


# --- recall and exactness -----------------------------------------------------------------------


def _samples(units, seed, count=60):
    rng = random.Random(seed)
    out = []
    while len(out) < count:
        text = rng.choice(units).text
        n = rng.randint(1, 6)
        if len(text) < n:
            continue
        start = rng.randrange(len(text) - n + 1)
        s = text[start:start + n]
        # Operators would change the query: a leading "-" excludes, quotes quote, OR/AND/NOT combine.
        if not s.strip() or s.lstrip().startswith("-") or '"' in s or set(s.split()) & {"OR", "AND", "NOT"}:
            continue
        out.append(s)
    return out


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_plain_query_finds_every_unit_containing_the_substring(searcher, units, seed):
    for s in _samples(units, seed):
        expected = _scan(units, s)
        assert expected <= ids(searcher, q=s), s


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_quoted_query_finds_exactly_the_units_containing_it(searcher, units, seed):
    for s in _samples(units, seed):
        assert ids(searcher, q=f'"{s}"') == _scan(units, s), s


@pytest.mark.parametrize("q, reference", [
    ("安全理事会", "安全理事会"),   # a word
    ("理事", "理事"),               # a fragment of a word
    ('"区域组织在稳定进程中的合作"', "区域组织在稳定进程中的合作"),  # a phrase (unquoted, its words apart too)
    ("盟", "盟"),                   # a single character
    ("火星", "火星"),               # no match
    ("安全理事會", "安全理事会"),   # Traditional finds Simplified
    ("第5649次会议", "第 5649 次会议"),
    ("PV.5282", "PV.5282"),       # a fragment of a symbol is text (the whole symbol: test_readings.py)
    ("pv.5282", "PV.5282"),
    ("5007", "5007"),
    ("ＳＰＶ", "SPV"),
])
def test_hit_sets(searcher, units, q, reference):
    assert ids(searcher, q=q) == _scan(units, reference)


def test_meeting_number_with_spaces_is_found_and_marked(searcher, units):
    result = search(searcher, q="第5649次会议")
    assert {h["id"] for h in result.hits} == _scan(units, "第 5649 次会议")
    assert result.total == len(_scan(units, "第 5649 次会议"))
    assert all("<mark>第 5649 次会议</mark>" in h["snippet"] for h in result.hits)


@pytest.mark.parametrize("q, expected", [
    ('"区域组织" "合作"', lambda scan: scan("区域组织") & scan("合作")),
    ("安全理事会 -非洲联盟", lambda scan: scan("安全理事会") - scan("非洲联盟")),
    ("安全理事会 NOT 非洲联盟", lambda scan: scan("安全理事会") - scan("非洲联盟")),
    # Names find each of their spellings (test_readings.py): 北约 is also 北大西洋公约组织.
    ("北约 OR 东盟", lambda scan: scan("北约") | scan("北大西洋公约组织") | scan("东盟") | scan("东南亚国家联盟")),
    ('"北约" OR "东盟" 秘书长', lambda scan: (scan("北约") | scan("东盟")) & scan("秘书长")),
    ("-安全理事会", lambda scan: scan("") - scan("安全理事会")),
])
def test_boolean_syntax(searcher, units, q, expected):
    assert ids(searcher, q=q) == expected(lambda s: _scan(units, s))


def test_space_separated_words_all_match(searcher, units):
    found = ids(searcher, q="区域组织 合作")
    assert _scan(units, "区域组织", "合作") <= found
    for hit in all_hits(searcher, q="区域组织 合作"):
        text = squash(normalize(hit["text"]))
        assert ("区域" in text and "组织" in text) and "合作" in text


# --- ranking ------------------------------------------------------------------------------------


@pytest.mark.parametrize("q, exact", [
    ("区域组织合作", "区域组织合作"),
    ("非洲联盟和平", "非洲联盟和平"),
    ("安理会成员", "安理会成员"),
])
def test_units_with_the_exact_string_rank_first(searcher, units, q, exact):
    hits = all_hits(searcher, q=q)
    contains = [h["id"] in _scan(units, exact) for h in hits]
    assert contains == sorted(contains, reverse=True)
    assert True in contains and False in contains
    assert [h["exact"] for h in hits] == contains


def test_whole_string_ranks_above_its_terms_apart(searcher, units):
    hits = all_hits(searcher, q="区域组织 合作")
    whole = [h["id"] in _scan(units, "区域组织合作") for h in hits]
    assert whole == sorted(whole, reverse=True)


# Paragraphs of equal length with the word 1-4 times, and paragraphs with it once at three lengths,
# out of their BM25 order in the file (so document order cannot pass for ranking).
RANKING_CHAPTER = """ 1. 排序测试项目 

 维和。维和。讨论。讨论。讨论。讨论。 

 斡旋。讨论。讨论。讨论。讨论。讨论。讨论。讨论。讨论。讨论。 

 维和。维和。维和。维和。讨论。讨论。 

 斡旋。讨论。 

 维和。讨论。讨论。讨论。讨论。讨论。 

 斡旋。讨论。讨论。讨论。讨论。 

 维和。维和。维和。讨论。讨论。讨论。 
"""


@pytest.fixture(scope="module", params=ENGINES)
def ranking_searcher(request, tmp_path_factory):
    engine = searcher_of_text(tmp_path_factory.mktemp("ranking"), "rank.txt", RANKING_CHAPTER, request.param)
    yield engine
    engine.close()


@pytest.mark.parametrize("q, order", [
    ("维和", ["rank.1.p4", "rank.1.p8", "rank.1.p2", "rank.1.p6"]),  # more occurrences first (BM25's tf)
    ("斡旋", ["rank.1.p5", "rank.1.p7", "rank.1.p3"]),               # the same once: shorter first (its length norm)
])
def test_bm25_orders_hits_of_one_tier(ranking_searcher, q, order):
    hits = search(ranking_searcher, q=q).hits
    assert [h["exact"] for h in hits] == [True] * len(order)
    assert [h["id"] for h in hits] == order


# --- filters and facets -------------------------------------------------------------------------


def _facet_counts(hits, facet):
    if facet == "country":
        return Counter(c["code"] for h in hits for c in h["countries"])
    if facet == "org":
        return Counter(o["code"] for h in hits for o in h["orgs"])
    if facet == "meeting":
        return Counter(str(h["meeting"]) for h in hits if h["meeting"] is not None)
    if facet == "year":
        return Counter(h["date"][:4] for h in hits if h["date"])
    if facet == "charter":
        return Counter(v for h in hits for v in dict.fromkeys(r.value for r in find_charter_refs(h["text"])))
    return Counter(h["kind"] for h in hits)


@pytest.mark.parametrize("params", [
    {"q": "安全理事会"},
    {"q": "合作", "country": "FRA"},
    {"q": "", "meeting": "5282"},
    {"q": "区域 -非洲联盟", "kind": "paragraph"},
])
def test_facet_counts_equal_the_hits(searcher, params):
    result = search(searcher, **params)
    hits = all_hits(searcher, **params)
    assert len(hits) == result.total
    for facet, values in result.facets.items():
        if params.get(facet):
            continue  # disjunctive: checked below
        assert {v.value: v.count for v in values} == dict(_facet_counts(hits, facet)), facet


def test_values_of_one_facet_combine_with_or(searcher):
    both = ids(searcher, q="安全理事会", country=["FRA", "CHN"])
    assert both == ids(searcher, q="安全理事会", country="FRA") | ids(searcher, q="安全理事会", country="CHN")
    assert both != ids(searcher, q="安全理事会", country="FRA")


def test_facets_combine_with_and(searcher):
    found = ids(searcher, q="安全理事会", country="FRA", org="AU")
    assert found == ids(searcher, q="安全理事会", country="FRA") & ids(searcher, q="安全理事会", org="AU")
    assert found


def test_facet_counts_ignore_their_own_selection(searcher):
    plain = search(searcher, q="安全理事会")
    selected = search(searcher, q="安全理事会", country="FRA")
    assert [(v.value, v.count) for v in selected.facets["country"]] == [
        (v.value, v.count) for v in plain.facets["country"]]
    assert [v.value for v in selected.facets["country"] if v.selected] == ["FRA"]
    assert {v.value: v.count for v in selected.facets["org"]} == dict(
        _facet_counts(all_hits(searcher, q="安全理事会", country="FRA"), "org"))


def test_country_by_chinese_name(searcher):
    assert ids(searcher, q="合作", country="法国") == ids(searcher, q="合作", country="FRA")


def test_facet_value_shape(searcher, units):
    result = search(searcher, q="安全理事会", country="FRA").to_dict()
    fra = next(v for v in result["facets"]["country"] if v["value"] == "FRA")
    with_fra = {u.id for u in units if "FRA" in u.countries} & _scan(units, "安全理事会")
    assert fra == {"value": "FRA", "label": "法国", "label_en": "France", "count": len(with_fra), "selected": True}


def test_empty_query_with_filter_lists_units_in_document_order(searcher, units):
    hits = all_hits(searcher, meeting="5007")
    assert [h["id"] for h in hits] == [u.id for u in units if u.meeting == 5007]
    assert search(searcher, meeting="5007").sort == "document"


def test_date_range_and_sort_by_date(searcher, units):
    hits = all_hits(searcher, q="安全理事会", **{"from": "2005-01-01", "to": "2006-12-31"}, sort="date")
    assert {h["id"] for h in hits} == {u.id for u in units if u.date and "2005" <= u.date[:4] <= "2006"
                                       and u.id in _scan(units, "安全理事会")}
    dates = [h["date"] for h in hits]
    assert dates == sorted(dates)


# --- snippets -----------------------------------------------------------------------------------


@pytest.mark.parametrize("text, strings, snippet", [
    ("安理会开会。非洲联盟发言；<b>结束</b>", ["非洲联盟"], "…<mark>非洲联盟</mark>发言；…"),
    ("第 5649 次会议上", ["第5649次"], "<mark>第 5649 次</mark>会议上"),
    ("a<b 安全理事會", ["安全理事会"], "a&lt;b <mark>安全理事會</mark>"),
    ("没有匹配。", [], "没有匹配。"),
    ("甲。乙丙。丁", ["乙丙。丁"], "…<mark>乙丙。丁</mark>"),
])
def test_snippet(text, strings, snippet):
    assert make_snippet(text, match_spans(text, strings)) == snippet


def test_long_sentence_is_cut_around_the_match():
    text = "甲" * 300 + "安理会" + "乙" * 300 + "。"
    snippet = make_snippet(text, match_spans(text, ["安理会"]))
    assert "<mark>安理会</mark>" in snippet and len(snippet) < 200


def _unmarked(snippet, term):
    """Occurrences of `term` in the snippet's text that lie outside every <mark>."""
    plain, marked = "", []
    for i, part in enumerate(re.split(r"</?mark>", snippet)):
        part = html.unescape(part)
        plain += part
        marked += [i % 2 == 1] * len(part)  # the split alternates text outside and inside marks
    starts = [m.start() for m in re.finditer(re.escape(term), plain)]
    return [plain[max(0, i - 5):i + len(term) + 5] for i in starts if not all(marked[i:i + len(term)])]


@pytest.mark.parametrize("q, terms", [
    ("区域组织 合作", ["区域组织", "合作"]),
    ("安全理事会 非洲联盟", ["安全理事会", "非洲联盟"]),
])
def test_snippet_marks_every_occurrence_of_every_term(searcher, q, terms):
    hits = search(searcher, q=q, per_page=100).hits
    assert [h["id"] for h in hits if "<mark>" not in h["snippet"]] == []
    assert {t: [u for h in hits for u in _unmarked(h["snippet"], t)] for t in terms} == {t: [] for t in terms}


# --- bad input ----------------------------------------------------------------------------------


# `expected(scan, find)`: the hits, as the units containing a string (scan) or as a plain query's hits (find).
@pytest.mark.parametrize("q, notice, expected", [
    ('"维持和平', "引号不成对", lambda scan, find: find("维持和平")),
    ("OR", "OR", lambda scan, find: scan("")),
    ("安理会 OR", "OR", lambda scan, find: find("安理会")),
    ("AND 安理会", "AND", lambda scan, find: find("安理会")),
    ("NOT", "NOT", lambda scan, find: scan("")),
    ("-", "-", lambda scan, find: scan("")),
    ("*", "通配符", lambda scan, find: scan("*")),
    ("???", "通配符", lambda scan, find: scan("???")),
    ("安理会\x00\x07", "控制字符", lambda scan, find: find("安理会")),
    ("安" * 20000, "查询过长", lambda scan, find: find("安" * MAX_QUERY)),
    ("meeting:5007", "字段", lambda scan, find: scan("meeting:5007")),
])
def test_malformed_queries_give_notices_and_search_the_rest(searcher, units, q, notice, expected):
    result = search(searcher, q=q)
    assert [n for n in result.notices if notice in n] != [], result.notices
    assert ids(searcher, q=q) == expected(lambda s: _scan(units, s), lambda s: ids(searcher, q=s))


@pytest.mark.parametrize("q, expected", [
    ("😀", lambda scan, find: scan("😀")),
    ("安理会😀", lambda scan, find: find("安理会")),  # what jieba cannot segment is left out of the words
    ("()", lambda scan, find: scan("()")),
    ("((安理会", lambda scan, find: find("安理会")),
    ("\\", lambda scan, find: scan("\\")),
    ("%ZZ", lambda scan, find: scan("%ZZ")),
    ("<script>alert(1)</script>", lambda scan, find: scan("<script>alert(1)</script>")),
    ("   ", lambda scan, find: scan("")),
    ("\u3000", lambda scan, find: scan("")),
    ("－", lambda scan, find: scan("-")),  # the full-width minus is a character to find, not an exclusion
    ("“安理会”", lambda scan, find: find("安理会")),
    ("S/PV.", lambda scan, find: scan("S/PV.")),
    ("a" * 600, lambda scan, find: scan("a" * MAX_QUERY)),
])
def test_odd_queries_find_what_they_amount_to(searcher, units, q, expected):
    assert ids(searcher, q=q) == expected(lambda s: _scan(units, s), lambda s: ids(searcher, q=s))
    assert all("<script>" not in h["snippet"] for h in search(searcher, q=q).hits)


def test_long_query_is_cut_at_the_cap():
    parsed = parse_query("安" * (MAX_QUERY + 10))
    assert parsed.clauses[0][0].key == "安" * MAX_QUERY


def test_field_syntax_is_searched_as_text(searcher, units):
    assert ids(searcher, q="meeting:5007") == _scan(units, "meeting:5007") == set()


@pytest.mark.parametrize("params, param", [
    ({"page": "0"}, "page"),
    ({"page": "x"}, "page"),
    ({"page": "100000"}, "page"),
    ({"per_page": "101"}, "per_page"),
    ({"per_page": "0"}, "per_page"),
    ({"sort": "random"}, "sort"),
    ({"country": "XXX"}, "country"),
    ({"org": "NOPE"}, "org"),
    ({"meeting": "abc"}, "meeting"),
    ({"year": "99"}, "year"),
    ({"kind": "chapter"}, "kind"),
    ({"from": "2004-13-01"}, "from"),
    ({"to": "yesterday"}, "to"),
])
def test_bad_parameters_raise_query_error_naming_them(params, param):
    with pytest.raises(QueryError) as exc:
        SearchParams.from_mapping(params)
    assert exc.value.param == param
    assert str(exc.value).startswith(param + "：")


def test_params_accept_lists_and_defaults():
    assert SearchParams.from_mapping({"q": ["安理会"], "country": ["FRA", "法国", "CHN"], "meeting": "5007"}) == \
        SearchParams(q="安理会", country=("FRA", "CHN"), meeting=("5007",))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=st.text(max_size=80), page=st.integers(1, 3))
def test_any_text_searches_without_error(searcher, units, q, page):
    params = SearchParams(q=q, page=page)
    result = searcher.search(params)
    # Every unit has one kind, so without a kind filter the kind counts add up to the total.
    assert sum(v.count for v in result.facets["kind"]) == result.total <= len(units)
    # A page past the last shows the last one (issue 19, bug 5).
    shown = min(page, max(1, -(-result.total // params.per_page)))
    assert result.params.page == shown
    assert len(result.hits) == max(0, min(params.per_page, result.total - (shown - 1) * params.per_page))
    assert set(result.to_dict()) >= {"total", "page", "per_page", "took_ms", "query", "segmented", "hits",
                                     "facets", "notices", "sort"}


# --- result shape and records -------------------------------------------------------------------


def test_result_dict(searcher, units):
    d = search(searcher, q="PV.5282", per_page=2).to_dict()
    assert (d["total"], d["page"], d["per_page"], d["query"], d["segmented"], d["notices"], d["sort"]) == \
        (len(_scan(units, "PV.5282")), 1, 2, "PV.5282", ["pv", "5282"], [], "relevance")
    assert list(d["facets"]) == ["country", "org", "meeting", "year", "kind", "charter"]
    hit = d["hits"][0]
    assert {"id", "kind", "text", "snippet", "item", "section", "section_title", "meeting", "date",
            "countries", "orgs", "citations", "cited_by"} <= set(hit)
    assert all(c["url"].startswith("https://undocs.org/zh/") for c in hit["citations"] if c["symbol"])


def test_paragraph_hits_carry_their_footnotes(searcher):
    hit = search(searcher, q="讨论重点主要集中在改进联合国", per_page=1).hits[0]
    assert [fn["number"] for fn in hit["footnotes"]] == [2]
    assert hit["footnotes"][0]["citations"][0]["symbol"] == "S/2004/546"


def test_get_record_links_the_neighbours_of_its_own_class(searcher, units):
    paragraphs = [u for u in units if u.kind != "footnote"]
    notes = [u for u in units if u.kind == "footnote"]
    for same in (paragraphs, notes):
        record = searcher.record(same[1].id)
        assert (record["id"], record["prev"]["id"], record["next"]["id"]) == (same[1].id, same[0].id, same[2].id)
        assert searcher.record(same[0].id)["prev"] is None
        assert searcher.record(same[-1].id)["next"] is None
    assert searcher.record("../../etc/passwd") is None


def test_records_of_a_meeting_and_of_a_document_in_document_order(searcher, units):
    total, records = searcher.records_of("meeting", "5041", 1, 1000)
    assert (total, [r["id"] for r in records]) == (len([u for u in units if u.meeting == 5041]),
                                                   [u.id for u in units if u.meeting == 5041])
    assert searcher.records_of("meeting", "1") == (0, [])
    citing = [u.id for u in units if "S/2004/546" in {c.symbol for c in getattr(u, "citations", ())}
              or any(n == 2 and u.item == 49 for n in getattr(u, "footnotes", ()))]
    assert [r["id"] for r in searcher.records_of("symbol", "S/2004/546", 1, 100)[1]] == citing
    assert searcher.records_of("symbol", "S/NOPE") == (0, [])


def test_records_of_pages_in_document_order(searcher, units):
    expected = [u.id for u in units if u.meeting == 5282 and u.kind != "footnote"]
    pages = [searcher.records_of("meeting", "5282", page, 7, kinds=("heading", "paragraph", "decision"))
             for page in (1, 2, 3)]
    assert [total for total, _ in pages] == [len(expected)] * 3
    assert [r["id"] for _, records in pages for r in records] == expected[:21]


def test_format_result_text(searcher):
    text = _result_text(search(searcher, q="第5649次会议"))
    assert text.startswith("2 条结果")
    assert "【第 5649 次会议】" in text


@pytest.mark.parametrize("params", [
    SearchParams(q="区域组织"), SearchParams(q="和", country=("FRA",)), SearchParams(q=""), SearchParams(q="-安全"),
    SearchParams(q="France"), SearchParams(q="火星"), SearchParams(q="", meeting=("5282",), kind=("decision",)),
    SearchParams(q="合作", date_from="2006-01-01"),
])
def test_count_is_the_total_of_the_search(searcher, params):
    assert searcher.count(params) == searcher.search(params).total


# --- footnotes that only cite rank below the units that say something ----------------------------

P = "000_433e06851ef59419.49.p"


@pytest.mark.parametrize("q, first", [
    # The heading and the paragraph naming the meeting, before the 18 notes "S/PV.5007，第 8 页。".
    ("5007", [P + "4", P + "6"]),
    # The statement's heading, its clauses and the decision recalling it, before the notes citing it.
    ("S/PRST/2007/7", sorted(P + n for n in ("75", "87", "88", "89", "90", "91", "92", "113"))),
    # A note that says something (who represented whom) is not demoted; "同上，第 9 页(法国)；…" is.
    ("France", sorted(["000_433e06851ef59419.50.fn2", P + "11", P + "13", P + "83"])),
])
def test_notes_that_only_cite_rank_below_the_units_that_say_something(searcher, q, first):
    hits = search(searcher, q=q, per_page=20).hits
    cite_only = [h["kind"] == "footnote" and is_citation_only(h["text"]) for h in hits]
    assert cite_only == [False] * len(first) + [True] * (len(hits) - len(first))
    assert sorted(h["id"] for h in hits[:len(first)]) == sorted(first)
