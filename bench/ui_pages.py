"""What the pages of issue 19 cost as the corpus grows: the home page, the contents, a reading page,
a record's breadcrumbs, completions with their counts, a search without hits and its offers, a
name's filter link with its count. Not a test: it prints a Markdown table.

    .venv/bin/python bench/ui_pages.py                          # 1 and 100 copies of the seed, both engines
    .venv/bin/python bench/ui_pages.py --sizes 1,100,1000 --engines tantivy --runs 5

Each size's index is built once into bench/out/ui-<engine>-<n>/ (reused), and served in-process by
Flask's test client (no HTTP, no other process: what is timed is our code and the engine). Every
request is timed twice: the first time a process asks it (first) and once more (repeat); a fresh
app, so a fresh open index and empty caches, is made for each run.
"""
import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.make_corpus import DEFAULT_OUT, make_corpus  # noqa: E402
from search import create_app  # noqa: E402
from search.index.build import build_index  # noqa: E402
from search.index.store import built_with  # noqa: E402

PATHS = [
    ("home", "/"),
    ("contents", "/contents"),
    ("reading, page 2", "/read/{chapter}/49/B?page=2"),
    ("record + crumbs", "/p/{chapter}.49.fn21"),
    ("suggest an", "/api/suggest?q=an"),
    ("suggest qy (phrases)", "/api/suggest?q=qy"),
    ("no hits: faguo", "/search?q=faguo"),
    ("no hits: 区域组织犀鸟", "/search?q=%E5%8C%BA%E5%9F%9F%E7%BB%84%E7%BB%87%E7%8A%80%E9%B8%9F"),
    ("no hits, filters", "/search?q=%E5%92%8C%E5%B9%B3&country=JPN&year=2004"),
    ("France (filter count)", "/search?q=France"),
]


def _index(n, engine):
    folder = DEFAULT_OUT / f"ui-{engine}-{n}" / "index"
    if built_with(folder) != engine:  # none yet, or of an older format
        started = time.perf_counter()
        build_index(make_corpus(n), folder, engine=engine, full=True)
        print(f"built {engine} x{n} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return folder


def _time(client, path):
    started = time.perf_counter()
    response = client.get(path)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{path}: {response.status_code}")
    return elapsed


def measure(n, engine, runs):
    """{label: (first-time samples, repeat samples)} in milliseconds."""
    folder = _index(n, engine)
    out = {label: ([], []) for label, _ in PATHS}
    for _ in range(runs):
        app = create_app({"INDEX_DIR": str(folder)})
        client = app.test_client()
        client.get("/api/search?q=%E5%92%8C")  # open the index, load jieba and the meetings table
        chapter = client.get("/api/contents").get_json()["parts"][0]["chapter"]
        for label, path in PATHS:
            path = path.format(chapter=chapter)
            out[label][0].append(_time(client, path))
            out[label][1].append(_time(client, path))
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,100")
    parser.add_argument("--engines", default="whoosh,tantivy")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    engines = args.engines.split(",")
    results = {(n, e): measure(n, e, args.runs) for e in engines for n in sizes}
    columns = [f"{e} {n}x" for e in engines for n in sizes]
    print("| median ms, first / repeat | " + " | ".join(columns) + " |")
    print("|---" * (len(columns) + 1) + "|")
    for label, _ in PATHS:
        cells = []
        for e in engines:
            for n in sizes:
                first, repeat = results[(n, e)][label]
                cells.append(f"{statistics.median(first):.1f} / {statistics.median(repeat):.1f}")
        print(f"| {label} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
