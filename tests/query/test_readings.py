"""Asking the way the Council's readers ask, on every engine: names in any language, document symbols
in any spelling, the Charter. Expected hit sets come from the parsed seed (a substring scan, the
records' citations, decisions and meetings), never from the engine."""
from collections import Counter

import pytest

from search.reference.charter import find_charter_refs
from search.query.params import SearchParams


def _ids(engine, q, **filters):
    result = engine.search(SearchParams(q=q, per_page=100, **filters))
    assert result.total <= 100
    return {h["id"] for h in result.hits}


@pytest.fixture(scope="module")
def cited(seed_corpus):
    """`cited(symbol)`: ids of footnotes citing the document and of paragraphs citing it through them."""
    notes = {(f.chapter, f.item, f.number): f for f in seed_corpus.footnotes}

    def ids(symbol):
        out = {f.id for f in seed_corpus.footnotes if any(c.symbol == symbol for c in f.citations)}
        out |= {p.id for p in seed_corpus.paragraphs
                if any(c.symbol == symbol for n in p.footnotes for c in notes[(p.chapter, p.item, n)].citations)}
        return out

    return ids


def _decision(seed_corpus, meeting):
    """The heading and clauses of the decision taken at `meeting`."""
    return {p.id for p in seed_corpus.paragraphs
            if p.meeting == meeting and p.decision and (p.kind == "decision" or p.text == p.decision)}


@pytest.mark.parametrize("typed, chinese", [
    ("France", ("法国", "法兰西共和国")),
    ("Angola", ("安哥拉", "安哥拉共和国")),
    ("NATO", ("北大西洋公约组织", "北约")),
    ("欧盟", ("欧洲联盟", "欧盟")),
    ("African Union", ("非洲联盟", "非盟", "非洲统一组织", "非统组织")),
    ("AU", ("非洲联盟", "非盟", "非洲统一组织", "非统组织")),
])
def test_a_name_in_any_language_finds_every_chinese_spelling(seed_engine, scan, typed, chinese):
    expected = set().union(*(scan(name) for name in chinese))
    assert expected and _ids(seed_engine, typed) == expected


def test_the_hits_for_france_are_the_hits_for_its_chinese_name(seed_engine):
    france = seed_engine.search(SearchParams(q="France", per_page=100))
    chinese = seed_engine.search(SearchParams(q="法国", per_page=100))
    assert [h["id"] for h in france.hits] == [h["id"] for h in chinese.hits]
    assert france.to_dict()["expansions"] == [{"text": "France → 法国", "facet": "country", "value": "FRA"}]


def test_a_chinese_name_is_also_searched_exactly_as_typed(seed_engine, scan):
    assert _ids(seed_engine, "非盟") == scan("非洲联盟") | scan("非盟") | scan("非洲统一组织") | scan("非统组织")
    assert _ids(seed_engine, '"非盟"') == scan("非盟")


@pytest.mark.parametrize("typed", ["S/RES/1631(2005)", "S/RES/1631 (2005)", "1631(2005)号决议", "第1631号决议",
                                   "resolution 1631", "Resolution 1631 (2005)"])
def test_a_resolution_in_every_spelling_finds_its_text_and_what_cites_it(seed_engine, seed_corpus, scan, cited,
                                                                           typed):
    expected = _decision(seed_corpus, 5282) | cited("S/RES/1631(2005)") | scan("第 1631(2005)号决议")
    assert len(_decision(seed_corpus, 5282)) == 12
    assert _ids(seed_engine, typed) == expected


@pytest.mark.parametrize("typed, chinese, symbol", [
    ("A/RES/60/1", "大会第 60/1 号决议", "A/RES/60/1"),
    ("大会第 60/1 号决议", "大会第 60/1 号决议", "A/RES/60/1"),
])
def test_a_general_assembly_resolution_by_symbol_or_by_name(seed_engine, scan, cited, typed, chinese, symbol):
    assert _ids(seed_engine, typed) == scan(chinese) | cited(symbol) == scan("大会第60/1号决议") | cited(symbol)


def test_a_presidential_statement_finds_its_clauses_and_what_cites_it(seed_engine, seed_corpus, cited):
    assert _ids(seed_engine, "S/PRST/2004/27") == _decision(seed_corpus, 5007) | cited("S/PRST/2004/27")


def test_a_resumption_in_either_spelling(seed_engine, cited):
    expected = cited("S/PV.5007(Resumption 1)")
    assert expected
    assert _ids(seed_engine, "S/PV.5007 (Resumption 1)") == _ids(seed_engine, "S/PV.5007(Resumption 1)") == expected


def test_the_charter_facet_counts_the_references_of_every_unit(seed_engine, seed_corpus):
    expected = Counter(v for r in seed_corpus.records() for v in dict.fromkeys(x.value for x in find_charter_refs(r.text)))
    facet = seed_engine.search(SearchParams()).facets["charter"]
    assert {v.value: v.count for v in facet} == dict(expected) == {"ch8": 12, "art53": 1, "art54": 1, "ch6": 1,
                                                                   "ch7": 1}
    assert [(v.value, v.label, v.label_en) for v in facet[:2]] == [
        ("ch8", "《宪章》第八章", "Chapter VIII"), ("art53", "《宪章》第五十三条", "Article 53")]


@pytest.mark.parametrize("typed, value", [("Article 53", "art53"), ("第五十三条", "art53"), ("Chapter VIII", "ch8"),
                                          ("第八章", "ch8")])
def test_the_charter_by_article_or_chapter(seed_engine, seed_corpus, scan, typed, value):
    refs = {r.id for r in seed_corpus.records() if value in {x.value for x in find_charter_refs(r.text)}}
    assert _ids(seed_engine, typed) == refs | scan("第五十三条" if value == "art53" else "第八章")
    assert _ids(seed_engine, "", charter=(value,)) == refs


def test_plain_text_search_stays_exact_and_complete(seed_engine, scan):
    assert _ids(seed_engine, "区域组织") >= scan("区域组织")
    assert _ids(seed_engine, '"区域组织"') == scan("区域组织")
