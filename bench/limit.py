"""The limit: bare tantivy in-process over our tantivy index's bigrams and facets, no HTTP, no Python
answer around it. What no server of ours can beat on the same index and machine (issue 21).

    .venv/bin/python bench/limit.py --index bench/out/n1000/tantivy 区域组织 --country CHN
    .venv/bin/python bench/limit.py --index bench/out/n1000/tantivy --serve   # JSON lines on stdin/stdout

A query is what the peers answer (substring semantics): its space-separated terms, each
normalised and matched as a string of our index's `grams` (or `chars` for one character), ANDed,
with the facet filters. For each query it does what a search must, and nothing else: the top
hits by tantivy's BM25 with the total, the six facets' counts (one aggregation per set of
filters a facet is counted under, on a second thread meanwhile, as our engine does), and each
hit's stored record (bytes, not parsed). Timed inside the process: `ms` is the floor of one search.

`--serve` reads one JSON object a line ({"q", "filters", "per_page"}) and answers one a line
({"ms", "total", "facets"}); bench/run.py starts one per run, like a server, after "ready".
"""
import argparse
import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent))
from tantivy import Index, Occur, Query  # noqa: E402

from search.engines import engine_files  # noqa: E402
from search.engines.tantivy import AGG_SIZE, SCHEMA, _contains  # noqa: E402  (the same bigram queries)
from search.engines import FACETS  # noqa: E402
from search.index.store import version_of  # noqa: E402
from search.text import normalize, squash  # noqa: E402


class Limit:
    """One open tantivy index and the bare search over it."""

    def __init__(self, index_dir):
        version = version_of(index_dir)
        if version is None:
            raise SystemExit(f"no index at {index_dir}")
        self.index = Index.open(str(engine_files(version)))
        self.index.config_reader("manual", 0)
        self.searcher = self.index.searcher()
        self.pool = ThreadPoolExecutor(2)

    def _query(self, q, filters):
        parts = [(Occur.Must, _contains(key)) for key in (squash(normalize(t)) for t in q.split()) if key]
        by_facet = {f: Query.term_set_query(SCHEMA, f, list(vs)) for f, vs in filters.items() if vs and f in FACETS}
        return parts, by_facet

    def _aggregate(self, text, by_facet):
        """Disjunctive counts, one aggregation per set of other filters."""
        groups = {}
        for f in FACETS:
            groups.setdefault(tuple(n for n in by_facet if n != f), []).append(f)
        counts = {}
        for others, facets in groups.items():
            parts = text + [(Occur.Must, by_facet[n]) for n in others]
            query = Query.boolean_query(parts) if parts else Query.all_query()
            aggs = {f: {"terms": {"field": f, "size": AGG_SIZE, "segment_size": AGG_SIZE}} for f in facets}
            found = self.searcher.aggregate(query, aggs)
            counts.update({f: {b["key"]: b["doc_count"] for b in found[f]["buckets"]} for f in facets})
        return counts

    def search(self, q, filters, per_page=20):
        """{"ms", "total", "facets"}: the hits found, counted and fetched, timed."""
        started = time.perf_counter()
        text, by_facet = self._query(q, filters)
        counting = self.pool.submit(self._aggregate, text, by_facet)
        parts = text + [(Occur.Must, f) for f in by_facet.values()]
        result = self.searcher.search(Query.boolean_query(parts) if parts else Query.all_query(), per_page, True)
        records = [self.searcher.doc(address)["data"][0] for _, address in result.hits]
        counts = counting.result()
        ms = (time.perf_counter() - started) * 1000
        return {"ms": ms, "status": 200, "total": result.count, "hits": len(records),
                "facets": {f: {str(k): n for k, n in vs.items() if n} for f, vs in counts.items()}}


def serve(limit):
    """JSON lines: a query in, its sample out (stdout carries nothing else)."""
    print("ready", flush=True)
    for line in sys.stdin:
        spec = json.loads(line)
        try:
            sample = limit.search(spec["q"], spec.get("filters") or {}, spec.get("per_page", 20))
        except (ValueError, OSError) as exc:
            sample = {"ms": None, "status": 500, "error": str(exc)[:200], "total": None, "facets": {}}
        print(json.dumps(sample), flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True, type=Path, help="a tantivy index built by `python -m search build`")
    parser.add_argument("--serve", action="store_true", help="JSON lines on stdin and stdout")
    parser.add_argument("text", nargs="?", default="")
    for name in FACETS:
        parser.add_argument(f"--{name}", action="append", default=[])
    args = parser.parse_args(argv)
    limit = Limit(args.index)
    if args.serve:
        serve(limit)
    else:
        print(json.dumps(limit.search(args.text, {f: getattr(args, f) for f in FACETS}), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
