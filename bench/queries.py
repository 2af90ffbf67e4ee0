"""What the benchmark asks: first-time query strings, record ids, symbols, meetings and suggest prefixes.

Everything is drawn from the seed chapter's parsed units with a `random.Random` seeded by the run
number, so each run asks strings no earlier run asked, and a rerun asks the same ones again.
Every N copies the seed, so the same strings find N times the hits at size N.
"""
import functools
import random
import re
import sys
from collections import Counter
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent))
from make_corpus import SEED, copy_name  # noqa: E402

PER_PAGE = 20
# Strings the servers' warm-up or the export route search: never a first-time query.
RESERVED = {"安全理事会", "合作", "安全理事会 合作", "安全", "区域组织"}
# How many first-time queries of each class a server meets in one lifetime (43 in all).
CLASS_COUNTS = {"char1": 4, "char2": 4, "frequent": 5, "rare": 5, "substring": 5, "phrase": 4,
                "filtered": 8, "boolean": 4, "nohit": 4}
CLASSES = tuple(CLASS_COUNTS)
_HAN = re.compile(r"[\u4e00-\u9fff]+")


@functools.lru_cache(maxsize=1)
def seed_units():
    """The seed chapter's records (headings, paragraphs, decisions, footnotes), parsed by our parser."""
    from search.reference.resolve import parse_chapter

    return tuple(parse_chapter(SEED).records())


@functools.lru_cache(maxsize=1)
def _words():
    """(word -> number of units containing it) for jieba words of 2+ Han characters."""
    from search.words import segment

    df = Counter()
    for unit in seed_units():
        df.update({w for w in segment(unit.text) if len(w) >= 2 and _HAN.fullmatch(w)})
    return df


@functools.lru_cache(maxsize=1)
def _text():
    return "\n".join(u.text for u in seed_units())


def _single_word(q):
    from search.words import segment

    return segment(q) == [q]


def _substring(rng, length):
    """A random run of `length` Han characters from a random unit."""
    runs = [r for u in seed_units() for r in _HAN.findall(u.text) if len(r) >= length]
    run = rng.choice(runs)
    i = rng.randrange(len(run) - length + 1)
    return run[i:i + length]


def _absent(rng, length):
    """`length` Han characters none of which occurs in the seed: no engine can find them."""
    present = set(_text())
    pool = [chr(c) for c in range(0x4E00, 0x9FA5) if chr(c) not in present]
    return "".join(rng.sample(pool, length))


def _word(rng, low, high, unit=None):
    words = _words()
    if unit is not None:
        from search.words import segment

        pool = sorted({w for w in segment(unit.text) if w in words and low <= words[w] <= high})
        if pool:
            return rng.choice(pool)
    return rng.choice(sorted(w for w, n in words.items() if low <= n <= high))


def _spec(cls, q, filters=None, peer=True):
    """One query. Its "peer" is "compare" (the peer has the same semantics: a single word, a quoted
    string, one character or no text, with facet filters; totals and facets must agree), "time"
    (sent to the peer and timed, but ours also finds units holding the query's words apart) or
    None (the peer has no OR/NOT nor date range: not sent to it)."""
    filters = filters or {}
    if not peer:
        mode = None
    elif cls == "nohit" or not q or q.startswith('"') or len(q) == 1 or _single_word(q):
        mode = "compare"
    else:
        mode = "time"
    return {"class": cls, "q": q, "filters": filters, "peer": mode, "peer_q": q.strip('"')}


def _make(cls, rng):
    """One query of class `cls`."""
    if cls == "char1":
        return _spec(cls, _substring(rng, 1))
    if cls == "char2":
        return _spec(cls, _substring(rng, 2))
    if cls == "frequent":
        return _spec(cls, _word(rng, 15, 10_000))
    if cls == "rare":
        return _spec(cls, _word(rng, 1, 2))
    if cls == "substring":
        return _spec(cls, _substring(rng, rng.randint(3, 6)))
    if cls == "phrase":
        return _spec(cls, f'"{_substring(rng, rng.randint(4, 8))}"')
    if cls == "boolean":
        a, b = _word(rng, 5, 10_000), _word(rng, 3, 10_000)
        return _spec(cls, rng.choice([f"{a} OR {b}", f"{a} -{b}", f"{a} NOT {b}", f"{a} OR {_substring(rng, 3)}"]),
                     peer=False)
    if cls == "nohit":
        return _spec(cls, rng.choice([_absent(rng, 3), _absent(rng, 4), f'"{_absent(rng, 5)}"',
                                      "".join(rng.choice("bcdfghjkqvwxz") for _ in range(6))]))
    return _filtered(rng)


def _filtered(rng):
    """A word with one filter of the unit it comes from (country, meeting, year, kind, date range),
    or no text and a filter only."""
    unit = rng.choice([u for u in seed_units() if u.meeting and u.countries])
    word = _word(rng, 2, 10_000, unit)
    choice = rng.randrange(7)
    if choice == 0:
        return _spec("filtered", word, {"country": [rng.choice(unit.countries)]})
    if choice == 1:
        return _spec("filtered", word, {"meeting": [str(unit.meeting)]})
    if choice == 2:
        return _spec("filtered", word, {"year": [unit.date[:4]]})
    if choice == 3:
        return _spec("filtered", word, {"kind": [unit.kind]})
    if choice == 4:
        year = int(unit.date[:4])
        return _spec("filtered", word, {"from": [f"{year}-01-01"], "to": [f"{year}-12-31"]}, peer=False)
    if choice == 5:
        return _spec("filtered", "", {"country": [rng.choice(unit.countries)], "kind": ["paragraph"]})
    return _spec("filtered", "", {"meeting": [str(unit.meeting)], "year": [unit.date[:4]]})


def _key(spec):
    return spec["q"], tuple(sorted((k, tuple(v)) for k, v in spec["filters"].items()))


def first_time_queries(run, seed=0):
    """The queries of run `run`: CLASS_COUNTS of each class, all distinct, none reserved.

    A new server asks each once (first-time) and then once more (repeat). The order is shuffled
    but starts with a frequent word, so the first request after start compares with its class.
    """
    rng = random.Random(f"repertoire-bench/{seed}/{run}")
    seen, out = set(), []
    for cls, count in CLASS_COUNTS.items():
        made = attempts = 0
        while made < count and attempts < 1000:
            attempts += 1
            spec = _make(cls, rng)
            if spec["q"] in RESERVED or _key(spec) in seen:
                continue
            seen.add(_key(spec))
            out.append(spec)
            made += 1
    first = next(s for s in out if s["class"] == "frequent")
    rest = [s for s in out if s is not first]
    rng.shuffle(rest)
    return [first] + rest


def route_paths(run, n, seed=0, count=5):
    """{route: [paths]} of first-time record ids, documents, meetings and suggest prefixes for run `run` at size `n`."""
    from search.ingest.files import chapter_key

    rng = random.Random(f"repertoire-bench-routes/{seed}/{run}")
    units = seed_units()
    seed_key = chapter_key(SEED)
    width = max(3, len(str(n - 1)))

    def record_id(unit):
        return chapter_key(Path(copy_name(rng.randrange(n), width))) + unit.id[len(seed_key):]

    meetings, symbols = _full_pages()
    words = sorted(w for w in _words() if _words()[w] >= 3)
    prefixes = {w[:k] for w in rng.sample(words, 40) for k in (1, 2)}
    prefixes = rng.sample(sorted(prefixes), count - 2) + [rng.choice(["5", "50", "55", "56"]),
                                                        rng.choice(["S/", "S/PV", "S/PRST", "A/"])]
    return {
        "home": ["/"] * count,
        "record": [f"/p/{record_id(u)}" for u in rng.sample(units, count)],
        "meeting": [f"/meeting/{m}" for m in rng.sample(meetings, min(count, len(meetings)))],
        # per_page=10: page 2 of these meetings is full at every N (at N=1 a 20-record page 2 would hold 1-3)
        "meeting_page2": [f"/meeting/{m}?page=2&per_page=10" for m in rng.sample(meetings, min(count, len(meetings)))],
        "document": [f"/doc/{_quote(s, safe='/')}" for s in rng.sample(symbols, min(count, len(symbols)))],
        "suggest": [f"/api/suggest?q={_quote(p)}" for p in prefixes],
    }


@functools.lru_cache(maxsize=1)
def _full_pages():
    """(meetings, document symbols) with a full first page (PER_PAGE records) already at N=1, so that
    their pages show as many records at every N and the growth measures the index, not the page's fill."""
    from search.reference.resolve import parse_chapter
    from search.index.documents import chapter_documents
    from search.web.sources import MEETING_KINDS

    docs = list(chapter_documents(parse_chapter(SEED)))
    meetings = Counter(d["meeting"] for d in docs if d["meeting"] is not None and d["kind"] in MEETING_KINDS)
    symbols = Counter(s for d in docs for s in d["symbol"])
    return (sorted(m for m, k in meetings.items() if k >= PER_PAGE),
            sorted(s for s, k in symbols.items() if k >= PER_PAGE))


def _quote(text, safe=""):
    from urllib.parse import quote

    return quote(text, safe=safe)
