"""Find practice by meaning (issue 20), on every engine: English concepts and Chinese short forms read
as their Chinese terms, how each hit matched, meaning-only units after the words, similar practice.
Expected sets come from substring scans of the parsed text, never from the engine."""
from dataclasses import replace

import pytest

from conftest import ENGINES, searcher_of_text
from search.errors import QueryError
from search.index.encoder import embed_query
from search.query.meaning import FLOOR, FLOOR_FOUND, meaning_text
from search.query.params import SearchParams
from search.query.syntax import parse_query

P = "000_433e06851ef59419.49.p"
H = "hand.1.p"

# Units a reader can tell apart by how they match 维和经费 / peacekeeping / 非盟.
HAND_CHAPTER = """ 1. 意义检索测试项目 

 安理会讨论了维和经费问题。 

 会议讨论了维和行动和部队的经费。 

 维持和平的资金需要可预测。 

 非统组织曾在非洲开展调解。 

 非洲联盟在非洲开展调解。 

 各区域组织同意加强彼此之间的伙伴关系和信息交流。 

 各区域组织同意加强彼此之间的伙伴关系和信息交流。 

 各区域组织同意加强彼此之间的伙伴关系和信息交流。 
"""


@pytest.fixture(scope="module", params=ENGINES)
def hand(request, tmp_path_factory):
    searcher = searcher_of_text(tmp_path_factory.mktemp("meaning"), "hand.txt", HAND_CHAPTER, request.param)
    yield searcher
    searcher.close()


def search(searcher, q, **params):
    return searcher.search(SearchParams.from_mapping({"q": q, "per_page": 100, **params}))


def ids(result):
    return {h["id"] for h in result.hits}


# --- English concepts ---------------------------------------------------------------------------


@pytest.mark.parametrize("q, chinese, notice", [
    ("peacekeeping", ("维持和平", "维和"), "peacekeeping → 维持和平、维和"),
    ("Peacekeeping", ("维持和平", "维和"), "Peacekeeping → 维持和平、维和"),
    ("small arms", ("小武器",), "small arms → 小武器"),
    ("early warning", ("预警", "早期预警"), "early warning → 预警、早期预警"),
    ("Peacebuilding Commission", ("建设和平委员会",), "Peacebuilding Commission → 建设和平委员会"),
])
def test_an_english_concept_finds_its_chinese_terms_and_says_so(seed_engine, scan, q, chinese, notice):
    result = search(seed_engine, q)
    assert ids(result) == set().union(*(scan(c) for c in chinese)) != set()
    assert result.to_dict()["expansions"] == [{"text": notice, "facet": None, "value": None}]
    assert {h["match"] for h in result.hits} == {"translated"}


def test_a_phrase_with_a_name_finds_every_concept_of_it(seed_engine, scan):
    funding = set().union(*(scan(t) for t in ("资金", "筹资", "经费", "财政")))
    au = set().union(*(scan(t) for t in ("非洲联盟", "非盟")))
    peacekeeping = scan("维持和平") | scan("维和")
    assert ids(search(seed_engine, "funding for African Union peacekeeping")) == funding & au & peacekeeping != set()


def test_words_neither_source_knows_are_said_and_left_to_the_meaning_search(seed_engine):
    result = search(seed_engine, "xyzzy qwerty")
    assert (result.total, result.to_dict()["expansions"], result.related) == (0, [], ())


# --- Chinese short forms and paraphrases --------------------------------------------------------


def test_a_paraphrase_finds_the_units_of_its_short_form_and_near_words(seed_engine, scan):
    peacekeeping = scan("维和") | scan("维持和平")
    funds = set().union(*(scan(w) for w in ("经费", "资金", "预算", "财政", "摊款", "筹资")))
    result = search(seed_engine, "维和经费")
    assert ids(result) == peacekeeping & funds
    assert len(ids(result)) >= 5
    assert result.to_dict()["expansions"][0]["text"] == "维和 → 维持和平；经费 ≈ 资金、预算、财政、摊款、筹资"


@pytest.mark.parametrize("q, expanded", [
    ("安理会", ("安全理事会",)),
    ("维和", ("维持和平",)),
])
def test_a_short_form_finds_its_full_form_after_its_own_units(seed_engine, scan, q, expanded):
    hits = search(seed_engine, q).hits
    own = scan(q)
    assert {h["id"] for h in hits[:len(own)]} == own
    assert {h["id"] for h in hits[len(own):]} == set().union(*(scan(e) for e in expanded)) - own
    assert [h["match"] for h in hits] == ["exact"] * len(own) + ["expanded"] * (len(hits) - len(own))


@pytest.mark.parametrize("q", ["安理会", "维和", "安理会成员", "安理会 成员", "区域组织合作", "非盟维和", "反恐合作",
                               "地区组织", "维和经费"])
def test_what_the_typed_terms_find_comes_first_in_its_order_of_before(seed_engine, q):
    """The hits of the query without its translations and expansions (today's search), in their
    order, then only what the expansions add."""
    parsed = parse_query(q)
    typed = replace(parsed, clauses=tuple(tuple(t for t in c if not t.senses) for c in parsed.clauses))
    # per_page 99: an engine may cache answers by their parameters, and this parse is not the app's
    before = [r["id"] for r, _ in seed_engine.engine.match(typed, SearchParams(q=q, per_page=99), "relevance").hits]
    now = [h["id"] for h in search(seed_engine, q).hits][:99]
    assert parsed.has_senses and now[:len(before)] == before


def test_each_hit_says_how_it_matched(hand):
    result = search(hand, "维和经费")
    assert [(h["id"], h["match"]) for h in result.hits] == [
        (H + "2", "exact"), (H + "3", "words"), (H + "4", "expanded")]
    assert sorted((h["id"], h["match"]) for h in search(hand, "peacekeeping").hits) == [
        (H + "2", "translated"), (H + "3", "translated"), (H + "4", "translated")]


def test_a_predecessor_is_searched_said_and_can_be_dropped(hand):
    result = search(hand, "非盟")
    assert ids(result) == {H + "5", H + "6"}
    assert result.to_dict()["predecessors"] == [
        {"names": ["非洲统一组织", "非统组织"], "drop": "非统组织", "dropped": False}]
    dropped = search(hand, "非盟", drop="非洲统一组织")
    assert ids(dropped) == {H + "6"}
    assert dropped.to_dict()["predecessors"] == [
        {"names": ["非洲统一组织", "非统组织"], "drop": "非统组织", "dropped": True}]


@pytest.mark.parametrize("value", ["非洲联盟", "xyz", "非"])
def test_drop_names_a_former_body_or_is_refused(value):
    with pytest.raises(QueryError) as err:
        SearchParams.from_mapping({"q": "非盟", "drop": value})
    assert err.value.args[0].startswith("drop：")


# --- meaning-only units, after the words ---------------------------------------------------------


@pytest.mark.parametrize("q", ["xyzzy qwerty", "香蕉手机壳", "猫咪", "电脑蓝屏怎么办", "football world cup results",
                               "chocolate cake recipe", "量子计算机芯片", "火星"])
def test_a_nonsense_query_gets_no_meaning_hit(seed_engine, q):
    assert [h["id"] for h in search(seed_engine, q).related if h["match"] == "meaning"] == []


def test_meaning_hits_follow_the_words_last_page_above_the_floor(seed_engine, scan):
    result = search(seed_engine, "peacekeeping")
    related = [h for h in result.related if h["match"] == "meaning"]
    words = scan("维持和平") | scan("维和")
    assert related and all(h["id"] not in words for h in related)
    cosines = [h["cosine"] for h in related]
    assert cosines == sorted(cosines, reverse=True) and min(cosines) >= FLOOR_FOUND
    assert search(seed_engine, "peacekeeping", per_page=5).related == ()  # page 1 of 6: not the last


def test_a_query_whose_words_are_found_gets_meaning_hits_down_to_the_lower_floor(seed_engine, scan):
    result = search(seed_engine, "memorandum of understanding")
    assert ids(result) == scan("谅解备忘录") and result.total == 1
    cosines = [h["cosine"] for h in result.related if h["match"] == "meaning"]
    assert len(cosines) == 10 and FLOOR_FOUND <= min(cosines) < FLOOR


def test_a_query_whose_words_are_not_found_keeps_the_nonsense_floor(hand):
    q = "维和行动的资金来源与分摊"  # no unit of the hand chapter holds all its words, nor all but one
    rows, cosines = hand.vectors.nearest(embed_query(meaning_text(q, parse_query(q, (), hand.dictionary))), 20)
    close = {hand.vectors.record_id(r): c for r, c in zip(rows.tolist(), cosines.tolist())}
    assert any(FLOOR_FOUND <= c < FLOOR for c in close.values())  # what the lower floor would add
    result = search(hand, q)
    assert result.total == 0
    assert [(h["id"], h["match"]) for h in result.related] == [(i, "meaning") for i, c in close.items() if c >= FLOOR]


def test_meaning_hits_pass_the_filters_and_exclusions(seed_engine):
    unfiltered = search(seed_engine, "peacekeeping").related
    year = next(h["date"][:4] for h in unfiltered if h["date"])
    related = search(seed_engine, "peacekeeping", year=year).related
    assert related and all((h["date"] or "")[:4] == year for h in related)
    excluded = search(seed_engine, "peacekeeping -区域").related
    assert excluded and all("区域" not in h["text"] for h in excluded)


def test_no_meaning_search_for_quoted_strings_documents_or_numbers(seed_engine):
    for q in ('"维和经费"', "S/PRST/2004/27", "5007", "Article 53"):
        assert search(seed_engine, q).related == (), q


def test_units_holding_all_concepts_but_one_follow_an_empty_answer(seed_engine, scan):
    result = search(seed_engine, "维和部队快速部署")
    partial = [h["id"] for h in result.related if h["match"] == "partial"]
    quick, deploy = scan("快速"), scan("部署")
    peacekeepers = scan("维和部队") | scan("维持和平部队")
    expected = (peacekeepers & quick) | (peacekeepers & deploy) | (quick & deploy)
    assert result.total == 0 and partial and set(partial) <= expected


# --- similar practice ---------------------------------------------------------------------------


def test_similar_practice_puts_the_restated_clause_of_a_later_decision_first(seed_engine):
    first = seed_engine.similar(P + "42")[0]
    assert (first["id"], first["restated"], first["label"], first["meeting"]) == (P + "110", True, "措辞相近", 5776)


def test_similar_practice_shows_the_same_wording_as_such(seed_engine, seed_corpus):
    texts = {r.id: r.text for r in seed_corpus.records()}
    first = seed_engine.similar(P + "44")[0]
    assert texts[P + "44"] == texts[P + "111"]
    assert (first["id"], first["label"], first["score"]) == (P + "111", "措辞相同", 1.0)


def test_the_same_wording_at_several_places_is_one_entry(hand):
    first = hand.similar(H + "7")[0]
    assert (first["id"], first["label"], [s["id"] for s in first["same_wording"]]) == (H + "8", "措辞相同", [H + "9"])


def test_similar_practice_says_what_the_records_share(seed_engine):
    entries = {e["id"]: e for e in seed_engine.similar(P + "44")}
    assert entries[P + "45"]["shares"] == {"documents": ["S/RES/1631(2005)"]}
    assert len(entries) <= 10


@pytest.mark.parametrize("record", ["nope", P + "4", "000_433e06851ef59419.49.fn8"])
def test_a_unit_without_a_vector_has_no_similar_practice(seed_engine, record):
    assert seed_engine.similar(record) == []
