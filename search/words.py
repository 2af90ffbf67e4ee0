"""Words: jieba, initialised once per process with our user dictionary and the gazetteer's names.

Query terms are segmented into words (a term also matches a unit holding each of its words), and
the builder counts dictionary words for the suggestions' frequent phrases.
"""
import json
import logging
import os
import tempfile
import threading

from .config import DATA_DIR
from .text import is_han, normalize

USERDICT = DATA_DIR / "userdict.txt"
GAZETTEER = DATA_DIR / "gazetteer.json"

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
            if all(is_han(c) for c in node):
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


def segment(text):
    """The query-time words of `text` (jieba's precise mode, no HMM), punctuation and spaces left out.

    >>> segment("安全理事会 S/PV")
    ['安全理事会', 's', 'pv']
    """
    return [word for word in get_jieba().lcut(normalize(text), HMM=False) if any(c.isalnum() for c in word)]
