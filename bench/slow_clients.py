"""Slow clients (issue 22): normal searches' latency while 64 clients send their requests a byte at a
time, with nginx in front of gunicorn and without it.

    .venv/bin/python bench/load.py --scenario slow-clients              # 3 runs of each setting
    .venv/bin/python bench/slow_clients.py --runs 3 --slow 64 --seconds 30 --json out.json

gunicorn runs with the project's gunicorn.conf.py (2 workers × its 4 threads) over an index of the
seed chapter (1x), either behind Debian's nginx with deploy/nginx.conf (adapted as
tests/system/test_proxy.py does: loopback ports, its files in a temp folder) or on its own. Each
run starts fresh servers and waits until they have warmed up, opens the slow clients (a request's
headers sent a byte every 0.5 s; a connection the server drops is opened again at once, so that
all of them stay open), and 2 s later has the normal clients send first-time searches
(bench/queries.py's, as `--scenario throughput` asks them), each client one every 0.1 s at most
and each search given 5 s, for --seconds. Settings: nginx and direct, each with the slow clients
and, as the baseline, without them; the runs of the settings are interleaved. It prints a table
with a row per run: normal searches sent, answered 200, errors (no answer within 5 s, or another
status), median/p90/p99 of the answered ones, and the 1-minute load average before and after.
"""
import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))
sys.path.insert(0, str(PROJECT_ROOT))
from client import run_clients  # noqa: E402
from procs import PYTHON, free_port, log, start, stop, wait_ready  # noqa: E402
from servers import SlowClients, start_nginx  # noqa: E402  (tests/servers.py, on the path through procs)
from throughput import load_queries, search_path, settle  # noqa: E402

SETTINGS = ("nginx", "direct")
TIMEOUT = 5.0  # seconds a normal search may take before it counts as an error
PACE = 0.1     # seconds between one normal client's searches, at least


def _servers(index_dir, folder, proxy):
    """gunicorn (2 workers) and, for "nginx", nginx in front: (port the clients use, [processes])."""
    upstream = free_port()
    env = {"REPERTOIRE_INDEX_DIR": str(index_dir), "REPERTOIRE_BIND": f"127.0.0.1:{upstream}",
           "WEB_CONCURRENCY": "2", "GUNICORN_LOGLEVEL": "warning"}
    gunicorn = start([PYTHON, "-m", "gunicorn", "-c", str(PROJECT_ROOT / "gunicorn.conf.py"), "search:create_app()"],
                     folder / "gunicorn.log", env)
    procs = [gunicorn]
    try:
        wait_ready(gunicorn, upstream, folder / "gunicorn.log", 300)
        settle(gunicorn.pid)
        if proxy != "nginx":
            return upstream, procs
        port = free_port()
        procs.append(start_nginx(folder / "nginx", port, upstream, folder / "nginx.log"))
        wait_ready(procs[-1], port, folder / "nginx.log", 30)
        return port, procs
    except BaseException:
        for proc in reversed(procs):
            stop(proc)
        raise


def _summary(result, slow):
    """The figures of one run; a client stopped by the end of the run is not an error."""
    errors = result["errors"] - result["stopped"]
    return {"requests": result["requests"] + result["no_answer"], "answered": result["requests"] - (
        errors - result["no_answer"]), "errors": errors, "median_ms": result["median_ms"],
        "p90_ms": result["p90_ms"], "p99_ms": result["p99_ms"], "max_ms": result["max_ms"],
        "error_samples": [e for e in result["error_samples"] if e[0] != "deadline"][:3],
        "slow_reconnects": slow.reconnects if slow else 0}


def one_run(index_dir, work, proxy, slow_count, queries, args):
    """Fresh servers, the slow clients, then the normal clients for args.seconds: the run's figures."""
    folder = Path(tempfile.mkdtemp(prefix=f"{proxy}-", dir=work))
    port, procs = _servers(index_dir, folder, proxy)
    slow = None
    try:
        before = os.getloadavg()[0]
        if slow_count:
            slow = SlowClients(port, slow_count, args.seconds + 30, reconnect=True)
            time.sleep(2)  # every slow connection has sent its first bytes
        per_client = max(1, int(args.seconds / PACE))
        paths = [(search_path("whoosh", q), 200) for q in queries]
        lists = [paths[i::args.clients][:per_client] for i in range(args.clients)]
        result = run_clients("127.0.0.1", port, lists, args.seconds, timeout=TIMEOUT, pace=PACE)
        after = os.getloadavg()[0]
    finally:
        if slow:
            slow.close()
        for proc in reversed(procs):
            stop(proc)
    return {"proxy": proxy, "slow": slow_count, **_summary(result, slow), "loadavg": [before, after]}


def _ms(value):
    return "—" if value is None or value != value else f"{value:,.1f}"


def table(rows):
    """A Markdown table of the runs."""
    out = ["| in front of gunicorn | slow clients | normal searches | answered | errors | median ms | p90 ms | "
           "p99 ms | load average |", "|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in rows:
        load = " → ".join(f"{x:.1f}" for x in r["loadavg"])
        out.append(f"| {'nginx' if r['proxy'] == 'nginx' else 'nothing (direct)'} | {r['slow']} | {r['requests']} | "
                   f"{r['answered']} | {r['errors']} | {_ms(r['median_ms'])} | {_ms(r['p90_ms'])} | "
                   f"{_ms(r['p99_ms'])} | {load} |")
    return "\n".join(out)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each setting (default 3)")
    parser.add_argument("--slow", type=int, default=64, help="slow clients (default 64)")
    parser.add_argument("--clients", type=int, default=4, help="normal clients (default 4)")
    parser.add_argument("--seconds", type=float, default=30, help="how long the normal clients search (default 30)")
    parser.add_argument("--index", type=Path, help="serve this index instead of building one of the seed")
    parser.add_argument("--json", type=Path, help="also write the runs to this file")
    args = parser.parse_args(argv)
    if not (1 <= args.clients <= 64 and 0 <= args.slow <= 400 and 1 <= args.runs <= 20):
        parser.error("--clients must be 1-64, --slow 0-400 and --runs 1-20")
    with tempfile.TemporaryDirectory(prefix="repertoire-slow-") as tmp:
        work = Path(tmp)
        index_dir = args.index
        if index_dir is None:
            from make_corpus import make_corpus
            from search.index.build import build_index

            index_dir = work / "index"
            build_index(make_corpus(1, work / "corpus"), index_dir)
        # As many first-time searches as a run can send: each run has fresh servers, so the same list.
        queries = load_queries(args.clients * max(1, int(args.seconds / PACE)))
        runs = []
        for run in range(args.runs):
            for proxy in SETTINGS:
                for slow in dict.fromkeys((args.slow, 0)):
                    log(f"run {run + 1}/{args.runs}: {proxy}, {slow} slow clients, {args.clients} normal clients")
                    runs.append(one_run(index_dir, work, proxy, slow, queries, args))
                    r = runs[-1]
                    log(f"  {r['answered']}/{r['requests']} answered, errors {r['errors']}, median "
                        f"{_ms(r['median_ms'])} ms, p99 {_ms(r['p99_ms'])} ms, slow reconnects {r['slow_reconnects']}")
    print(table(runs))
    if args.json:
        args.json.write_text(json.dumps({"when": time.strftime("%Y-%m-%d %H:%M:%S"), "args": {
            k: str(v) for k, v in vars(args).items()}, "runs": runs}, ensure_ascii=False, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
