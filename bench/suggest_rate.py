"""How fast the suggestion index builds and completes, at ~20,000 entries (issue 13).

    .venv/bin/python bench/suggest_rate.py                 # 20,000 entries, 20,000 completions
    .venv/bin/python bench/suggest_rate.py --entries 50000 --queries 5000

The entries are the seed's own suggestions (every country and organisation, its meetings,
documents, Charter values and frequent phrases) plus synthetic ones of the same kinds up to
--entries: meetings 1000-9999, presidential statements S/PRST/<year>/<n>, and phrases made of
two of the seed's frequent phrases (real Chinese, so the pinyin keys cost what they would).
The queries are prefixes of 1-4 characters of random keys (Chinese, pinyin, initials, numbers,
symbols) and a fixed set of short, busy ones ("f", "d", "5", "S/", "fg", "faguo", "区域").
Not a test: it prints a Markdown table.
"""
import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from search.reference.resolve import parse_chapter  # noqa: E402
from search.query.suggest import SuggestIndex, Suggestion, _keys, suggestions_from_corpus  # noqa: E402

SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_433e06851ef59419.txt"
BUSY = ["f", "d", "a", "5", "S/", "s/prst/", "fg", "faguo", "区域", "qy", "第", "di", "Article 5", "ch", "z"]


def _entries(total, rng):
    base = suggestions_from_corpus(parse_chapter(SEED))
    phrases = [s.text for s in base if s.kind == "phrase"]
    out = list(base)
    out += [Suggestion(f"第 {n} 次会议", "meeting", str(n), rng.randrange(60), (str(n), f"S/PV.{n}"))
            for n in range(1000, 10000)]
    out += [Suggestion(f"S/PRST/{y}/{n}", "document", f"S/PRST/{y}/{n}", rng.randrange(10))
            for y in range(1994, 2024) for n in range(1, 80)]
    seen = set(phrases)
    while len(out) < total:
        text = rng.choice(phrases) + rng.choice(phrases)
        if text not in seen:
            seen.add(text)
            out.append(Suggestion(text, "phrase", text, rng.randrange(100)))
    return out[:total]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=20_000)
    parser.add_argument("--queries", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    entries = _entries(args.entries, rng)

    builds = []  # (wall, CPU): the machine may be shared, and CPU time is what the build costs
    for _ in range(3):  # the first build also reads pypinyin's phrase table once
        t, c = time.perf_counter(), time.process_time()
        index = SuggestIndex(entries)
        builds.append((time.perf_counter() - t, time.process_time() - c))

    keys = [k for e in rng.sample(index.entries, min(2000, len(index))) for k in _keys(e)]
    prefixes = [k[: rng.randint(1, 4)] for k in rng.choices(keys, k=args.queries)] + BUSY * 20
    for p in prefixes[:500]:
        index.complete(p)  # warm
    times = []
    for p in prefixes:
        t = time.perf_counter_ns()
        index.complete(p)
        times.append((time.perf_counter_ns() - t) / 1000)
    busy = []
    for p in BUSY:
        t = time.perf_counter_ns()
        for _ in range(200):
            index.complete(p)
        busy.append(((time.perf_counter_ns() - t) / 200 / 1000, p))
    times.sort()

    print("| entries | keys | precomputed prefixes | build, first: wall / CPU (s) | build, again: wall / CPU (s) |")
    print("|---:|---:|---:|---:|---:|")
    again = min(builds[1:])
    print(f"| {len(index):,} | {len(index._keys):,} | {len(index._best):,} | {builds[0][0]:.2f} / {builds[0][1]:.2f} | "
          f"{again[0]:.2f} / {again[1]:.2f} |")
    print()
    print("| completions | median (µs) | p99 (µs) | p99.9 (µs) | max (µs) | slowest busy prefix, mean of 200 (µs) |")
    print("|---:|---:|---:|---:|---:|---:|")
    worst = max(busy)
    print(f"| {len(times):,} | {statistics.median(times):.1f} | {times[int(len(times) * 0.99)]:.1f} | "
          f"{times[int(len(times) * 0.999)]:.1f} | {times[-1]:.1f} | {worst[0]:.1f} (`{worst[1]}`) |")


if __name__ == "__main__":
    main()
