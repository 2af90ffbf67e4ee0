"""Text normalisation and the two Whoosh tokenizers: jieba words and character bigrams.

Both tokenizers read `normalize(text)`, which keeps the length of the text, so every
offset they report is an offset into the text as printed.
"""
import json
import logging
import os
import tempfile
import threading
from pathlib import Path

from whoosh.analysis import Token, Tokenizer

DATA_DIR = Path(__file__).resolve().parent / "data"
USERDICT = DATA_DIR / "userdict.txt"
GAZETTEER = DATA_DIR / "gazetteer.json"


def _opencc_table():
    """Single-character Traditional -> Simplified pairs from OpenCC's t2s character table."""
    import opencc

    path = Path(opencc.__file__).resolve().parent / "dictionary" / "TSCharacters.txt"
    table = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            trad, _, simp = line.rstrip("\n").partition("\t")
            first = simp.split(" ")[0] if simp else ""
            # Only one-to-one characters: the map must keep the length of the text.
            if len(trad) == 1 and len(first) == 1 and first != trad:
                table[ord(trad)] = first
    return table


def _build_table():
    table = _opencc_table()
    for code in range(0xFF01, 0xFF5F):  # full-width ASCII -> ASCII
        table[code] = chr(code - 0xFEE0)
    table[0x3000] = " "  # ideographic space
    for code in range(ord("A"), ord("Z") + 1):
        table[code] = chr(code + 32)
    for code in range(0xFF21, 0xFF3B):  # full-width capitals straight to lower case
        table[code] = chr(code - 0xFEE0 + 32)
    return table


_TABLE = _build_table()


def normalize(text):
    """Map Traditional to Simplified, full-width to half-width and Latin to lower case, keeping the length.

    >>> normalize("安全理事會 第５００７次 S/PV")
    '安全理事会 第5007次 s/pv'
    """
    out = text.translate(_TABLE)
    lowered = out.lower()
    if len(lowered) == len(out):
        return lowered
    # A few letters (İ) lower-case to two characters: keep those as they are.
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in out)


def squash(text):
    """Drop whitespace: the n-gram field and exact matching ignore it (`第 5649 次` = `第5649次`)."""
    return "".join(text.split())


# --- jieba, initialised once per process -------------------------------------------------

_jieba_lock = threading.Lock()
_jieba = None


def _domain_words():
    """Chinese names of countries and organisations from the gazetteer data file, if present."""
    if not GAZETTEER.exists():
        return []
    try:
        data = json.loads(GAZETTEER.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    words = set()

    def walk(node):
        if isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        elif isinstance(node, str) and 2 <= len(node) <= 20:
            if all("\u4e00" <= c <= "\u9fff" for c in node):
                words.add(normalize(node))

    walk(data)
    return sorted(words)


def jieba_cache_dir():
    """REPERTOIRE_JIEBA_CACHE, created if missing; the temp folder when unset or not creatable (one warning)."""
    wanted = os.environ.get("REPERTOIRE_JIEBA_CACHE")
    if not wanted:
        return tempfile.gettempdir()
    try:
        os.makedirs(wanted, exist_ok=True)
        problem = None if os.access(wanted, os.W_OK | os.X_OK) else "the folder is not writable"
    except OSError as exc:
        problem = f"cannot create the folder ({exc.strerror})"
    if problem is None:
        return wanted
    # jieba would log a traceback each time it fails to write its cache; one line says it all.
    fallback = tempfile.gettempdir()
    logging.getLogger(__name__).warning("warning: REPERTOIRE_JIEBA_CACHE=%s: %s; using %s", wanted, problem, fallback)
    return fallback


def get_jieba():
    """The process-wide jieba tokenizer with our user dictionary loaded (initialised once)."""
    global _jieba
    if _jieba is not None:
        return _jieba
    with _jieba_lock:
        if _jieba is None:
            import jieba

            jieba.setLogLevel(logging.WARNING)
            tok = jieba.Tokenizer()
            # jieba caches its prefix dictionary in a file; keep it in a writable temp dir.
            tok.tmp_dir = jieba_cache_dir()
            tok.initialize()
            if USERDICT.exists():
                with open(USERDICT, "rb") as f:  # jieba leaves a path it opens unclosed
                    tok.load_userdict(f)
            for word in _domain_words():
                if word not in tok.FREQ or not tok.FREQ[word]:
                    tok.add_word(word, freq=None)
            _jieba = tok
    return _jieba


# --- tokenizers ------------------------------------------------------------------------------


class WordTokenizer(Tokenizer):
    """jieba words (precise mode, no HMM); at index time also their sub-words at the same position.

    >>> [(t.text, t.pos, t.startchar) for t in WordTokenizer()("安全理事会 S/PV", positions=True, chars=True, mode="index")]
    [('安全理事会', 0, 0), ('安全', 0, 0), ('理事', 0, 2), ('理事会', 0, 2), ('s', 1, 6), ('pv', 2, 8)]
    """

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        text = normalize(value)
        if not tokenize:
            t.original = t.text = text
            t.boost = 1.0
            t.stopped = False
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar, t.endchar = start_char, start_char + len(value)
            yield t
            return
        jb = get_jieba()
        freq = jb.FREQ
        pos = start_pos
        for word, start, end in jb.tokenize(text, HMM=False):
            if not any(c.isalnum() for c in word):
                continue  # punctuation and spaces
            for sub, s, e in _with_subwords(word, start, freq, mode == "index"):
                t.text = sub
                t.boost = 1.0
                t.stopped = False
                if keeporiginal:
                    t.original = value[s:e]
                if positions:
                    t.pos = pos
                if chars:
                    t.startchar, t.endchar = start_char + s, start_char + e
                yield t
            pos += 1


def _with_subwords(word, start, freq, index_mode):
    yield word, start, start + len(word)
    if not index_mode or len(word) <= 2:
        return
    # jieba's search mode: dictionary 2- and 3-grams inside a longer word.
    for n in (2, 3):
        if len(word) <= n:
            break
        for i in range(len(word) - n + 1):
            gram = word[i:i + n]
            if freq.get(gram):
                yield gram, start + i, start + i + n


def segment(text):
    """The query-time words of `text` (precise mode), as users see them in "segmented"."""
    return [t.text for t in WordTokenizer()(text, mode="query")]


class BigramTokenizer(Tokenizer):
    """Every non-space character and every pair of neighbouring ones, at the ordinal of the first.

    Whitespace is skipped, so `第5649次` and `第 5649 次` give the same tokens; a string of
    n >= 2 characters is then the phrase of its n - 1 bigrams at consecutive positions.

    >>> [(t.text, t.pos, t.startchar, t.endchar) for t in BigramTokenizer()("S/PV 安", positions=True, chars=True)]
    [('s', 0, 0, 1), ('s/', 0, 0, 2), ('/', 1, 1, 2), ('/p', 1, 1, 3), ('p', 2, 2, 3), ('pv', 2, 2, 4), ('v', 3, 3, 4), ('v安', 3, 3, 6), ('安', 4, 5, 6)]
    """

    def __init__(self, unigrams=True):
        self.unigrams = unigrams

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        text = normalize(value)
        offsets = [i for i, c in enumerate(text) if not c.isspace()]
        for k, i in enumerate(offsets):
            grams = []
            if self.unigrams:
                grams.append((text[i], i + 1))
            if k + 1 < len(offsets):
                j = offsets[k + 1]
                grams.append((text[i] + text[j], j + 1))
            for gram, end in grams:
                t.text = gram
                t.boost = 1.0
                t.stopped = False
                if keeporiginal:
                    t.original = value[i:end]
                if positions:
                    t.pos = start_pos + k
                if chars:
                    t.startchar, t.endchar = start_char + i, start_char + end
                yield t


def bigrams(text):
    """The bigrams of `text` (spaces ignored) in order; a one-character text gives itself."""
    chars = squash(normalize(text))
    if len(chars) == 1:
        return [chars]
    return [chars[i:i + 2] for i in range(len(chars) - 1)]


def word_analyzer():
    """The analyzer of the `words` field (no lower-casing or stemming filter: normalize does it)."""
    return WordTokenizer()


def gram_analyzer():
    """The analyzer of the `grams` field."""
    return BigramTokenizer()
