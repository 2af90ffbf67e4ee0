"""Normalisation and the two tokenizers: Whoosh's Tokenizer contract, jieba words, bigrams."""
import os
import subprocess
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import given
from hypothesis import strategies as st

from search import words
from search.engines.whoosh_write import BigramTokenizer
from search.text import bigrams, normalize, squash
from search.words import get_jieba, segment


@pytest.mark.parametrize("text, expected", [
    ("安全理事會", "安全理事会"),
    ("聯合國與區域組織", "联合国与区域组织"),
    ("第５６４９次會議", "第5649次会议"),
    ("Ｓ／ＰＶ．５２８２", "s/pv.5282"),
    ("S/PV.5282(Resumption 1)", "s/pv.5282(resumption 1)"),
    ("安理会　会议", "安理会 会议"),
    ("（法国）", "(法国)"),
    ("İ", "İ"),  # lower-cases to two characters: left alone to keep the length
    ("", ""),
])
def test_normalize(text, expected):
    assert normalize(text) == expected


@given(st.text())
def test_normalize_keeps_length(text):
    assert len(normalize(text)) == len(text)


def _tokens(tokenizer, text, **kwargs):
    return [(t.text, t.pos, t.startchar, t.endchar)
            for t in tokenizer(text, positions=True, chars=True, **kwargs)]


def test_words_are_jiebas_precise_mode_normalised():
    assert segment("安全理事會第 5649 次会议") == ["安全理事会", "第", "5649", "次", "会议"]


@pytest.mark.parametrize("text, words", [
    ("S/PV.5282", ["s", "pv", "5282"]),
    ("第 7 页", ["第", "7", "页"]),
    ("A/RES/60/1", ["a", "res", "60", "1"]),
    ("Security Councils", ["security", "councils"]),  # no stemming
    ("安全理事會", ["安全理事会"]),
    ("，。、；", []),
])
def test_words_keep_single_latin_and_digits_and_drop_punctuation(text, words):
    assert segment(text) == words


@pytest.mark.parametrize("word", ["安全理事会", "安理会", "非洲联盟", "西非经共体", "独联体", "建设和平委员会",
                                  "欧安组织", "集体安全条约组织", "主席声明", "维持和平"])
def test_user_dictionary_words_are_single_tokens(word):
    assert segment(f"会上{word}发言") == ["会上", word, "发言"]


def test_whoosh_bigram_tokens_honour_start_pos_and_start_char():
    assert _tokens(BigramTokenizer(), "和平安全", start_pos=3, start_char=7) == [
        ("和平", 3, 7, 9), ("平安", 4, 8, 10), ("安全", 5, 9, 11)]


def test_whoosh_bigram_tokenizer_reuses_one_token_object():
    ids = {id(t) for t in BigramTokenizer()("安全理事会与区域组织", positions=True, chars=True)}
    assert len(ids) == 1


def test_whoosh_bigram_chars_point_into_the_original_text():
    text = "聯合國 安全理事會第５００７次會議，S/PV.5007"
    spans = [(t.text, normalize(text[t.startchar:t.endchar]).replace(" ", ""))
             for t in BigramTokenizer()(text, chars=True)]
    assert [got for got, _ in spans] == [want for _, want in spans] == bigrams(text)


def test_whoosh_bigrams_ignore_spaces_but_keep_real_offsets():
    assert [t[:2] for t in _tokens(BigramTokenizer(), "第 5649 次会议")] == [
        t[:2] for t in _tokens(BigramTokenizer(), "第5649次会议")]
    assert _tokens(BigramTokenizer(), "安 理") == [("安理", 0, 0, 3)]


@pytest.mark.parametrize("text, grams", [
    ("安", ["安"]),
    ("安理会", ["安理", "理会"]),
    ("第 5649 次", ["第5", "56", "64", "49", "9次"]),
    ("S/PV", ["s/", "/p", "pv"]),
])
def test_query_bigrams(text, grams):
    assert bigrams(text) == grams


def test_first_concurrent_callers_share_one_jieba_with_the_user_dictionary(monkeypatch):
    # As if no request had initialised jieba yet: eight threads ask for it at the same moment.
    monkeypatch.setattr(words, "_jieba", None)
    start = threading.Barrier(8)

    def first_call(_):
        start.wait()
        return get_jieba()

    with ThreadPoolExecutor(max_workers=8) as pool:
        tokenizers = list(pool.map(first_call, range(8)))
    assert len({id(t) for t in tokenizers}) == 1
    assert tokenizers[0].initialized
    assert tokenizers[0].FREQ["主席声明"] == 1000  # search/data/userdict.txt


def _query_with_cache(cache, seed_index, tmp_path):
    """`python -m search query` with REPERTOIRE_JIEBA_CACHE=`cache`, from an empty folder."""
    env = {**os.environ, "REPERTOIRE_JIEBA_CACHE": str(cache)}
    return subprocess.run([sys.executable, "-m", "search", "query", "安理会", "--index", str(seed_index), "--limit", "1"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)


def test_missing_jieba_cache_folder_is_created(seed_index, tmp_path):
    cache = tmp_path / "not" / "yet" / "there"
    result = _query_with_cache(cache, seed_index, tmp_path)
    assert (result.returncode, result.stderr) == (0, "")
    assert [p.name for p in cache.iterdir()] == ["jieba.cache"]


def test_jieba_cache_that_cannot_be_a_folder_falls_back_with_one_warning(seed_index, seed_corpus, tmp_path):
    (tmp_path / "a-file").write_text("")
    cache = tmp_path / "a-file" / "cache"
    result = _query_with_cache(cache, seed_index, tmp_path)
    assert (result.returncode, result.stderr) == (0, f"warning: REPERTOIRE_JIEBA_CACHE={cache}: cannot create the "
                                                     f"folder (Not a directory); using {tempfile.gettempdir()}\n")
    # And the search still works: every unit containing the word (or its full form: 安理会 is 安全理事会).
    found = sum("安理会" in squash(normalize(r.text)) or "安全理事会" in squash(normalize(r.text))
                for r in seed_corpus.records())
    assert result.stdout.split(" 条结果")[0] == str(found)


def test_chinese_numerals_round_trip():
    from search.text import chinese_number, chinese_numeral

    assert [n for n in range(1, 200) if chinese_number(chinese_numeral(n)) != n] == []
