"""Profile our server side of /api/search with cProfile (no HTTP: Flask's test client in-process).

    .venv/bin/python bench/profile_ours.py --index bench/out/n100/whoosh [--class frequent] [--repeat 5]

Warms up once (jieba, index open), then profiles `--repeat` passes over the first-time queries of
run 0 of bench/run.py (`--class` keeps one class of them), and prints the hottest functions by own time and by cumulative time.
Writes the raw profile to bench/out/profile-<class>.prof (open with `python -m pstats`).
"""
import argparse
import cProfile
import io
import pstats
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent))
sys.path.insert(0, str(BENCH_DIR))
from queries import CLASSES, PER_PAGE, first_time_queries  # noqa: E402


def url(q, filters):
    params = [("q", q), ("per_page", PER_PAGE)] + [(k, v) for k, vs in filters.items() for v in vs]
    return "/api/search?" + urlencode(params)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True, type=Path)
    parser.add_argument("--class", dest="cls", default="all",
                        help=f"{', '.join(CLASSES)}, all, or unseen (run 1's queries, each asked once)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--out", type=Path, default=BENCH_DIR / "out")
    parser.add_argument("--cold", action="store_true",
                        help="profile app creation and the first request of each query instead (no warm-up)")
    args = parser.parse_args(argv)
    unseen = args.cls == "unseen"
    if unseen:  # warm up on the mix, then profile queries asked for the first time
        queries = [(s["q"], s["filters"]) for s in first_time_queries(0)]
    else:
        queries = [(s["q"], s["filters"]) for s in first_time_queries(0) if args.cls in ("all", s["class"])]
    if not queries:
        parser.error(f"no queries of class {args.cls!r}")
    profiler = cProfile.Profile()
    t0 = time.perf_counter()
    if args.cold:
        profiler.enable()
    from search import create_app

    app = create_app({"INDEX_DIR": str(args.index), "TESTING": True})
    client = app.test_client()
    for q, f in queries:  # warm-up: jieba, the index, caches of the first request
        assert client.get(url(q, f)).status_code == 200
    repeat = 1 if args.cold else max(1, min(args.repeat, 100))
    if unseen:
        queries, repeat = [(s["q"], s["filters"]) for s in first_time_queries(1)], 1
    if not args.cold:
        t0 = time.perf_counter()
        profiler.enable()
        for _ in range(repeat):
            for q, f in queries:
                client.get(url(q, f))
    profiler.disable()
    elapsed = time.perf_counter() - t0
    n = repeat * len(queries)
    if args.cold:
        args.cls += "-cold"
    print(f"{n} requests in {elapsed:.2f} s ({1000 * elapsed / n:.1f} ms each, profiled)")
    args.out.mkdir(parents=True, exist_ok=True)
    prof = args.out / f"profile-{args.cls}.prof"
    profiler.dump_stats(prof)
    for key in ("tottime", "cumulative"):
        buf = io.StringIO()
        pstats.Stats(profiler, stream=buf).strip_dirs().sort_stats(key).print_stats(args.top)
        print(f"--- by {key} ---")
        print("\n".join(line for line in buf.getvalue().splitlines() if line.strip())[:12000])
    print(f"raw profile: {prof}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
