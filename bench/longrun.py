"""Running for years, measured: chapters added and removed one at a time while a server answers.

    .venv/bin/python bench/longrun.py                      # 200 builds per engine, both engines
    .venv/bin/python bench/longrun.py --steps 100 --engines whoosh --max-files 256

For each engine: an index of the seed chapter, then `--steps` incremental builds, each adding one
small chapter and removing the oldest (4 are kept), while gunicorn (1 worker x 4 threads, `ulimit
-n` --max-files) answers searches from a client thread all along. Every 20 builds it prints the
worker's open descriptors, the index's segments, the median time of 40 searches over HTTP, the
median build time, and the failed requests so far (tests/system/test_longrun.py asserts the
bounds; the figures are here).
"""
import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import requests

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT / "tests"))
sys.path.insert(0, str(PROJECT_ROOT / "tests" / "system"))

from paths import SEED  # noqa: E402
from servers import children, free_port, open_files, start_process, stop_process, wait_for_http  # noqa: E402
from test_longrun import KEPT, WORD, Searching, small_chapters  # noqa: E402

from search.engines import engine_class, engine_files  # noqa: E402
from search.index.build import build_index  # noqa: E402
from search.index.store import version_of  # noqa: E402


def _median_query_ms(base, n=40):
    times = []
    with requests.Session() as session:
        for i in range(n):
            started = time.perf_counter()
            session.get(f"{base}/api/search", params={"q": ("区域组织", WORD, "安全理事会 合作")[i % 3]}, timeout=30)
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def run(engine, steps, max_files, folder):
    chapters = small_chapters(folder / "src", steps)
    index_dir = folder / "index"
    build_index([SEED], index_dir, engine=engine)
    port = free_port()
    log = folder / "gunicorn.log"
    env = {**os.environ, "REPERTOIRE_INDEX_DIR": str(index_dir), "WEB_CONCURRENCY": "1",
           "REPERTOIRE_BIND": f"127.0.0.1:{port}"}
    proc = start_process([sys.executable, "-m", "gunicorn", "-c", str(PROJECT_ROOT / "gunicorn.conf.py"),
                          "search:create_app()"], log, env=env, max_files=max_files)
    base = f"http://127.0.0.1:{port}"
    searching = Searching(base)
    rows, builds = [], []
    try:
        wait_for_http(base + "/api/search?q=", proc, log, timeout=120)
        [worker] = children(proc.pid)
        rows.append((0, open_files(worker), engine_class(engine).segments(engine_files(version_of(index_dir))),
                     _median_query_ms(base), 0.0, 0))
        searching.start()
        for step in range(steps):
            started = time.perf_counter()
            build_index([SEED, *chapters[max(0, step - KEPT + 1):step + 1]], index_dir, engine=engine)
            builds.append(time.perf_counter() - started)
            if step % 20 == 19:
                rows.append((step + 1, open_files(worker),
                             engine_class(engine).segments(engine_files(version_of(index_dir))),
                             _median_query_ms(base), statistics.median(builds[-20:]), len(searching.failures)))
                print(f"{engine}: " + "  ".join(f"{k} {v}" for k, v in zip(
                    ("builds", "fds", "segments", "median query ms", "median build s", "failed"),
                    _fmt(rows[-1]))), flush=True)
    finally:
        searching.stop.set()
        searching.join(timeout=60)
        stop_process(proc)
    return rows, searching.count


def _fmt(row):
    return [row[0], row[1], row[2], f"{row[3]:.1f}", f"{row[4]:.2f}", row[5]]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--engines", default="whoosh,tantivy")
    parser.add_argument("--max-files", type=int, default=256)
    args = parser.parse_args()
    for engine in args.engines.split(","):
        with tempfile.TemporaryDirectory(prefix=f"longrun-{engine}-") as tmp:
            rows, count = run(engine, args.steps, args.max_files, Path(tmp))
        print(f"\n{engine}, ulimit -n {args.max_files}, {count} requests during the builds\n")
        print("| builds | open descriptors | segments | median search (ms) | median build (s) | failed requests |")
        print("|---|---|---|---|---|---|")
        for row in rows:
            print("| " + " | ".join(map(str, _fmt(row))) + " |")
        print()


if __name__ == "__main__":
    main()
