"""Tests for search/suggest.py: prefix completion over names, meetings, documents, Charter values, phrases."""
import doctest
import re

import pytest
from pypinyin import Style, lazy_pinyin

from search.reference import gazetteer
from search.query import suggest
from search.index import stats
from search.index.stats import chapter_phrases
from search.reference.resolve import parse_chapter
from search.query.suggest import (
    SuggestIndex,
    Suggestion,
    charter_suggestions,
    document_suggestions,
    entity_suggestions,
    meeting_suggestions,
    pinyin_syllables,
    suggestions_from_stats,
)
from paths import SEED


FRANCE = Suggestion("法国", "country", "FRA", 0, ("法兰西共和国", "France", "French Republic", "FRA"))
# Records of the seed per meeting and per cited document (as the build counts them).
MEETINGS = {5007: 45, 5041: 8, 5282: 43, 5529: 56, 5649: 42, 5776: 27}
DOCUMENTS = {"S/PRST/2004/27": 2, "S/PRST/2006/39": 2, "S/PRST/2007/7": 4, "S/PRST/2007/42": 2,
             "S/PV.5007": 26, "S/PV.5007(Resumption 1)": 18, "S/RES/1631(2005)": 12, "S/2004/546": 2}


@pytest.fixture(scope="module")
def seed():
    return parse_chapter(SEED)


@pytest.fixture(scope="module")
def names_index():
    """The gazetteer alone, plus the seed's meetings and some of its documents."""
    return SuggestIndex(entity_suggestions() + meeting_suggestions(MEETINGS) + document_suggestions(DOCUMENTS))


@pytest.fixture(scope="module")
def seed_stats():
    """The seed's build-time statistics, as `python -m search build` stores them with the index."""
    from search.index.build import ChapterJob, load_chapter
    from search.index.stats import corpus_stats

    return corpus_stats([load_chapter(ChapterJob(SEED.stem, str(SEED), "", 0)).summary])


@pytest.fixture(scope="module")
def seed_index(seed_stats):
    return SuggestIndex(suggestions_from_stats(seed_stats))


def _texts(results):
    return [s.text for s in results]


def test_pinyin_initials_give_france(names_index):
    assert names_index.complete("fg") == [FRANCE]


def test_full_pinyin_gives_france(names_index):
    assert names_index.complete("faguo") == [FRANCE]


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        ("法", ["法国"]),
        ("fa", ["教廷", "法国"]),  # 教廷 is also 梵蒂冈, fandigang; equal weight and length: code point order
        ("France", ["法国"]),
        ("france", ["法国"]),
        ("FRA", ["法国"]),
        ("Ang", ["安哥拉"]),
        ("agl", ["安哥拉"]),
        ("african u", ["非洲联盟"]),
        ("feimeng", ["非洲联盟"]),
        ("AU", ["非洲联盟", "奥地利", "澳大利亚"]),  # the exact key first, then AUT, AUS
        ("北约", ["北大西洋公约组织"]),
        ("NATO", ["北大西洋公约组织"]),
        ("ou meng", ["欧洲联盟"]),
        ("歐盟", ["欧洲联盟"]),  # Traditional characters
        ("ＮＡＴＯ", ["北大西洋公约组织"]),  # full-width
        ("50", ["第 5007 次会议", "第 5041 次会议"]),
        ("5", ["第 5529 次会议", "第 5007 次会议", "第 5282 次会议", "第 5649 次会议", "第 5776 次会议",
               "第 5041 次会议"]),
        ("500", ["第 5007 次会议"]),
        ("S/PV.5007", ["第 5007 次会议", "S/PV.5007", "S/PV.5007(Resumption 1)"]),  # two exact keys, by weight
        ("s/pv.5007(", ["第 5007 次会议", "S/PV.5007", "S/PV.5007(Resumption 1)"]),
        ("S/PRST/2004", ["S/PRST/2004/27"]),
        ("S/PRST/200", ["S/PRST/2007/7", "S/PRST/2004/27", "S/PRST/2006/39", "S/PRST/2007/42"]),
        ("S/RES/16", ["S/RES/1631(2005)"]),
        ("第 1631", ["S/RES/1631(2005)"]),
        ("Atlantis", []),
        ("zzzz", []),
    ],
)
def test_complete_matches_any_key_of_an_entry(names_index, prefix, expected):
    assert _texts(names_index.complete(prefix)) == expected


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        ("Article 53", [("《宪章》第五十三条", "art53")]),
        ("art53", [("《宪章》第五十三条", "art53")]),
        ("Chapter VIII", [("《宪章》第八章", "ch8")]),
        ("ch8", [("《宪章》第八章", "ch8")]),
        ("第八章", [("《宪章》第八章", "ch8")]),
        ("dbz", [("《宪章》第八章", "ch8")]),
        # Chapter V is an exact key; then by weight; 七 (U+4E03) sorts before 六 (U+516D).
        ("Chapter V", [("《宪章》第五章", "ch5"), ("《宪章》第八章", "ch8"), ("《宪章》第七章", "ch7"),
                       ("《宪章》第六章", "ch6")]),
    ],
)
def test_complete_finds_charter_values(prefix, expected):
    index = SuggestIndex(charter_suggestions({"ch8": 12, "ch6": 1, "ch7": 1, "art53": 1, "art54": 1}))
    assert [(s.text, s.value) for s in index.complete(prefix, limit=4)] == expected


def test_ranking_is_exact_key_then_weight_then_shorter_text():
    index = SuggestIndex([
        Suggestion("区域组织", "phrase", "区域组织", 99),
        Suggestion("区域", "phrase", "区域", 76),
        Suggestion("区域合作", "phrase", "区域合作", 3),
        Suggestion("区域安排", "phrase", "区域安排", 3),
        Suggestion("区域一级", "phrase", "区域一级", 4),
        Suggestion("区域组织合作伙伴", "phrase", "区域组织合作伙伴", 3),
    ])
    assert [_texts(index.complete("区域")), _texts(index.complete("qy", limit=3))] == [
        ["区域", "区域组织", "区域一级", "区域合作", "区域安排", "区域组织合作伙伴"],
        ["区域", "区域组织", "区域一级"],
    ]


def test_seed_index_completes_phrases_and_names_together(seed_index):
    assert [
        [(s.text, s.kind, s.weight) for s in seed_index.complete("fg")],
        [(s.text, s.kind) for s in seed_index.complete("区域", limit=4)],
        [(s.text, s.kind, s.weight) for s in seed_index.complete("ou", limit=4)],
    ] == [
        [("法国", "country", 28)],
        [("区域", "phrase"), ("区域组织", "phrase")],  # the only two of the seed's 100 most frequent
        # 欧安组织 is OSCE's short name: suggested as the organisation, not again as a phrase.
        [("欧洲", "phrase", 29), ("欧洲联盟", "org", 25), ("欧洲安全与合作组织", "org", 9), ("欧洲委员会", "org", 7)],
    ]


def test_a_phrase_that_is_a_name_is_suggested_once_as_the_name(seed_index):
    assert {(s.text, s.kind) for s in seed_index.entries if s.text in ("法国", "非洲联盟", "欧安组织", "第八章")} == {
        ("法国", "country"), ("非洲联盟", "org"),
    }


def _statement_clauses(seed, meeting):
    """The heading and clauses of a meeting's 主席声明: they carry the statement's symbol too."""
    return sum(1 for r in seed.paragraphs if r.meeting == meeting and r.decision == "主席声明"
               and (r.kind == "decision" or r.text == r.decision))


def test_seed_suggestions_by_kind(seed, seed_stats):
    entries = suggestions_from_stats(seed_stats)
    kinds = {}
    for s in entries:
        kinds[s.kind] = kinds.get(s.kind, 0) + 1
    meetings = {int(s.value): s.weight for s in entries if s.kind == "meeting"}
    documents = {s.value: s.weight for s in entries if s.kind == "document"}
    # A presidential statement: the footnotes and paragraphs citing it, and its own text.
    cited = {"S/PRST/2004/27": (2, 5007), "S/PRST/2006/39": (2, 5529), "S/PRST/2007/7": (4, 5649),
             "S/PRST/2007/42": (2, 5776)}
    expected = {**DOCUMENTS, **{k: n + _statement_clauses(seed, m) for k, (n, m) in cited.items()}}
    # Only what leads somewhere: the countries, organisations and Charter articles the seed names, and
    # each meeting weighted by the paragraphs its page lists.
    named = {kind: {v for r in seed.records() for v in getattr(r, attr)} for kind, attr in
             (("country", "countries"), ("org", "orgs"))}
    from search.reference.charter import find_charter_refs
    articles = {ref.value for r in seed.records() for ref in find_charter_refs(r.text)}
    paragraphs = {n: sum(1 for r in seed.paragraphs if r.meeting == n) for n in MEETINGS}
    assert ({k: {s.value for s in entries if s.kind == k} for k in ("country", "org", "charter")}, kinds, meetings,
            {k: documents[k] for k in DOCUMENTS}) == (
        {**named, "charter": articles},
        # 26 documents: the 25 the footnotes cite, and S/PRST/2004/33, which no footnote cites but
        # the UN meetings table gives as the 主席声明 of meeting 5041.
        {"country": 62, "org": 13, "meeting": 6, "document": 26, "charter": 5, "phrase": 100},
        paragraphs,
        expected,
    )


def _every_dictionary_word(texts):
    """The reference for chapter_phrases: every position, every length, no shortcut."""
    from collections import Counter

    from search.words import get_jieba

    freq, counts = get_jieba().FREQ, Counter()
    for text in texts:
        for clause in re.split(r"[^\u4e00-\u9fff]+", text or ""):
            for i in range(len(clause)):
                for n in range(2, 7):
                    word = clause[i:i + n]
                    if len(word) == n and freq.get(word) and word not in stats._STOPWORDS:
                        counts[word] += 1
    return counts


def test_chapter_phrases_counts_every_dictionary_word_of_the_seed(seed):
    texts = [r.text for r in seed.records()]
    reference = _every_dictionary_word(texts)
    top = sorted(reference.items(), key=lambda pc: (-pc[1], len(pc[0]), pc[0]))[:100]
    assert chapter_phrases(texts) == dict(top)


def test_chapter_phrases_counts_within_clauses_only():
    assert chapter_phrases(["区域组织合作，伙伴关系", "区域组织合作。伙伴关系", "区域组织合作"]) == dict(
        sorted(_every_dictionary_word(["区域组织合作", "伙伴关系"] * 2 + ["区域组织合作"]).items(),
               key=lambda pc: (-pc[1], len(pc[0]), pc[0])))


@pytest.mark.parametrize("texts", [[], [""], [None], ["，。；", "S/PV.5007 2004"], ["他们以及我们"]])
def test_chapter_phrases_of_nothing_is_empty(texts):
    assert chapter_phrases(texts) == {}


@pytest.mark.parametrize(
    "prefix",
    ["", "   ", None, 42, "\x00", "\x00\x01\x1f", "<>", "<script>", "《》", "x" * 10_000, "法" * 10_000,
     "\ud800", "🙂"],
)
def test_bad_input_gives_no_suggestions_and_never_raises(names_index, prefix):
    assert names_index.complete(prefix) == []


def test_markup_and_control_characters_around_a_prefix_are_ignored(names_index):
    assert [
        names_index.complete("<b>fg</b>"),
        names_index.complete("\x00fa\tguo\n"),
        names_index.complete("fg" + "\x00" * 5000),  # cut to its first characters, then cleaned
    ] == [[], [FRANCE], [FRANCE]]


@pytest.mark.parametrize(("limit", "expected"), [(0, 0), (-1, 0), (3, 3), (1000, 50), ("10", 0)])
def test_limit_is_clamped(limit, expected):
    index = SuggestIndex([Suggestion(f"短语{i:03d}", "phrase", f"短语{i:03d}", 1) for i in range(100)])
    assert len(index.complete("dy", limit=limit)) == expected


def test_pinyin_matches_pypinyin_default_reading_on_every_name_and_phrase(seed):
    # pinyin_syllables reads pypinyin's tables itself, for speed; it must agree with lazy_pinyin.
    names = [a for e in gazetteer.all_countries() + gazetteer.all_orgs() for a in gazetteer.chinese_aliases(e)]
    phrases = list(chapter_phrases([r.text for r in seed.records()], limit=5000))
    labels = [s.text for s in charter_suggestions()]
    syllable = re.compile(r"[a-z]+")
    wrong = [
        t for t in names + phrases + labels
        if pinyin_syllables(t) != [x for x in lazy_pinyin(t, style=Style.NORMAL) if syllable.fullmatch(x)]
        or [s[0] for s in pinyin_syllables(t)] != [
            x for x in lazy_pinyin(t, style=Style.FIRST_LETTER) if syllable.fullmatch(x)]
    ]
    assert (len(names) > 400, len(phrases) > 1000, wrong) == (True, True, [])


def test_large_index_builds_and_completes(seed_index):
    entries = [Suggestion(f"短语{i:05d}", "phrase", f"短语{i:05d}", i % 97) for i in range(20_000)]
    index = SuggestIndex(entries + list(seed_index.entries))
    assert (len(index), _texts(index.complete("dy", limit=3)), _texts(index.complete("短语1999"))[:2]) == (
        20_000 + len(seed_index), ["短语00096", "短语00193", "短语00290"], ["短语19999", "短语19998"],
    )


def test_docstring_examples_hold():
    assert doctest.testmod(suggest).failed == 0


FRANCE_FILTER = suggest.Near("sound", "法国", "", ("country", "FRA"))


@pytest.mark.parametrize("q, sounds", [
    ("fg", [FRANCE_FILTER]), ("faguo", [FRANCE_FILTER]), ("FaGuo", [FRANCE_FILTER]), ("fa guo", [FRANCE_FILTER]),
    ("法果", [FRANCE_FILTER]),  # the same pinyin in other characters
    ("qy", [suggest.Near("sound", "区域", "区域")]),  # a phrase: searched as the query
    ("fag", []), ("f", []), ("法国", []), ("5007", []),  # not a whole key, the name itself, no pinyin
])
def test_near_queries_that_sound_the_same_come_first(seed_index, q, sounds):
    near = suggest.nearest_queries(q, seed_index)
    assert [n for n in near if n.kind == "sound"] == sounds
    assert all(n.kind == "part" for n in near[len(sounds):])


def test_near_queries_then_offer_the_words_then_the_beginnings_and_ends_longest_first(seed_index):
    assert [(n.kind, n.q) for n in suggest.nearest_queries("区域组织犀鸟", seed_index)] == [
        ("part", "区域组织"), ("part", "犀鸟"), ("part", "区域组织犀"), ("part", "域组织犀鸟"), ("part", "组织犀鸟"),
        ("part", "区域组"), ("part", "织犀鸟"), ("part", "区域")]


def test_no_suggestion_leads_to_nothing(seed_stats):
    assert [s for s in suggestions_from_stats(seed_stats) if s.weight <= 0] == []
