"""Tests for search/symbols.py: a query naming a UN document, and the symbols of decision clauses."""
import doctest

import pytest

from search.reference import symbols
from search.reference.citations import parse_citations
from search.reference.resolve import parse_chapter
from search.reference.symbols import SymbolQuery, decision_symbol, parse_symbol_query, record_symbols
from paths import SEED


RES_1631 = SymbolQuery("sc_resolution", "S/RES/1631(2005)", None, ("第 1631(2005)号决议", "S/RES/1631(2005)"))
RES_1631_ANY_YEAR = SymbolQuery("sc_resolution", None, "S/RES/1631(", ("第 1631(", "S/RES/1631("))
GA_60_1 = SymbolQuery("ga_resolution", "A/RES/60/1", None, ("大会第 60/1 号决议", "A/RES/60/1"))
PV_5007_R1 = SymbolQuery("pv", "S/PV.5007(Resumption 1)", None, ("S/PV.5007(Resumption 1)",), meeting=5007)


@pytest.fixture(scope="module")
def seed():
    return parse_chapter(SEED)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("S/RES/1631(2005)", RES_1631),
        ("S/RES/1631 (2005)", RES_1631),
        ("s/res/1631(2005)", RES_1631),
        ("S/RES/1631（2005）", RES_1631),
        (" S / RES / 1631 ( 2005 ) ", RES_1631),
        ("1631(2005)号决议", RES_1631),
        ("第1631(2005)号决议", RES_1631),
        ("第 1631(2005)号决议", RES_1631),
        ("第 1631 (2005) 号决议", RES_1631),
        ("第１６３１（２００５）号决议", RES_1631),
        ("安理会第1631(2005)号决议", RES_1631),
        ("安全理事会第 1631(2005)号决议", RES_1631),
        ("Resolution 1631 (2005)", RES_1631),
        ("resolution 1631(2005)", RES_1631),
        ("Security Council resolution 1631 (2005)", RES_1631),
        ("第1631号决议", RES_1631_ANY_YEAR),
        ("1631号决议", RES_1631_ANY_YEAR),
        ("resolution 1631", RES_1631_ANY_YEAR),
        ("res. 1631", RES_1631_ANY_YEAR),
        ("S/RES/1631", RES_1631_ANY_YEAR),
        ("A/RES/60/1", GA_60_1),
        ("a/res/60/1", GA_60_1),
        ("大会第 60/1 号决议", GA_60_1),
        ("大会第60/1号决议", GA_60_1),
        ("第60/1号决议", GA_60_1),
        ("resolution 60/1", GA_60_1),
        ("General Assembly resolution 60/1", GA_60_1),
        ("S/PRST/2004/27", SymbolQuery("prst", "S/PRST/2004/27", None, ("S/PRST/2004/27",))),
        ("s/prst/2004/27", SymbolQuery("prst", "S/PRST/2004/27", None, ("S/PRST/2004/27",))),
        ("S/PV.5007 (Resumption 1)", PV_5007_R1),
        ("S/PV.5007(Resumption 1)", PV_5007_R1),
        ("S/PV.5007（Resumption1）", PV_5007_R1),
        ("s/pv.5007 (resumption 1)", PV_5007_R1),
        ("S/PV.5007", SymbolQuery("pv", "S/PV.5007", None, ("S/PV.5007",), meeting=5007)),
        ("S/PV.5282 (Part 2)", SymbolQuery("pv", "S/PV.5282(Part 2)", None, ("S/PV.5282(Part 2)",), meeting=5282)),
        ("S/2004/546", SymbolQuery("document", "S/2004/546", None, ("S/2004/546",))),
        ("s/2006/590/add.1", SymbolQuery("document", "S/2006/590/Add.1", None, ("S/2006/590/Add.1",))),
    ],
)
def test_parse_symbol_query_reads_every_spelling_of_a_document(text, expected):
    assert parse_symbol_query(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "1631", "决议", "号决议", "第号决议", "resolution", "S/RES/", "S/PV.", "S/PRST/2004",
        "第 5007 次会议", "区域组织 S/RES/1631(2005)", "S/RES/1631(2005) 区域组织",
        "France", "", "   ", None, 1631, "S" * 10_000, "S/RES/1631(2005)\x00", "<b>S/PV.5007</b>",
    ],
)
def test_parse_symbol_query_is_none_for_anything_else(text):
    assert parse_symbol_query(text) is None


def test_every_symbol_the_seed_cites_parses_back_to_itself(seed):
    # The footnotes' citations hold symbols as the index stores them; a reader typing one finds it.
    cited = {c.symbol for fn in seed.footnotes for c in fn.citations if c.symbol}
    assert (len(cited), {s for s in cited if getattr(parse_symbol_query(s), "symbol", None) != s}) == (24, set())


def test_every_symbol_in_the_seed_text_parses_back_to_itself(seed):
    # S/PV.5776106 is the extraction's glued footnote number: no meeting has seven digits.
    named = {c.symbol for r in seed.records() for c in parse_citations(r.text) if c.symbol} - {"S/PV.5776106"}
    assert {s for s in named if getattr(parse_symbol_query(s), "symbol", None) != s} == set()


def test_the_chinese_text_form_of_a_resolution_is_how_the_seed_prints_it(seed):
    text = "".join(r.text for r in seed.records())
    assert [t in text for t in (RES_1631.texts[0], GA_60_1.texts[0], "第 1631(")] == [True, True, True]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("S/RES/1631(2005)", (True, True)),
        ("S/RES/1631(2006)", (False, True)),
        ("S/RES/16310(2005)", (False, False)),
        ("S/RES/163(2005)", (False, False)),
    ],
)
def test_a_year_less_resolution_matches_by_prefix(value, expected):
    assert (RES_1631.matches(value), RES_1631_ANY_YEAR.matches(value)) == expected


def test_label_names_the_document():
    assert [RES_1631.label, RES_1631_ANY_YEAR.label, PV_5007_R1.label] == [
        "S/RES/1631(2005)", "S/RES/1631", "S/PV.5007(Resumption 1)",
    ]


@pytest.mark.parametrize(
    ("decision", "expected"),
    [
        ("第 1631(2005)号决议", "S/RES/1631(2005)"),
        ("第1631(2005)号决议", "S/RES/1631(2005)"),
        ("大会第 60/1 号决议", "A/RES/60/1"),
        ("主席声明", None),  # the PRST number is not in the text; the meetings table has it
        ("第 1631 号决议", None),  # no year, no one symbol
        ("", None),
        (None, None),
    ],
)
def test_decision_symbol_maps_a_decision_heading_to_its_symbol(decision, expected):
    assert decision_symbol(decision) == expected


def test_seed_clauses_of_resolution_1631_carry_its_symbol(seed):
    ids = [p.id.split(".", 1)[1] for p in seed.paragraphs if "S/RES/1631(2005)" in record_symbols(p)]
    # The heading 第 1631(2005)号决议 and its eleven clauses; not the debate before it (p29-p38).
    assert ids == ["49.p28", *(f"49.p{n}" for n in range(39, 50))]


def test_record_symbols_puts_cited_symbols_first_without_repeats(seed):
    clause = next(p for p in seed.paragraphs if p.id.endswith(".49.p47"))
    debate = next(p for p in seed.paragraphs if p.id.endswith(".49.p38"))
    assert [
        record_symbols(clause, ("S/PV.5282", "S/RES/1631(2005)", "S/PV.5282")),
        record_symbols(clause),
        record_symbols(debate, ("S/PV.5282",)),
    ] == [("S/PV.5282", "S/RES/1631(2005)"), ("S/RES/1631(2005)",), ("S/PV.5282",)]


def test_presidential_statement_clauses_add_no_symbol(seed):
    statement = [p for p in seed.paragraphs if p.decision == "主席声明"]
    assert (len(statement) > 0, {record_symbols(p) for p in statement}) == (True, {()})


def test_docstring_examples_hold():
    assert doctest.testmod(symbols).failed == 0


# Every term of issue 13, and the readers the lead asks in turn; a term has at most one reading.
ISSUE_13_TERMS = [
    ("France", "name", "FRA"),
    ("Angola", "name", "AGO"),
    ("African Union", "name", "AU"),
    ("AU", "name", "AU"),
    ("NATO", "name", "NATO"),
    ("欧盟", "name", "EU"),
    ("S/RES/1631(2005)", "symbol", "S/RES/1631(2005)"),
    ("resolution 1631", "symbol", "S/RES/1631("),
    ("A/RES/60/1", "symbol", "A/RES/60/1"),
    ("第 1631(2005)号决议", "symbol", "S/RES/1631(2005)"),
    ("大会第 60/1 号决议", "symbol", "A/RES/60/1"),
    ("Article 53", "charter", "art53"),
    ("Chapter VIII", "charter", "ch8"),
    ("第八章", "charter", "ch8"),
    ("第五十三条", "charter", "art53"),
    ("rule 37", "charter", "rule37"),
    ("区域组织", None, None),
    ("第 5007 次会议", None, None),
]


@pytest.mark.parametrize(("term", "reader", "value"), ISSUE_13_TERMS)
def test_issue_13_terms_each_have_one_reading(term, reader, value):
    from search.reference.charter import parse_charter_query
    from search.reference.gazetteer import expand_name

    name, symbol, ref = expand_name(term), parse_symbol_query(term), parse_charter_query(term)
    readings = {
        "name": name and name.code,
        "symbol": symbol and (symbol.symbol or symbol.prefix),
        "charter": ref,
    }
    assert {k: v for k, v in readings.items() if v} == ({reader: value} if reader else {})
