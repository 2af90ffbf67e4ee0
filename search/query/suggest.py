"""Suggestions as the reader types: names, meetings, documents, Charter values and frequent phrases.

Each entry is found by the start of any of its keys: its Chinese text, its other names
(English, codes, symbols), the full pinyin of its Chinese without tones or spaces, and the
pinyin initials, so `faguo` and `fg` both give 法国. Pinyin is for suggestions only, never for
matching or ranking search results: homophones would match (景点 and 经典 are both jingdian,
meilisearch/meilisearch#4075), and Meilisearch took its pinyin normaliser out of the default
pipeline in 1.8 because exact matches no longer came first (meilisearch/charabia#282, #285).

The keys are one sorted list searched with `bisect`. A short prefix ("f", "d") covers
thousands of keys, so for every prefix that covers more than `_SCAN_LIMIT` keys the best
entries are computed once, at build time.
"""
import bisect
import functools
import heapq
import re
import unicodedata
from dataclasses import dataclass

from pypinyin import phrases_dict, pinyin_dict

from ..reference import charter, gazetteer
from ..reference.meeting_text import meeting_label
from ..reference.symbols import parse_symbol_query
from ..text import HAN_CHAR, normalize
from ..words import segment

# What a suggestion can be, with the label the search box shows beside it.
KINDS = {"country": "国家", "org": "组织", "meeting": "会议", "document": "文件", "charter": "《宪章》", "phrase": "词语"}
MAX_LIMIT = 50          # complete() returns at most this many
_SCAN_LIMIT = 256       # a prefix covering more keys than this has its results precomputed
_MAX_PREFIX = 64        # no key is longer; a longer prefix is cut here
_PINYIN_KINDS = frozenset({"country", "org", "charter", "phrase"})
_NOT_KEY = re.compile(r"[\s\x00-\x1f\x7f<>《》“”\"'，。、；：（）()]+")


@dataclass(frozen=True)
class Suggestion:
    """One thing the reader may be typing, and what choosing it searches for."""

    text: str                  # as shown: "法国", "第 5007 次会议", "S/PRST/2004/27", "《宪章》第八章"
    kind: str                  # one of KINDS
    value: str                 # the facet value or query it stands for: "FRA", "5007", "ch8", the phrase
    weight: int = 0            # how often the corpus names it; more first
    aliases: tuple[str, ...] = ()  # other keys: English names, codes, "Chapter VIII", "S/PV.5007"


# ---------------------------------------------------------------- pinyin


@functools.lru_cache(maxsize=4096)
def _toneless(syllable):
    # pypinyin's Style.NORMAL: tone marks dropped, ü written v.
    syllable = unicodedata.normalize("NFD", syllable).replace("u\u0308", "v")
    return "".join(c for c in syllable if not unicodedata.combining(c))


@functools.cache
def _longest_phrase_from():
    """First character -> length of the longest phrase in pypinyin's dictionary that starts with it."""
    longest = {}
    for phrase in phrases_dict.phrases_dict:
        if len(phrase) > longest.get(phrase[0], 1):
            longest[phrase[0]] = len(phrase)
    return longest


def pinyin_syllables(text):
    """The default pinyin of each Chinese character of `text`, without tones (pypinyin's readings).

    The same as `lazy_pinyin(text)` for Chinese characters (tests/query/test_suggest.py checks it over
    every name in the gazetteer and every phrase of the seed): longest phrase of pypinyin's
    phrase dictionary first, else the character's first reading. Calling lazy_pinyin itself
    costs ~50 µs a phrase, which alone would take a second for 20,000 entries.

    >>> pinyin_syllables("法国"), pinyin_syllables("重庆 S/PV")
    (['fa', 'guo'], ['chong', 'qing'])
    """
    # pypinyin's own tables, read as they are: converting all 90,000 entries up front costs
    # half a second, and only a few thousand are ever looked up.
    chars, phrases, longest = pinyin_dict.pinyin_dict, phrases_dict.phrases_dict, _longest_phrase_from()
    out, i = [], 0
    while i < len(text):
        if not HAN_CHAR.match(text[i]):
            i += 1
            continue
        for n in range(min(longest.get(text[i], 1), len(text) - i), 1, -1):
            readings = phrases.get(text[i:i + n])
            if readings is not None and len(readings) == n:
                out.extend(_toneless(r[0]) for r in readings)
                i += n
                break
        else:
            reading = chars.get(ord(text[i]))
            out.append(_toneless(reading.split(",")[0]) if reading else "")
            i += 1
    return out


# ---------------------------------------------------------------- keys


def _norm(text):
    """A key or prefix as compared: NFKC, Simplified, lower case, no spaces, punctuation or markup."""
    return _NOT_KEY.sub("", normalize(unicodedata.normalize("NFKC", text)).casefold())


def _keys(entry):
    keys = set()
    for name in (entry.text, *entry.aliases):
        key = _norm(name)
        if not key:
            continue
        keys.add(key)
        # Meetings and documents are typed by number; "dicihuiyi" would only crowd "d".
        if entry.kind in _PINYIN_KINDS and HAN_CHAR.search(name):
            syllables = [s for s in pinyin_syllables(name) if s]
            keys.add("".join(syllables))
            keys.add("".join(s[0] for s in syllables))
    keys.discard("")
    return keys


def _rank(entry):
    return (-entry.weight, len(entry.text), entry.text, entry.kind)


class SuggestIndex:
    """Prefix completion over suggestion entries (sorted keys and bisect)."""

    def __init__(self, entries):
        keyed = [(e, _keys(e)) for e in entries]
        # A phrase that is also a name, meeting or document is suggested as that only. (A
        # phrase is Chinese, so only a Chinese name or alias among the keys can equal it.)
        named = set().union(*(keys for e, keys in keyed if e.kind != "phrase"))
        keyed = [(e, keys) for e, keys in keyed if e.kind != "phrase" or _norm(e.text) not in named]
        keyed.sort(key=lambda ek: _rank(ek[0]))  # an entry's index is its rank among all
        self.entries = [e for e, _ in keyed]
        pairs = sorted((key, i) for i, (_, keys) in enumerate(keyed) for key in keys)
        self._keys = [k for k, _ in pairs]
        self._ids = [i for _, i in pairs]
        self._best = {}
        self._precompute(0, len(pairs), 1)

    def _precompute(self, lo, hi, depth):
        """For each prefix of length `depth` in keys[lo:hi] that covers many keys, store its best entries."""
        keys = self._keys
        i = lo
        while i < hi:
            if len(keys[i]) < depth:
                i += 1
                continue
            prefix = keys[i][:depth]
            j = bisect.bisect_left(keys, prefix + "\U0010ffff", i, hi)
            if j - i > _SCAN_LIMIT:
                self._best[prefix] = heapq.nsmallest(MAX_LIMIT, set(self._ids[i:j]))
                self._precompute(i, j, depth + 1)
            i = j

    def __len__(self):
        return len(self.entries)

    def complete(self, prefix, limit=10):
        """The entries with a key starting with `prefix`: exact key matches first, then by weight, then shorter text."""
        if not isinstance(prefix, str) or not isinstance(limit, int) or limit <= 0:
            return []
        p = _norm(prefix[: _MAX_PREFIX * 4])[:_MAX_PREFIX]
        if not p:
            return []
        limit = min(limit, MAX_LIMIT)
        keys, ids = self._keys, self._ids
        lo = bisect.bisect_left(keys, p)
        exact_end = bisect.bisect_right(keys, p, lo)
        exact = sorted(set(ids[lo:exact_end]))
        if p in self._best:
            rest = self._best[p]
        else:
            hi = bisect.bisect_left(keys, p + "\U0010ffff", lo)
            rest = heapq.nsmallest(limit + len(exact), set(ids[exact_end:hi]))
        chosen = list(dict.fromkeys([*exact, *rest]))[:limit]
        return [self.entries[i] for i in chosen]


# ---------------------------------------------------------------- entries


def entity_suggestions(weights=None):
    """One suggestion per country and organisation of the gazetteer; `weights`: code -> records naming it."""
    weights = weights or {}
    out = []
    for entity in [*gazetteer.all_countries(), *gazetteer.all_orgs()]:
        aliases = tuple(dict.fromkeys(a for a in (*entity.aliases, entity.code) if a != entity.zh))
        out.append(Suggestion(entity.zh, entity.kind, entity.code, weights.get(entity.code, 0), aliases))
    return out


def meeting_suggestions(counts):
    """One suggestion per meeting: `counts` maps a meeting number to its records."""
    return [Suggestion(meeting_label(n), "meeting", str(n), c, (str(n), f"S/PV.{n}")) for n, c in counts.items()]


def document_suggestions(counts):
    """One suggestion per document symbol: `counts` maps a symbol to the records citing it."""
    out = []
    for symbol, c in counts.items():
        # Also by the Chinese text form of a resolution: 第 1631(2005)号决议, 大会第 60/1 号决议.
        q = parse_symbol_query(symbol)
        aliases = tuple(t for t in (q.texts if q else ()) if t != symbol)
        out.append(Suggestion(symbol, "document", symbol, c, aliases))
    return out


def charter_suggestions(counts=None):
    """The Charter's Articles and Chapters (all of them; `counts` gives the weights of those the corpus names)."""
    counts = counts or {}
    values = [f"ch{n}" for n in range(1, charter.CHARTER_CHAPTERS + 1)]
    values += [f"art{n}" for n in range(1, charter.CHARTER_ARTICLES + 1)]
    values += [v for v in counts if v not in values]
    out = []
    for value in values:
        labels = charter.charter_label(value)
        if labels is None:
            continue
        zh, en = labels
        short = zh.removeprefix("《宪章》")
        out.append(Suggestion(zh, "charter", value, counts.get(value, 0), (short, en, value)))
    return out


def suggestions_from_stats(stats):
    """Every suggestion of an index that leads to something, from its build-time statistics
    (search.index.stats.corpus_stats), weighted by the records it leads to: a country's or a
    Charter article's filter, a meeting's paragraphs, the records citing a document. A name or an
    article the corpus never mentions is left out (its page would be empty)."""
    entries = [
        *entity_suggestions(dict(stats["countries"]) | dict(stats["orgs"])),
        *meeting_suggestions({m["number"]: m["paragraphs"] for m in stats["meetings"]}),
        *document_suggestions(stats["symbols"]),
        *charter_suggestions(stats["charter"]),
        *(Suggestion(p, "phrase", p, c) for p, c in stats["phrases"].items()),
    ]
    return [e for e in entries if e.weight > 0]


@dataclass(frozen=True)
class Near:
    """A search near one without hits: the query `q` instead, or (`filter`) a name's filter alone."""

    kind: str                 # "sound": sounds the same (法果, faguo, fg -> 法国); "part": a word or piece of it
    text: str                 # as shown: 法国, 区域组织
    q: str                    # what to search instead ("" with a filter)
    filter: tuple[str, str] | None = None  # ("country", "FRA"): the filter that finds what the name names


_SOUND_KINDS = ("phrase", "country", "org")


def _pinyin_keys(text):
    syllables = [s for s in pinyin_syllables(text) if s]
    return {"".join(syllables), "".join(s[0] for s in syllables)}


def _sounds(q, index, limit):
    """Names and phrases that sound like `q`: Chinese with the same pinyin (法果 -> 法国), or whose
    full pinyin or initials `q` is (faguo, fg -> 法国)."""
    sound = "".join(pinyin_syllables(q))
    if sound:
        key, same = sound, (lambda s: "".join(pinyin_syllables(s.text)) == sound)
    elif q.isascii() and q.isalpha():
        key, same = q, (lambda s: q in _pinyin_keys(s.text))
    else:
        return []
    return [Near("sound", s.text, s.text) if s.kind == "phrase" else Near("sound", s.text, "", (s.kind, s.value))
            for s in index.complete(key, limit) if s.kind in _SOUND_KINDS and _norm(s.text) != q and same(s)]


def nearest_queries(q, index, limit=4):
    """Searches near `q` that may have hits when `q` has none (search.query.suggest.Near): names and
    phrases that sound the same, then its words and shorter pieces of it. The caller keeps those
    that do have hits, with their counts."""
    if not isinstance(q, str):
        return []
    key = _norm(q)[:_MAX_PREFIX]
    if not key:
        return []
    out = _sounds(key, index, limit)
    # Its words, longest first (they say the most), then its beginnings and ends, longest first
    # (a slip of the keyboard is most often at one end).
    pieces = sorted((w for w in dict.fromkeys(segment(key)) if len(w) > 1), key=len, reverse=True)
    for n in range(len(key) - 1, 1, -1):
        pieces += [key[:n], key[-n:]]
    out += [Near("part", p, p) for p in pieces]
    seen, kept = {(key, None)}, []
    for near in out:
        if (near.q, near.filter) not in seen:
            seen.add((near.q, near.filter))
            kept.append(near)
    return kept[: 3 * limit]
