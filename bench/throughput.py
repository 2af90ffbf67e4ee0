"""Throughput under load (issue 21): requests per second and p99 latency of first-time searches,
each target served by gunicorn with 2 workers, 16 clients at once.

    .venv/bin/python bench/throughput.py --size 1000                      # whoosh, tantivy, fast_peer
    .venv/bin/python bench/load.py --scenario throughput --size 1000      # the same, through load.py
    .venv/bin/python bench/run.py --sizes 1000 --throughput                # beside the latency tables

On the builds bench/run.py saved in bench/out/n<N>/. Our app runs as in production
(`gunicorn -c gunicorn.conf.py 'search:create_app()'`, WEB_CONCURRENCY=2, its threads per
worker); the fast peer runs under gunicorn with the same workers, threads, worker class and
keep-alive (read from gunicorn.conf.py). Targets are loaded one after another, each once its
workers have settled (warm-up done); every request of a lifetime is a query no earlier request
asked (bench/queries.py, runs 1000 on: strings bench/run.py never asks), the same list in the
same order for every target. Clients are threads with a keep-alive connection each (load.py's).
"""
import argparse
import json
import os
import random
import runpy
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))
sys.path.insert(0, str(PROJECT_ROOT))
import targets  # noqa: E402
from make_corpus import DEFAULT_OUT  # noqa: E402
from procs import PYTHON, free_port, log, process_tree, start, stop, wait_ready  # noqa: E402
from queries import PER_PAGE, first_time_queries  # noqa: E402

TARGETS = ("whoosh", "tantivy", "fast_peer")
FIRST_RUN = 1000  # query runs of bench/queries.py from here on: never bench/run.py's


def add_arguments(parser):
    """The load's options (bench/run.py --throughput takes them too)."""
    parser.add_argument("--load-workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--load-clients", type=int, default=16, help="concurrent clients (default 16)")
    parser.add_argument("--load-requests", type=int, default=25, help="requests per client (default 25)")
    parser.add_argument("--load-timeout", type=float, default=600, help="seconds for one target's load (default 600)")


def load_queries(count, seed=0):
    """`count` distinct queries every target can ask (the peer set), in a shuffled order."""
    seen, out, run = set(), [], FIRST_RUN
    while len(out) < count and run < FIRST_RUN + 1000:
        for spec in first_time_queries(run, seed):
            key = (spec["q"], json.dumps(spec["filters"], sort_keys=True))
            if spec["peer"] is not None and key not in seen:
                seen.add(key)
                out.append(spec)
        run += 1
    random.Random(f"throughput/{seed}").shuffle(out)
    return out[:count]


def search_path(target, spec):
    """The /api/search path that asks `target` the query `spec` (bench/queries.py)."""
    params = [("q", targets.asks(target, spec)), ("per_page", PER_PAGE)]
    params += [(k, v) for k, vs in spec["filters"].items() for v in vs] + list(targets.TARGETS[target].params)
    return "/api/search?" + urlencode(params)


def _gunicorn(target, work, port, workers):
    """(command, environment) serving `target` with gunicorn."""
    bind = f"127.0.0.1:{port}"
    env = {"WEB_CONCURRENCY": str(workers), "GUNICORN_LOGLEVEL": "warning"}
    spec = targets.TARGETS[target]
    if spec.kind == "ours":
        env.update(REPERTOIRE_INDEX_DIR=str(targets.built_at(work, spec.build)), REPERTOIRE_ENGINE=spec.build,
                   REPERTOIRE_BIND=bind)
        return [PYTHON, "-m", "gunicorn", "-c", str(PROJECT_ROOT / "gunicorn.conf.py"), "search:create_app()"], env
    conf = runpy.run_path(str(PROJECT_ROOT / "gunicorn.conf.py"))  # our workers' threads, class and keep-alive
    env["FAST_PEER_DB"] = str(targets.built_at(work, spec.build))
    return [PYTHON, "-m", "gunicorn", "--workers", str(workers), "--threads", str(conf["threads"]),
            "--worker-class", conf["worker_class"], "--keep-alive", str(conf["keepalive"]), "--bind", bind,
            "--log-level", "warning", "--chdir", str(BENCH_DIR), f"{target}:application"], env


def _cpu_seconds(pid):
    total = 0
    for p in process_tree(pid):
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            pass
    return total / os.sysconf("SC_CLK_TCK")


def settle(pid, timeout=120, interval=0.5):
    """Wait until the server's processes use under a tenth of a core: every worker has warmed up."""
    deadline, last, quiet = time.monotonic() + timeout, _cpu_seconds(pid), 0
    while time.monotonic() < deadline and quiet < 2:
        time.sleep(interval)
        now = _cpu_seconds(pid)
        quiet = quiet + 1 if now - last < 0.1 * interval else 0
        last = now


def load_target(target, work, queries, args):
    """Serve `target` with gunicorn, settle, send every query once from the clients; the summary."""
    from client import run_clients

    port = free_port()
    cmd, env = _gunicorn(target, work, port, args.load_workers)
    log_path = work / f"{target}-gunicorn.log"
    proc = start(cmd, log_path, env)
    try:
        wait_ready(proc, port, log_path, 300)
        settle(proc.pid)
        per_client = [[(search_path(target, q), 200) for q in queries[i::args.load_clients]]
                      for i in range(args.load_clients)]
        before = os.getloadavg()
        summary = run_clients("127.0.0.1", port, per_client, args.load_timeout)
        summary.update(loadavg_before=before, loadavg_after=os.getloadavg(), workers=args.load_workers)
    finally:
        stop(proc)
    return summary


def measure(n, work, names, args):
    """{target: summary} at size `n` (saved in work/throughput.json too)."""
    count = args.load_clients * args.load_requests
    queries = load_queries(count, args.seed)
    out = {}
    for target in names:
        log(f"N={n}: throughput: {target}: {len(queries)} first-time queries, {args.load_clients} clients, "
            f"gunicorn with {args.load_workers} workers")
        out[target] = load_target(target, work, queries, args)
        s = out[target]
        log(f"  {target}: {s['requests_per_second']} requests/s, median {s['median_ms']} ms, p99 {s['p99_ms']} ms, "
            f"errors {s['errors']}")
    (work / "throughput.json").write_text(json.dumps({"n": n, "when": time.strftime("%Y-%m-%d %H:%M:%S"),
                                                      "targets": out}, indent=1))
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1000, help="the N whose saved builds to load (default 1000)")
    parser.add_argument("--targets", default=",".join(TARGETS), help=f"default: {','.join(TARGETS)}")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--seed", type=int, default=0)
    add_arguments(parser)
    args = parser.parse_args(argv)
    names = [t.strip() for t in args.targets.split(",") if t.strip()]
    if not names or set(names) - set(TARGETS):
        parser.error(f"--targets: choose from {', '.join(TARGETS)}")
    work = args.out / f"n{args.size}"
    missing = [t for t in names if not targets.built_at(work, targets.TARGETS[t].build).exists()]
    if missing:
        parser.error(f"no build of {', '.join(missing)} in {work}: run bench/run.py --sizes {args.size} first")
    results = measure(args.size, work, names, args)
    print(json.dumps(results, indent=1))
    return 1 if any(s["errors"] for s in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
