"""Tests for search/charter.py: Charter Articles and Chapters, rules of procedure, Repertoire cross-references."""
import doctest
from collections import Counter

import pytest

from search.reference import charter
from search.text import chinese_number
from search.reference.charter import (
    CharterRef,
    RepertoireRef,
    charter_label,
    find_charter_refs,
    find_repertoire_refs,
    parse_charter_query,
)
from search.reference.resolve import parse_chapter
from paths import SEED



def _values(text):
    return tuple(r.value for r in find_charter_refs(text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("在重申《宪章》第八章规定了区域组织的突出作用的同时", ("ch8",)),
        ("根据《联合国宪章》第八章采取行动的区域组织", ("ch8",)),
        ("他强调《宪章》所载第五十三条的相关性", ("art53",)),
        ("重申根据《宪章》第五十四条，区域组织有义务", ("art54",)),
        ("第五十四条", ("art54",)),
        ("有关《宪章》第六章和第七章的辩论", ("ch6", "ch7")),
        ("《宪章》第五十二条第 2 款", ("art52",)),
        ("第五十二条第二款和第五十三条", ("art52", "art53")),
        ("难以根据第八章维持和平行动", ("ch8",)),
        ("第 53 条", ("art53",)),
        ("第５３条", ("art53",)),
        ("第8章", ("ch8",)),
        ("第五十二至五十四条", ("art52", "art53", "art54")),
        ("第五十二、五十三和五十四条", ("art52", "art53", "art54")),
        ("第一百零三条", ("art103",)),
        ("第一百一十一条", ("art111",)),
        ("第十九章", ("ch19",)),
        ("《宪章》第七章……第八章……又是第七章", ("ch7", "ch8")),
        # Rules of procedure are a value of their own, never an Article.
        ("暂行议事规则第 37 条", ("rule37",)),
        ("安理会暂行议事规则第 37 条和第 39 条", ("rule37", "rule39")),
        ("根据议事规则第三十七条并根据《宪章》第三十一条", ("rule37", "art31")),
        # Not the Charter.
        ("《罗马规约》第十六条", ()),
        ("《维也纳公约》第 31 条和第 32 条", ()),
        ("《非洲联盟组织法》第七章", ()),
        ("《非洲联盟宪章》第八章和第九章", ()),
        ("《非洲联盟组织法》第四条和《宪章》第五十二条", ("art52",)),
        ("第 5007 次会议", ()),
        ("第 1631(2005)号决议第 3 段", ()),
        ("第二十章", ()),
        ("第一百一十二条", ()),
        ("第 0 条", ()),
        ("按照《宪章》，区域组织都必须", ()),
        ("", ()),
        (None, ()),
    ],
)
def test_find_charter_refs_reads_articles_chapters_and_rules(text, expected):
    assert _values(text) == expected


@pytest.mark.parametrize(
    ("text", "charter_values", "repertoire_labels"),
    [
        ("会议讨论详情，见关于《宪章》第八章的第十三章第三部分 A 节。", ("ch8",), ["本汇辑第十三章第三部分 A 节"]),
        ("会议讨论详情，见第十三章第三部分 A 节。", (), ["本汇辑第十三章第三部分 A 节"]),
        ("见第十三章", (), ["本汇辑第十三章"]),
        ("参看第十二章第一部分", (), ["本汇辑第十二章第一部分"]),
        ("本汇辑第十章 B 节", (), ["本汇辑第十章 B 节"]),
        ("关于《宪章》第七章的第十一章", ("ch7",), ["本汇辑第十一章"]),
        ("见第十二章和第十三章第三部分", (), ["本汇辑第十二章", "本汇辑第十三章第三部分"]),
        ("见《宪章》第八章", ("ch8",), []),
        ("第十三章", ("ch13",), []),  # bare and with no Repertoire marker: the Charter has a Chapter XIII
        ("第二十一章第二部分", (), ["本汇辑第二十一章第二部分"]),
    ],
)
def test_repertoire_cross_references_are_not_charter_chapters(text, charter_values, repertoire_labels):
    assert (_values(text), [r.label for r in find_repertoire_refs(text)]) == (charter_values, repertoire_labels)


def test_references_carry_their_span():
    text = "会议讨论详情，见关于《宪章》第八章的第十三章第三部分 A 节。"
    assert (find_charter_refs(text), find_repertoire_refs(text)) == (
        (CharterRef("ch8", 14, 17),),
        (RepertoireRef("本汇辑第十三章第三部分 A 节", 13, 3, "A", 18, 30),),
    )
    assert text[18:30] == "第十三章第三部分 A 节"


def test_a_value_is_given_once_at_its_first_mention():
    text = "《宪章》第八章……第五十三条……《宪章》第八章"
    assert find_charter_refs(text) == (CharterRef("ch8", 4, 7), CharterRef("art53", 9, 14))


def test_seed_charter_references_per_value():
    # Expected from the seed with line breaks and spaces taken out:
    #   tr -d '\n ' < seeds/000_433e06851ef59419.txt | grep -oE '.{0,6}第[一二三四五六七八九十百0-9]+[章条]'
    # gives 13 × 第八章 (one paragraph, p83, names it twice: 12 records), 第六章 and 第七章 once
    # (p17), 第五十三条 once (p14), 第五十四条 once (p47), and 第十三章 ×2, 第十二章 ×3 that follow
    # 见 or 关于《宪章》第八章的 and carry 第三部分 A 节: the Repertoire's own chapters.
    # grep -c 议事规则 finds none.
    seed = parse_chapter(SEED)
    counts = Counter(r.value for record in seed.records() for r in find_charter_refs(record.text))
    repertoire = [(record.id.split(".", 1)[1], r.label) for record in seed.records()
                  for r in find_repertoire_refs(record.text)]
    assert (dict(counts), repertoire) == (
        {"ch8": 12, "ch6": 1, "ch7": 1, "art53": 1, "art54": 1},
        [
            ("49.fn1", "本汇辑第十三章第三部分 A 节"),
            ("49.fn25", "本汇辑第十三章第三部分 A 节"),
            ("49.fn45", "本汇辑第十二章第三部分 A 节"),
            ("49.fn79", "本汇辑第十二章第三部分 A 节"),
            ("49.fn102", "本汇辑第十二章第三部分 A 节"),
        ],
    )


def test_seed_paragraphs_on_article_53_and_chapter_viii():
    seed = parse_chapter(SEED)
    by_value = {}
    for p in seed.paragraphs:
        for r in find_charter_refs(p.text):
            by_value.setdefault(r.value, []).append(p.id.split(".", 1)[1])
    assert (by_value["art53"], by_value["ch8"]) == (
        ["49.p14"],
        ["49.p13", "49.p54", "49.p78", "49.p79", "49.p80", "49.p83", "49.p89", "49.p100"],
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("art53", ("《宪章》第五十三条", "Article 53")),
        ("art1", ("《宪章》第一条", "Article 1")),
        ("art103", ("《宪章》第一百零三条", "Article 103")),
        ("art111", ("《宪章》第一百一十一条", "Article 111")),
        ("ch8", ("《宪章》第八章", "Chapter VIII")),
        ("ch14", ("《宪章》第十四章", "Chapter XIV")),
        ("ch19", ("《宪章》第十九章", "Chapter XIX")),
        ("rule37", ("暂行议事规则第 37 条", "Rule 37 of the provisional rules of procedure")),
        ("art112", None),
        ("ch20", None),
        ("ch0", None),
        ("rule62", None),
        ("Art53", None),
        ("", None),
        (None, None),
    ],
)
def test_charter_label(value, expected):
    assert charter_label(value) == expected


def test_labels_of_refs():
    ref = find_charter_refs("《宪章》所载第五十三条")[0]
    assert (ref.label, ref.label_en) == ("《宪章》第五十三条", "Article 53")


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("Article 53", "art53"),
        ("article 53", "art53"),
        ("art. 53", "art53"),
        ("Art 53", "art53"),
        ("Article 52(2)", "art52"),
        ("Article 52, paragraph 2", "art52"),
        ("Article 53 of the Charter", "art53"),
        ("第五十三条", "art53"),
        ("第53条", "art53"),
        ("第 53 条", "art53"),
        ("《宪章》第五十三条", "art53"),
        ("宪章第53条", "art53"),
        ("第五十二条第 2 款", "art52"),
        ("Chapter VIII", "ch8"),
        ("chapter viii", "ch8"),
        ("Chapter 8", "ch8"),
        ("ch. 8", "ch8"),
        ("Chapter VIII of the Charter", "ch8"),
        ("第八章", "ch8"),
        ("《联合国宪章》第八章", "ch8"),
        ("rule 37", "rule37"),
        ("Rule 37", "rule37"),
        ("Rule 37 of the provisional rules of procedure", "rule37"),
        ("暂行议事规则第37条", "rule37"),
        ("议事规则第 37 条", "rule37"),
        ("第37条规则", "rule37"),
        ("art53", "art53"),
        ("CH8", "ch8"),
        ("rule37", "rule37"),
        ("Article 112", None),
        ("Chapter XX", None),
        ("rule 62", None),
        ("Article VIII", None),  # Roman numerals number chapters only
        ("议事规则第八章", None),
        ("第 5007 次会议", None),
        ("Article", None),
        ("第八章 区域组织", None),
        ("", None),
        (None, None),
        ("x" * 10_000, None),
        ("\x00第八章", None),
    ],
)
def test_parse_charter_query(term, expected):
    assert parse_charter_query(term) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("53", 53), ("五十三", 53), ("十", 10), ("十三", 13), ("二十", 20), ("一百零三", 103),
     ("一百一十一", 111), ("两", 2), ("五三", None), ("十十", None), ("", None), ("三a", None)],
)
def test_chinese_number(text, expected):
    assert chinese_number(text) == expected


def test_long_and_hostile_text_does_not_raise():
    text = ("第" * 5000) + "<script>第八章</script>" + "\x00第五十三条" + "第十三章第三部分 A 节" * 100
    assert (_values(text), len(find_repertoire_refs(text))) == (("ch8", "art53"), 100)


def test_docstring_examples_hold():
    assert doctest.testmod(charter).failed == 0
