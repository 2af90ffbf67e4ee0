"""A bounded load test on loopback: gunicorn with several workers, N clients × M mixed requests.

    .venv/bin/python bench/load.py                          # 8 clients × 500 requests, seed index
    .venv/bin/python bench/load.py --clients 4 --requests 200 --workers 2 --copies 10
    .venv/bin/python bench/load.py --url http://127.0.0.1:8000   # a server that is already running
    .venv/bin/python bench/load.py --scenario throughput --size 1000   # first-time searches, 2 workers, 16 clients
    .venv/bin/python bench/load.py --scenario slow-clients   # 64 slow clients, with nginx in front and without

It builds an index of the seed chapters (or N copies, `--copies`) in a temp folder, starts
`gunicorn -c gunicorn.conf.py 'search:create_app()'` on a free loopback port, and has each client
(a thread with its own keep-alive connection) send its requests: searches with and without
facets, further pages and other sorts, permalinks, document and meeting pages, the home page,
and bad requests whose 400/404 is expected. It prints requests/s, median/p90/p99 latency, the
expected 4xx and the errors (any 5xx, connection failure or unexpected status), and exits 1 when
there is an error. Only loopback addresses are accepted; the run stops after --max-seconds.
"""
import argparse
import http.client
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))
sys.path.insert(0, str(PROJECT_ROOT))
from client import run_clients  # noqa: E402
from procs import free_port, wait_ready  # noqa: E402
LOOPBACK = {"127.0.0.1", "localhost", "::1"}

QUERIES = ("区域组织", "安全理事会", "和平", "合作", "待命部队", "谅解备忘录", "安", "S/PV.5007", "5649",
           "\"稳定进程\"", "非洲联盟 -欧洲联盟", "维和 OR 维持和平", "安全理事會", "第5649次会议", "建设和平委员会")
FILTERS = ({"country": "FRA"}, {"country": ["CHN", "GBR"]}, {"meeting": "5007"}, {"year": "2007"},
           {"kind": "paragraph"}, {"org": "AU"}, {"from": "2004-01-01", "to": "2005-12-31"},
           {"country": "法国", "year": "2004"})
BAD = (("/api/search?page=0", 400), ("/api/search?per_page=abc", 400), ("/search?country=XXX", 400),
       ("/api/search?sort=random", 400), ("/p/no-such-record", 404), ("/api/p/nope", 404),
       ("/meeting/99998", 404), ("/search?q=" + quote("\"未闭合") + "&page=99999", 400))


def _path(base, params):
    return f"{base}?{urlencode(params, doseq=True)}" if params else base


def request_mix(rng, ids, n):
    """`n` (path, expected status) pairs: the mix one client sends."""
    out = []
    for _ in range(n):
        roll = rng.random()
        q = rng.choice(QUERIES)
        endpoint = rng.choice(("/api/search", "/search"))
        if roll < 0.30:      # a plain search
            out.append((_path(endpoint, {"q": q}), 200))
        elif roll < 0.50:    # a search narrowed by facets
            out.append((_path(endpoint, {"q": rng.choice(("", q)), **rng.choice(FILTERS)}), 200))
        elif roll < 0.60:    # a further page or another order
            out.append((_path(endpoint, {"q": q, "page": rng.choice((2, 3)), "sort": rng.choice(
                ("relevance", "date", "document"))}), 200))
        elif roll < 0.80:    # a permalink
            out.append((f"{rng.choice(('/p/', '/api/p/'))}{rng.choice(ids)}", 200))
        elif roll < 0.90:    # the other pages
            out.append((rng.choice(("/", "/doc/S/PV.5007", "/meeting/5007", "/meeting/5649", "/opensearch.xml",
                                    "/static/style.css")), 200))
        else:                # a bad request: its 4xx is expected
            out.append(rng.choice(BAD))
    return out


def _record_ids(host, port, limit=300):
    conn = http.client.HTTPConnection(host, port, timeout=30)
    ids, page = [], 1
    while len(ids) < limit:
        conn.request("GET", f"/api/search?per_page=100&sort=document&page={page}")
        body = json.loads(conn.getresponse().read())
        ids += [h["id"] for h in body["hits"]]
        if not body["hits"] or len(ids) >= body["total"]:
            break
        page += 1
    conn.close()
    return ids


def run_load(host, port, clients, per_client, seed, max_seconds):
    """Run the clients; returns the summary dict."""
    ids = _record_ids(host, port)
    return run_clients(host, port, [request_mix(random.Random(seed + i), ids, per_client) for i in range(clients)],
                       max_seconds)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument("--requests", type=int, default=500, help="requests per client (default 500)")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: gunicorn.conf.py's)")
    parser.add_argument("--threads", type=int, default=None, help="threads per worker (default: gunicorn.conf.py's)")
    parser.add_argument("--copies", type=int, default=1, help="index N copies of the seed chapter (default 1)")
    parser.add_argument("--index", type=Path, help="serve this index instead of building one")
    parser.add_argument("--url", help="load an already running server on loopback instead of starting gunicorn")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the request mix")
    parser.add_argument("--max-seconds", type=float, default=300, help="stop the run after this long (default 300)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--scenario", choices=("mixed", "throughput", "slow-clients"), default="mixed",
                        help="mixed: the request mix above (default); throughput: first-time searches on the "
                             "saved builds of bench/run.py, gunicorn with 2 workers and 16 clients for whoosh, "
                             "tantivy and the fast peer (bench/throughput.py: --size, --targets, --load-*); "
                             "slow-clients: normal searches while 64 clients send their requests a byte at a "
                             "time, with nginx in front of gunicorn and without (bench/slow_clients.py: --runs, "
                             "--slow, --clients, --seconds, --index, --json)")
    args, rest = parser.parse_known_args(argv)
    if args.scenario == "throughput":
        import throughput

        return throughput.main(rest)
    if args.scenario == "slow-clients":  # its own options, --clients and --json included
        import slow_clients

        given = sys.argv[1:] if argv is None else list(argv)
        return slow_clients.main([a for i, a in enumerate(given) if not a.startswith("--scenario")
                                  and (i == 0 or given[i - 1] != "--scenario")])
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    if not (1 <= args.clients <= 64 and 1 <= args.requests <= 10000):
        parser.error("--clients must be 1-64 and --requests 1-10000")

    proc, tmp = None, None
    try:
        if args.url:
            url = urlsplit(args.url)
            if url.hostname not in LOOPBACK:
                parser.error("--url must be a loopback address (127.0.0.1, localhost or ::1)")
            host, port = url.hostname, url.port or 80
            wait_ready(None, port, "(no log)", 90, host=host)
        else:
            tmp = tempfile.TemporaryDirectory(prefix="repertoire-load-")
            index_dir = args.index
            if index_dir is None:
                from make_corpus import make_corpus
                from search.index.build import build_index

                files = make_corpus(args.copies, Path(tmp.name) / "corpus")
                index_dir = Path(tmp.name) / "index"
                print(f"building an index of {len(files)} chapter file(s)…", file=sys.stderr)
                stats = build_index(files, index_dir)
                print(f"indexed {stats['units']} units in {stats['seconds']:.1f} s", file=sys.stderr)
            host, port = "127.0.0.1", free_port()
            env = {**os.environ, "REPERTOIRE_INDEX_DIR": str(index_dir), "REPERTOIRE_BIND": f"{host}:{port}",
                   "GUNICORN_LOGLEVEL": "warning"}
            if args.workers:
                env["WEB_CONCURRENCY"] = str(args.workers)
            if args.threads:
                env["GUNICORN_THREADS"] = str(args.threads)
            log_path = Path(tmp.name) / "gunicorn.log"
            log = open(log_path, "wb")
            proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", str(PROJECT_ROOT / "gunicorn.conf.py"),
                                     "search:create_app()"], cwd=PROJECT_ROOT, env=env, stdout=log,
                                    stderr=subprocess.STDOUT)
            wait_ready(proc, port, log_path, 90)
        summary = run_load(host, port, args.clients, args.requests, args.seed, args.max_seconds)
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if tmp is not None:
            tmp.cleanup()

    summary["workers"] = args.workers or "gunicorn.conf.py default"
    summary["cpus"] = os.cpu_count()
    print(f"{summary['clients']} clients × {summary['requests_per_client']} requests = {summary['requests']} "
          f"in {summary['seconds']} s: {summary['requests_per_second']} requests/s")
    print(f"latency: median {summary['median_ms']} ms, p90 {summary['p90_ms']} ms, p99 {summary['p99_ms']} ms, "
          f"max {summary['max_ms']} ms")
    print(f"expected 4xx (bad requests): {summary['expected_4xx']}; errors: {summary['errors']}")
    for path, what in summary["error_samples"]:
        print(f"  error: {path}: {what}")
    if args.json:
        args.json.write_text(json.dumps(summary, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 1 if summary["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
