"""The Council's own words: English terms to the Repertoire's Chinese, Chinese short forms to full forms,
former bodies, and the CC-CEDICT fallback looked up in place."""
import pytest

from search.reference.glossary import (Dictionary, drop_name, english_key, expand_chinese, translate_english,
                                       write_dictionary)


@pytest.mark.parametrize("typed, key", [
    ("Peacekeeping", "peacekeeping"),
    ("peace-keeping operations", "peace keeping operation"),
    ("Organisations", "organization"),
    ("Secretary-General's", "secretary general"),
    ("capacity‐building", "capacity building"),
])
def test_english_keys_fold_case_hyphens_spelling_and_plurals(typed, key):
    assert english_key(typed) == key


def _senses(found):
    return [(s.text, s.terms, s.source, s.predecessors) for s in found[0]], list(found[1])


@pytest.mark.parametrize("typed, senses, untranslated", [
    ("peacekeeping", [("peacekeeping", ("维持和平", "维和"), "glossary", ())], []),
    ("Small Arms", [("Small Arms", ("小武器",), "glossary", ())], []),
    ("funding for African Union peacekeeping", [
        ("funding", ("资金", "筹资", "经费", "财政"), "glossary", ()),
        ("African Union", ("非洲联盟", "非盟"), "name", ("非洲统一组织", "非统组织")),
        ("peacekeeping", ("维持和平", "维和"), "glossary", ())], []),
    ("peacebuilding xyzzy", [("peacebuilding", ("建设和平",), "glossary", ())], ["xyzzy"]),
])
def test_an_english_phrase_is_read_longest_span_first(typed, senses, untranslated):
    assert _senses(translate_english(typed)) == (senses, untranslated)


@pytest.mark.parametrize("typed", ["France Angola", "xyzzy qwerty", "the of", "维和", "S/PV.5007", ""])
def test_names_alone_or_unknown_words_are_no_concept(typed):
    assert translate_english(typed) is None


@pytest.mark.parametrize("typed, senses", [
    ("安理会", [("安理会", ("安理会", "安全理事会"), "short", ())]),
    ("维和经费", [("维和", ("维和", "维持和平"), "short", ()),
                 ("经费", ("经费", "资金", "预算", "财政", "摊款", "筹资"), "related", ())]),
    ("非盟维和", [("非盟", ("非盟", "非洲联盟"), "short", ("非洲统一组织", "非统组织")),
                 ("维和", ("维和", "维持和平"), "short", ())]),
    ("安理会与区域组织合作", [("安理会", ("安理会", "安全理事会"), "short", ()),
                            ("区域组织", ("区域组织",), "typed", ()),
                            ("合作", ("合作", "协作", "伙伴关系"), "related", ())]),
])
def test_a_chinese_term_is_read_as_its_short_forms_and_words(typed, senses):
    assert [(s.text, s.terms, s.source, s.predecessors) for s in expand_chinese(typed)] == senses


@pytest.mark.parametrize("typed", ["合作", "经费", "区域组织", "火星", "and"])
def test_a_word_typed_alone_is_not_widened_to_its_near_words(typed):
    assert expand_chinese(typed) is None


@pytest.mark.parametrize("value, name", [("非统组织", "非统组织"), ("非洲统一组织", "非统组织"), ("欧安会", "欧安会"),
                                         ("非洲联盟", None), ("", None)])
def test_drop_names_a_former_body_by_its_shortest_name(value, name):
    assert drop_name(value) == name


def test_the_dictionary_is_searched_in_place_and_offers_what_the_corpus_holds(tmp_path):
    path = tmp_path / "dict.tsv"
    path.write_text("ceasefire\t停火|停战\nearly warning\t预警\npeace\t和平|太平\n", encoding="utf-8")
    held = Dictionary(path, has=lambda term: term != "太平")
    assert [held.lookup(k) for k in ("ceasefire", "early warning", "peace", "early", "zzz", "a")] == [
        ("停火", "停战"), ("预警",), ("和平",), (), (), ()]


def test_the_cc_cedict_table_is_read_from_the_installed_package(tmp_path):
    assert write_dictionary(tmp_path / "cedict.tsv") > 50000
    lines = (tmp_path / "cedict.tsv").read_text(encoding="utf-8").splitlines()
    assert lines == sorted(lines)
    assert Dictionary(tmp_path / "cedict.tsv").lookup("ceasefire") == ("停火",)
