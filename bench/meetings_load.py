"""How long the UN meetings table takes to load (once per server process, before its first request).

    .venv/bin/python bench/meetings_load.py [--runs 7]

Prints the minimum, median and maximum of fresh loads (no cache: `load_meetings()` parses the
gzipped table every time).
"""
import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from search.reference.meetings import load_meetings  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    runs = []
    for _ in range(args.runs):
        started = time.perf_counter()
        table = load_meetings()
        runs.append(time.perf_counter() - started)
    print(f"{len(table):,} meetings; load min {min(runs) * 1000:.0f} ms, median "
          f"{statistics.median(runs) * 1000:.0f} ms, max {max(runs) * 1000:.0f} ms over {args.runs} runs")


if __name__ == "__main__":
    main()
