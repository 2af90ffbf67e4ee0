"""Benchmark our app (Whoosh and tantivy engines) side by side with two peers and the limit.

    .venv/bin/python bench/run.py                                   # N = 1, 100, 1000; 3 runs
    .venv/bin/python bench/run.py --sizes 1,10 --runs 2             # quick
    .venv/bin/python bench/run.py --sizes 1000 --engines whoosh,fast_peer
    .venv/bin/python bench/run.py --sizes 100,1000 --throughput     # and requests/s under load
    .venv/bin/python bench/run.py --report                          # the tables of what is saved

The targets (bench/targets.py): our app with each engine, the fast peer (SQLite FTS5 written for
speed), the old peer, and the limit (bare tantivy in-process). For each N it makes a corpus of N
copies of the seed chapter and builds every target once (timed, with the builder's peak memory;
our engines also an incremental build: one chapter added, then removed). Each run then starts a
new server per target on a free loopback port (the limit: a new process), sends the run's
first-time queries to all of them interleaved, then the same strings again (repeat), then every
route of our app. Builds and finished sizes are saved under bench/out/n<N>/, so a rerun only
does what is missing (--rebuild, --rerun to redo). Writes bench/out/results.json and results.md
and prints the tables.
"""
import argparse
import hashlib
import json
import os
import platform
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))
sys.path.insert(0, str(BENCH_DIR.parent))
import report  # noqa: E402
import targets  # noqa: E402
import throughput  # noqa: E402
from make_corpus import DEFAULT_OUT, extra_chapter, make_corpus  # noqa: E402
from procs import (PYTHON, MemoryWatch, free_port, log, process_tree, proc_status_kb, start, stop,  # noqa: E402
                   tail, tree_pss_mb, wait_ready)
from queries import PER_PAGE, first_time_queries, route_paths  # noqa: E402
from client import fetch, search  # noqa: E402

TARGETS = tuple(targets.TARGETS)
OURS = targets.OURS
EXPORT_PATH = "/search.csv?q=%E5%AE%89%E5%85%A8"  # 安全
OPEN_CODE = ("import sys, time; from search.index.store import open_engine; t = time.perf_counter(); "
             "e = open_engine(sys.argv[1]); print(time.perf_counter() - t)")


# ---------------------------------------------------------------- build


def timed(cmd, log_path, timeout, env=None):
    """Run a command to its end; returns seconds and the peak memory of its process tree."""
    proc = start(cmd, log_path, env)
    t0 = time.perf_counter()
    try:
        with MemoryWatch(proc.pid) as watch:
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                raise RuntimeError(f"timed out after {timeout:.0f} s") from None
    finally:
        stop(proc)
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        last = tail(log_path, 8)
        raise RuntimeError(f"exit status {proc.returncode}: {last.splitlines()[-1] if last else '(no output)'}\n{last}")
    return {"seconds": seconds, "peak_rss_mb": watch.peak_tree_kb / 1024, "peak_pss_mb": watch.peak_pss_kb / 1024,
            "peak_process_hwm_mb": watch.peak_process_kb / 1024}


def dir_size_mb(path):
    """Bytes on disk of a file or a folder (an index symlink is followed to its version folder), in MB."""
    path = Path(path).resolve()
    if path.is_file():
        return path.stat().st_size / 2**20
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


def _ours_units(index):
    from search.index.store import STATS, read_json, version_of

    return read_json(version_of(index) / STATS, "statistics")["units"]


def _peer_units(db):
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return conn.execute("SELECT count(*) FROM units").fetchone()[0]


def build_ours(engine, n, files, work, args):
    """Full build, then the incremental pair (add one chapter, remove it again), and the index open time."""
    index = work / engine
    build = [PYTHON, "-m", "search", "build", "--index", str(index), "--engine", engine, "--quiet"]
    timeout = args.build_timeout or (300 + 5 * n)
    stats = timed(targets.build_command(PYTHON, engine, work, files), work / f"{engine}-build.log", timeout)
    stats.update(units=_ours_units(index), disk_mb=dir_size_mb(index), path=str(index))
    extra = extra_chapter(n, args.out)
    add = timed(build + [*map(str, files), str(extra)], work / f"{engine}-add.log", timeout)
    remove = timed(build + list(map(str, files)), work / f"{engine}-remove.log", timeout)
    stats["incremental"] = {"add_s": add["seconds"], "remove_s": remove["seconds"],
                            "add_peak_pss_mb": add["peak_pss_mb"], "remove_peak_pss_mb": remove["peak_pss_mb"]}
    if _ours_units(index) != stats["units"]:
        raise RuntimeError(f"after adding and removing {extra.name} the index holds {_ours_units(index)} units, "
                           f"not {stats['units']}")
    stats["open_s"] = time_open(index)
    return stats


def time_open(index):
    """Seconds to open the index in a new process (imports excluded): the engine issue's "index opens"."""
    out = subprocess.run([PYTHON, "-c", OPEN_CODE, str(index)], cwd=BENCH_DIR.parent, capture_output=True,
                         text=True, timeout=600)
    if out.returncode != 0:
        raise RuntimeError(f"cannot open {index}: {out.stderr.strip()[-300:]}")
    return float(out.stdout.strip().splitlines()[-1])


def build_peer(target, n, files, work, args):
    """A peer's database, built from scratch."""
    db = targets.built_at(work, target)
    stats = timed(targets.build_command(PYTHON, target, work, files), work / f"{target}-build.log",
                  args.build_timeout or (300 + 5 * n))
    stats.update(units=_peer_units(db), disk_mb=dir_size_mb(db), path=str(db))
    return stats


def _digest(paths):
    h = hashlib.sha1()
    for path in sorted(paths):
        if path.is_file() and "__pycache__" not in path.parts:
            h.update(str(path.relative_to(BENCH_DIR.parent)).encode() + path.read_bytes())
    return h.hexdigest()[:12]


def app_version():
    """A digest of the app's and the benchmark's code: a saved size is kept only with the same code."""
    return _digest([*(BENCH_DIR.parent / "search").rglob("*"), *BENCH_DIR.glob("*.py")])


def build_version(build):
    """A digest of the code a build runs: a saved build is reused only by the same code (changes to
    code that only reads an index, targets.NOT_BUILT, keep it)."""
    root = BENCH_DIR.parent
    skipped = targets.NOT_BUILT.get(build, ())
    paths = [p for p in (root / "search").rglob("*")
             if not str(p.relative_to(root)).startswith(skipped)]
    return _digest(paths + [BENCH_DIR / name for name in targets.BUILD_SCRIPTS.get(build, ())])


def ensure_build(target, n, files, work, args):
    """The build figures of `target` at size `n`: saved ones, or a new build. {"error"} when it fails."""
    saved = work / f"build-{target}.json"
    built = targets.built_at(work, target)
    if saved.exists() and built.exists() and not args.rebuild:
        stats = json.loads(saved.read_text())
        if stats.get("files") == len(files) and stats.get("code") == build_version(target):
            log(f"N={n}: {target}: reusing the build of {stats['when']} (--rebuild to redo)")
            return stats
    log(f"N={n}: {target}: building ({len(files)} files)")
    try:
        stats = (build_ours if target in targets.ENGINES else build_peer)(target, n, files, work, args)
    except RuntimeError as exc:
        log(f"N={n}: {target}: SKIPPED, the build failed: {str(exc).splitlines()[0]} (log in {work})")
        return {"error": str(exc)}
    stats.update(files=len(files), when=time.strftime("%Y-%m-%d %H:%M:%S"), code=build_version(target),
                 units_per_s=stats["units"] / stats["seconds"])
    saved.write_text(json.dumps(stats, indent=1))
    inc = stats.get("incremental")
    log(f"N={n}: {target}: {stats['units']} units in {stats['seconds']:.1f} s ({stats['units_per_s']:,.0f}/s), "
        f"peak PSS {stats['peak_pss_mb']:.0f} MB, {stats['disk_mb']:.0f} MB on disk"
        + (f"; +1 chapter {inc['add_s']:.1f} s, -1 chapter {inc['remove_s']:.1f} s; opens in {stats['open_s']:.2f} s"
           if inc else ""))
    return stats


# ---------------------------------------------------------------- servers


class LimitProcess:
    """The limit's process (bench/limit.py --serve): a query a line in, its sample a line out."""

    def __init__(self, cmd, log_path, timeout):
        with open(log_path, "wb") as log_file:
            self.proc = subprocess.Popen(cmd, cwd=BENCH_DIR.parent, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=log_file, text=True, start_new_session=True)
        self.log_path = log_path
        t0 = time.perf_counter()
        line = self.proc.stdout.readline()  # the index opened: "ready"
        if line.strip() != "ready":
            stop(self.proc)
            raise RuntimeError(f"the limit did not start:\n{tail(log_path)}")
        self.ready_s = time.perf_counter() - t0
        self.pid = self.proc.pid

    def ask(self, q, filters, per_page):
        self.proc.stdin.write(json.dumps({"q": q, "filters": filters, "per_page": per_page}) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            return {"ms": None, "status": None, "error": f"the limit exited:\n{tail(self.log_path, 5)}",
                    "total": None, "facets": {}}
        return json.loads(line)


def start_server(target, work, timeout):
    """A new server for `target` (the limit: a new process); returns (proc, port or LimitProcess, info)."""
    log_path = work / f"{target}-serve.log"
    spec = targets.TARGETS[target]
    if spec.kind == "limit":
        limit = LimitProcess(targets.serve_command(PYTHON, target, work, None), log_path, timeout)
        return limit.proc, limit, {"ready_s": limit.ready_s, "pss_after_ready_mb": tree_pss_mb(limit.pid)}
    port = free_port()
    cmd = targets.serve_command(PYTHON, target, work, port)
    proc = start(cmd, log_path, env={"REPERTOIRE_ENGINE": spec.build} if spec.kind == "ours" else None)
    try:
        ready = wait_ready(proc, port, log_path, timeout)
    except BaseException:  # not ready, or Ctrl-C while waiting: the process is not left behind
        stop(proc)
        raise
    return proc, port, {"ready_s": ready, "pss_after_ready_mb": tree_pss_mb(proc.pid)}


def start_servers(targets_, work, args, rng, servers):
    """Start a server per target into `servers`, in random order; one that fails is left out with a log line."""
    for target in rng.sample(list(targets_), len(targets_)):
        try:
            servers[target] = start_server(target, work, args.ready_timeout)
        except RuntimeError as exc:
            log(f"  {target}: SKIPPED this run, the server did not start: {str(exc).splitlines()[0]}")


# ---------------------------------------------------------------- one run


def ask_all(servers, queries, timeout, rng):
    """Every query to every target that can ask it, interleaved; returns {target: [sample or None]}."""
    out = {t: [] for t in servers}
    for spec in queries:
        for target in rng.sample(list(servers), len(servers)):
            q = targets.asks(target, spec)
            if q is None:
                out[target].append(None)
                continue
            handle = servers[target][1]
            if isinstance(handle, LimitProcess):
                out[target].append(handle.ask(q, spec["filters"], PER_PAGE))
            else:
                filters = {**spec["filters"], **{k: [v] for k, v in targets.TARGETS[target].params}}
                out[target].append(search(handle, q, filters, PER_PAGE, timeout))
    return out


def ask_routes(servers, paths, timeout, rng, export_runs):
    """Every route of our app on our servers (the peer has /api/search only); {target: {route: [samples]}}."""
    ours = [t for t in servers if t in OURS and not targets.TARGETS[t].params]  # one mode of each engine
    out = {t: {route: [] for route in [*paths, "export"]} for t in ours}
    missing = set()
    for route, route_paths_ in paths.items():
        for path in route_paths_:
            for target in rng.sample(ours, len(ours)):
                if (target, route) in missing:
                    continue
                sample = fetch(servers[target][1], path, timeout)
                sample.pop("body", None)
                if route == "suggest" and sample["status"] == 404 and not out[target][route]:
                    log(f"  {target}: /api/suggest answers 404: suggest skipped")
                    missing.add((target, route))
                    continue
                out[target][route].append(sample)
    for _ in range(export_runs):
        for target in rng.sample(ours, len(ours)):
            sample = fetch(servers[target][1], EXPORT_PATH, timeout)
            sample.pop("body", None)
            out[target]["export"].append(sample)
    return out


def one_run(n, run, targets, work, args):
    """New servers, first-time queries, repeat queries, routes; returns the run's samples."""
    rng = random.Random(f"order/{args.seed}/{n}/{run}")
    queries = first_time_queries(run, args.seed)
    load_before = os.getloadavg()
    servers = {}
    try:  # the finally stops every server started, even when Ctrl-C comes while others start
        start_servers(targets, work, args, rng, servers)
        t0 = time.perf_counter()
        first = ask_all(servers, queries, args.request_timeout, rng)
        repeat = ask_all(servers, queries, args.request_timeout, rng)
        routes = ask_routes(servers, route_paths(run, n, args.seed), args.request_timeout, rng, args.export_runs)
        server = {t: {**s[2], "peak_rss_mb": sum(proc_status_kb(p, "VmHWM") for p in process_tree(s[0].pid)) / 1024,
                      "pss_end_mb": tree_pss_mb(s[0].pid)} for t, s in servers.items()}
        log(f"  run {run + 1}/{args.runs}: {len(queries)} queries x 2 and the routes in {time.perf_counter() - t0:.0f} s; "
            + ", ".join(f"{t} ready in {s['ready_s']:.2f} s" for t, s in server.items()))
    finally:
        for proc, _, _ in servers.values():
            stop(proc)
    return {"run": run, "queries": queries, "first": first, "repeat": repeat, "routes": routes, "server": server,
            "loadavg": os.getloadavg(), "loadavg_before": load_before}


def bench_size(n, args):
    """Everything for one N; returns the results dict for it (also saved to n<N>/result.json)."""
    work = args.out / f"n{n}"
    work.mkdir(parents=True, exist_ok=True)
    files = make_corpus(n, args.out)
    needed = dict.fromkeys(targets.TARGETS[t].build for t in args.engines)
    builds = {b: ensure_build(b, n, files, work, args) for b in needed}
    live = [t for t in args.engines if "error" not in builds[targets.TARGETS[t].build]]
    result = {"n": n, "files": len(files), "when": time.strftime("%Y-%m-%d %H:%M:%S"), "engines": live,
              "skipped": {t: builds[targets.TARGETS[t].build]["error"].splitlines()[0] for t in args.engines
                          if t not in live},
              "build": {b: stats for b, stats in builds.items()}, "loadavg_before": os.getloadavg(), "runs": []}
    for run in range(args.runs):
        log(f"N={n}: run {run + 1}/{args.runs}: new servers for {', '.join(live)}")
        result["runs"].append(one_run(n, run, live, work, args))
    if args.throughput:
        result["throughput"] = throughput.measure(n, work, [t for t in live if t in throughput.TARGETS], args)
    result["summary"] = report.summarise_size(result)
    result["code"] = app_version()
    for problem in result["summary"]["mismatches"]:
        log(f"N={n}: MISMATCH: {problem['what']}")
    (work / "result.json").write_text(json.dumps(result, ensure_ascii=False, indent=1))
    return result


# ---------------------------------------------------------------- main


def saved_sizes(out):
    """Every size's saved result, by N."""
    found = {}
    for path in out.glob("n*/result.json"):
        try:
            r = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        r["summary"] = report.summarise_size(r)  # by the report's rules of now, from the samples
        found[r["n"]] = r
    return found


def _still_current(saved, args):
    """A saved size needs no new measurement: same targets, enough runs, the same code (and its
    throughput when asked for)."""
    return (saved.get("engines") == args.engines and len(saved["runs"]) >= args.runs
            and saved.get("code") == app_version() and (saved.get("throughput") or not args.throughput))


def write_results(out, sizes, args):
    """Combine the saved sizes into results.json and results.md; returns the Markdown."""
    results = {"written": time.strftime("%Y-%m-%d %H:%M:%S"), "command": " ".join(["bench/run.py", *sys.argv[1:]]),
               "machine": {
        "cpus": os.cpu_count(), "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform()}, "sizes": [sizes[n] for n in sorted(sizes)]}
    results["targets"] = report.targets(results["sizes"])
    markdown = report.markdown(results)
    (out / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1))
    (out / "results.md").write_text(markdown + "\n")
    return markdown


def parse_args(argv):
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,100,1000", help="copies of the seed chapter (default: 1,100,1000)")
    parser.add_argument("--runs", type=int, default=3, help="server lifetimes per size (default: 3)")
    parser.add_argument("--engines", default=",".join(TARGETS), help=f"targets (default: {','.join(TARGETS)})")
    parser.add_argument("--seed", type=int, default=0, help="seed of the query strings (default: 0)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"work folder (default: {DEFAULT_OUT})")
    parser.add_argument("--rebuild", action="store_true", help="build again even when a saved build matches")
    parser.add_argument("--rerun", action="store_true", help="measure a size again even when it was saved")
    parser.add_argument("--report", action="store_true", help="only write and print the tables of the saved sizes")
    parser.add_argument("--export-runs", type=int, default=2, help="CSV exports per server (default: 2)")
    parser.add_argument("--build-timeout", type=float, help="seconds per build (default: 300 + 5 N)")
    parser.add_argument("--ready-timeout", type=float, default=300, help="seconds for a server to answer")
    parser.add_argument("--request-timeout", type=float, default=300, help="seconds per request")
    parser.add_argument("--throughput", action="store_true",
                        help="also load each of " + ", ".join(throughput.TARGETS) + " with bench/throughput.py")
    throughput.add_arguments(parser)
    args = parser.parse_args(argv)
    args.sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    args.engines = [t.strip() for t in args.engines.split(",") if t.strip()]
    if set(args.engines) - set(TARGETS) or not args.engines:
        parser.error(f"--engines: choose from {', '.join(TARGETS)}")
    if not 1 <= args.runs <= 100:
        parser.error("--runs: expected 1..100")
    return args


def main(argv=None):
    args = parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)

    def on_term(signum, frame):  # a SIGTERM runs the finally blocks too: servers are stopped
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    sizes = saved_sizes(args.out)
    try:
        for n in [] if args.report else args.sizes:
            if n in sizes and not args.rerun and _still_current(sizes[n], args):
                log(f"N={n}: measured at {sizes[n]['when']}, kept (--rerun to measure again)")
                continue
            t0 = time.perf_counter()
            sizes[n] = bench_size(n, args)
            log(f"N={n}: done in {time.perf_counter() - t0:.0f} s")
    except KeyboardInterrupt:
        log("interrupted: servers stopped; the sizes already done are kept")
    if not sizes:
        log("nothing measured yet")
        return 1
    print(write_results(args.out, sizes, args))
    log(f"wrote {args.out / 'results.json'} and {args.out / 'results.md'}")
    engines_differ = sum(1 for r in sizes.values() for m in r["summary"]["mismatches"] if m["kind"] == "engines")
    if engines_differ:
        log(f"MISMATCH: whoosh and tantivy disagree on {engines_differ} answers (listed in results.md)")
    return 1 if engines_differ else 0


if __name__ == "__main__":
    sys.exit(main())
