"""Benchmark our stack (Whoosh + jieba + Flask) side by side with the peer (SQLite FTS5 trigram).

    .venv/bin/python bench/run.py                       # N = 1, 100, 1000; 5 runs
    .venv/bin/python bench/run.py --sizes 1,100 --runs 3
    .venv/bin/python bench/run.py --only peer           # the harness against the peer alone

For each N it makes a corpus of N copies of the seed chapter, builds our index and the peer
database (timed, with the builder's peak memory), starts both servers on free loopback ports
(timed to the first successful response), then sends the same fixed query mix to both over HTTP,
interleaved, for several runs. It prints a Markdown table (ours, the peer, ours/peer) and
writes bench/out/results.json.
"""
import argparse
import http.client
import json
import math
import os
import platform
import random
import signal
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))
sys.path.insert(0, str(PROJECT_ROOT / "tests"))
from make_corpus import DEFAULT_OUT, SEED, make_corpus  # noqa: E402
from servers import ServerError, free_port, start_process, stop_process, tail, wait_for_http  # noqa: E402

PYTHON = sys.executable
TARGETS = ("ours", "peer")

# (class, q, filters): every request also returns facet counts and highlighted snippets.
QUERY_MIX = (
    ("frequent", "区域组织", {}),
    ("frequent", "安全理事会", {}),
    ("frequent", "合作", {}),
    ("rare", "待命部队", {}),
    ("rare", "谅解备忘录", {}),
    ("short", "安", {}),
    ("short", "和平", {}),
    ("filtered", "合作", {"country": ["CHN"]}),
    ("filtered", "安全", {"meeting": ["5007"]}),
    ("filtered", "区域组织", {"year": ["2007"]}),
    ("filtered", "", {"year": ["2007"]}),
)
CLASSES = ("frequent", "rare", "short", "filtered")
UNSEEN_PER_RUN = 2  # extra queries per run that neither server has seen: caches cold on both sides
FIRST_QUERY = QUERY_MIX[0]  # the readiness probe, so the first request compares with its own median
PER_PAGE = 20


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- processes and memory


def _children_map():
    children = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as f:
                    stat = f.read()
            except OSError:
                continue
            ppid = int(stat.rsplit(b")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry.name))
    return children


def process_tree(pid):
    """`pid` and all its descendants that are alive now."""
    children, tree, todo = _children_map(), [], [pid]
    while todo and len(tree) < 10_000:
        p = todo.pop()
        tree.append(p)
        todo.extend(children.get(p, ()))
    return tree


def proc_status_kb(pid, field):
    """A kB field of /proc/<pid>/status (VmRSS, VmHWM), or 0 when the process is gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def proc_pss_kb(pid):
    """Proportional set size: shared pages split between their sharers (forked workers)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class MemoryWatch:
    """Polls a process tree: peaks of the summed RSS and PSS, and the largest single-process VmHWM.

    Summed RSS counts the pages forked workers share with their parent once per process; summed
    PSS counts them once in all, so it is the tree's real footprint.
    """

    def __init__(self, pid, interval=0.1):
        self.pid, self.interval = pid, interval
        self.peak_tree_kb = self.peak_process_kb = self.peak_pss_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=5)

    def sample(self):
        tree = process_tree(self.pid)
        self.peak_tree_kb = max(self.peak_tree_kb, sum(proc_status_kb(p, "VmRSS") for p in tree))
        self.peak_pss_kb = max(self.peak_pss_kb, sum(proc_pss_kb(p) for p in tree))
        self.peak_process_kb = max([self.peak_process_kb] + [proc_status_kb(p, "VmHWM") for p in tree])

    def _run(self):
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)


# ---------------------------------------------------------------- build


def timed_build(cmd, log_path, timeout):
    """Run a build command; returns seconds, peak memory and the process's output."""
    proc = start_process(cmd, log_path)
    t0 = time.perf_counter()
    try:
        with MemoryWatch(proc.pid) as watch:
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                raise RuntimeError(f"build timed out after {timeout:.0f} s: {' '.join(cmd[:6])} ...")
    finally:
        stop_process(proc, timeout=5)
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"build failed ({proc.returncode}): {' '.join(cmd[:6])} ...\n{tail(log_path)}")
    return {"seconds": seconds, "peak_rss_mb": watch.peak_tree_kb / 1024, "peak_pss_mb": watch.peak_pss_kb / 1024,
            "peak_process_hwm_mb": watch.peak_process_kb / 1024, "output": tail(log_path, 5)}


def dir_size_mb(path):
    path = Path(path)
    if path.is_file():
        return path.stat().st_size / 2**20
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


def count_units(db_path):
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as conn:
        return conn.execute("SELECT count(*) FROM units").fetchone()[0]


def build_all(n, files, work, targets, timeout, reuse=False):
    """Build the peer database and our index for one N; returns {target: stats}."""
    stats = {}
    if reuse and (work / "peer.sqlite").exists() and ("ours" not in targets or (work / "index").exists()):
        units = count_units(work / "peer.sqlite")
        earlier = _earlier_build(n, work.parent)
        log(f"N={n}: reusing the built index and peer database (--reuse); build figures "
            + (f"from {earlier[0]}" if earlier else "not available"))
        if earlier:
            return {t: {**earlier[1][t], "from": earlier[0]} for t in targets if t in earlier[1]}
        return {t: {"units": units, "reused": True} for t in targets}
    if "peer" in targets:
        db = work / "peer.sqlite"
        log(f"N={n}: building the peer database ({len(files)} files)")
        stats["peer"] = timed_build([PYTHON, "bench/peer.py", "build", "--db", str(db), *map(str, files)],
                                    work / "peer-build.log", timeout)
        stats["peer"].update(units=count_units(db), disk_mb=dir_size_mb(db), path=str(db))
    if "ours" in targets:
        index = work / "index"
        log(f"N={n}: building our index ({len(files)} files)")
        stats["ours"] = timed_build([PYTHON, "-m", "search", "build", "--index", str(index), *map(str, files)],
                                    work / "ours-build.log", timeout)
        stats["ours"].update(disk_mb=dir_size_mb(index), path=str(index))
    units = stats.get("peer", {}).get("units") or _units_from_output(stats.get("ours", {}).get("output", ""))
    for target, s in stats.items():
        s["units"] = units
        s["units_per_s"] = units / s["seconds"] if units else None
        log(f"N={n}: {target} built {units} units in {s['seconds']:.1f} s, "
            f"peak RSS {s['peak_rss_mb']:.0f} MB, {s['disk_mb']:.0f} MB on disk")
    return stats


def _earlier_build(n, out):
    """(file, build figures) of the newest results file in `out` that built size `n`, or None."""
    for path in sorted(out.glob("results*.json"), key=lambda p: p.stat().st_mtime, reverse=True):
        try:
            sizes = json.loads(path.read_text()).get("sizes", [])
        except (OSError, ValueError):
            continue
        for r in sizes:
            build = r.get("build") or {}
            if r.get("n") == n and build and all("seconds" in b and "from" not in b for b in build.values()):
                return path.name, build
    return None


def _units_from_output(text):
    for word in text.split("indexed ")[1:]:
        head = word.split()[0]
        if head.isdigit():
            return int(head)
    return None


# ---------------------------------------------------------------- HTTP


def _search_target(q, filters):
    params = [("q", q), ("per_page", PER_PAGE)] + [(k, v) for k, vs in filters.items() for v in vs]
    return "/api/search?" + urlencode(params)


def get(port, q, filters, timeout):
    """GET /api/search on 127.0.0.1:`port`; returns (seconds, status, payload)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        t0 = time.perf_counter()
        conn.request("GET", _search_target(q, filters))
        response = conn.getresponse()
        body = response.read()
        seconds = time.perf_counter() - t0
    finally:
        conn.close()
    try:
        payload = json.loads(body)
    except ValueError:
        payload = {"error": body[:200].decode(errors="replace")}
    return seconds, response.status, payload


def check(payload, status, q):
    """Problems with a response: not 200, no facet counts, hits of a text query without a <mark>ed snippet."""
    problems = []
    if status != 200:
        problems.append(f"status {status}: {payload.get('error')}")
        return problems
    hits = payload.get("hits") or []
    facets = payload.get("facets")
    if hits and not (isinstance(facets, dict) and any(facets.get(name) for name in ("kind", "year", "country"))):
        problems.append("no facet counts")
    if q and hits and not all("<mark>" in (h.get("snippet") or "") for h in hits[:3]):
        problems.append("snippet without <mark>")
    return problems


def start_server(target, work, timeout):
    """Start a server; wait for its first successful response. Returns (proc, port, start stats)."""
    port = free_port()
    if target == "ours":
        cmd = [PYTHON, "-m", "search", "serve", "--index", str(work / "index"), "--port", str(port)]
    else:
        cmd = [PYTHON, "bench/peer.py", "serve", "--db", str(work / "peer.sqlite"), "--port", str(port)]
    log_path = work / f"{target}-serve.log"
    proc = start_process(cmd, log_path)
    t0 = time.perf_counter()
    # The readiness probe is the mix's first query, so the first request compares with its own median.
    url = f"http://127.0.0.1:{port}{_search_target(FIRST_QUERY[1], FIRST_QUERY[2])}"
    try:
        first = wait_for_http(url, proc, log_path, timeout=timeout, interval=0.02)
    except ServerError as exc:
        stop_process(proc, timeout=5)
        raise RuntimeError(f"{target} server not ready: {exc}") from None
    return proc, port, {"ready_s": time.perf_counter() - t0, "first_request_ms": first.seconds * 1000,
                        "first_total": json.loads(first.body).get("total")}


def unseen_queries(count, seed=11):
    """`count` distinct 3-4 character Han strings that occur at least 5 times in the seed chapter
    and are not in the mix: each is asked once, so neither side can answer it from a cache."""
    import re
    from collections import Counter

    text = "".join(line.strip() for line in SEED.read_text(encoding="utf-8").splitlines())
    grams = Counter(run[i:i + k] for run in re.findall(r"[\u4e00-\u9fff]{3,}", text)
                    for k in (3, 4) for i in range(len(run) - k + 1))
    asked = {q for _, q, _ in QUERY_MIX}
    pool = sorted(g for g, c in grams.items() if c >= 5 and not any(g in a or a in g for a in asked if a))
    return random.Random(seed).sample(pool, min(count, len(pool)))


def run_mix(ports, runs, timeout, seed=7):
    """Send every query of the mix to every target, interleaved, `runs` times; returns samples."""
    samples = {t: {i: [] for i in range(len(QUERY_MIX))} for t in ports}
    totals = {t: {} for t in ports}
    facet_counts = {t: {} for t in ports}
    problems = []
    rng = random.Random(seed)
    unseen = unseen_queries(runs * UNSEEN_PER_RUN)
    samples_unseen = {t: [] for t in ports}
    for run in range(runs):
        order = list(range(len(QUERY_MIX))) + [-1 - k for k in range(UNSEEN_PER_RUN)]
        rng.shuffle(order)
        t_run = time.perf_counter()
        for i in order:
            if i < 0:  # an unseen query: timed apart, not part of the fixed mix
                q = unseen[(run * UNSEEN_PER_RUN + (-1 - i)) % len(unseen)]
                for target in rng.sample(list(ports), len(ports)):
                    seconds, status, payload = get(ports[target], q, {}, timeout)
                    samples_unseen[target].append(seconds * 1000)
                    problems += [f"{target} {q!r} (unseen): {p}" for p in check(payload, status, q)]
                continue
            _, q, filters = QUERY_MIX[i]
            targets = list(ports)
            rng.shuffle(targets)  # neither side always goes first
            for target in targets:
                seconds, status, payload = get(ports[target], q, filters, timeout)
                samples[target][i].append(seconds * 1000)
                totals[target][i] = payload.get("total")
                if run == 0:
                    facet_counts[target][i] = {name: {v["value"]: v["count"] for v in values if v.get("count")}
                                               for name, values in (payload.get("facets") or {}).items()}
                problems += [f"{target} {q!r} {filters}: {p}" for p in check(payload, status, q) if run == 0]
        log(f"  run {run + 1}/{runs} in {time.perf_counter() - t_run:.1f} s")
    if set(ports) == set(TARGETS):  # the same units must give the same facet counts
        for i, ours in facet_counts["ours"].items():
            peer = facet_counts["peer"].get(i, {})
            for name in sorted(set(ours) | set(peer)):
                if ours.get(name, {}) != peer.get(name, {}):
                    problems.append(f"facet {name} differs for {_label(*QUERY_MIX[i][1:])!r}: "
                                    f"ours {sorted(ours.get(name, {}).items())[:4]}…, "
                                    f"peer {sorted(peer.get(name, {}).items())[:4]}…")
    return samples, samples_unseen, totals, problems


# ---------------------------------------------------------------- statistics and report


def p90(values):
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]


def summarise(samples, unseen=()):
    """Median and p90 (ms) per query, per class and overall, over all samples of each."""
    out = {"queries": {}, "classes": {}}
    for i, values in samples.items():
        cls, q, filters = QUERY_MIX[i]
        out["queries"][_label(q, filters)] = {"class": cls, "median_ms": statistics.median(values),
                                              "p90_ms": p90(values), "samples": values}
    for cls in CLASSES + ("overall",):
        pooled = [v for i, vs in samples.items() if cls in ("overall", QUERY_MIX[i][0]) for v in vs]
        out["classes"][cls] = {"median_ms": statistics.median(pooled), "p90_ms": p90(pooled), "n": len(pooled)}
    # The first run meets cold caches (parsed queries, term postings, facet arrays): shown apart.
    first = [vs[0] for vs in samples.values()]
    out["classes"]["first run"] = {"median_ms": statistics.median(first), "p90_ms": p90(first), "n": len(first)}
    if unseen:
        out["classes"]["unseen"] = {"median_ms": statistics.median(unseen), "p90_ms": p90(unseen), "n": len(unseen)}
    return out


def _label(q, filters):
    parts = [q or "(empty)"] + [f"{k}={','.join(v)}" for k, v in filters.items()]
    return " + ".join(parts)


def bench_size(n, args, targets):
    """Everything for one N; returns the results dict for it."""
    work = args.out / f"n{n}"
    work.mkdir(parents=True, exist_ok=True)
    files = make_corpus(n, args.out)
    timeout = args.build_timeout or (300 + 5 * n)
    result = {"n": n, "files": len(files), "loadavg_before": os.getloadavg(),
              "build": build_all(n, files, work, targets, timeout, args.reuse)}
    result["units"] = next(iter(result["build"].values()))["units"]
    procs = {}
    try:
        ports, result["server"] = {}, {}
        for target in targets:
            log(f"N={n}: starting the {target} server")
            procs[target], ports[target], result["server"][target] = start_server(
                target, work, args.ready_timeout)
            log(f"N={n}: {target} ready in {result['server'][target]['ready_s']:.2f} s, "
                f"first request {result['server'][target]['first_request_ms']:.0f} ms")
        log(f"N={n}: query mix x {args.runs} runs")
        result["loadavg_before_queries"] = os.getloadavg()
        samples, samples_unseen, totals, problems = run_mix(ports, args.runs, args.request_timeout)
        result["latency"] = {t: summarise(samples[t], samples_unseen[t]) for t in targets}
        result["totals"] = {t: {_label(*QUERY_MIX[i][1:]): v for i, v in totals[t].items()} for t in targets}
        result["problems"] = problems + _total_mismatches(totals)
        for target in targets:
            tree = process_tree(procs[target].pid)
            result["server"][target]["peak_rss_mb"] = sum(proc_status_kb(p, "VmHWM") for p in tree) / 1024
        for p in result["problems"]:
            log(f"N={n}: note: {p}")
    finally:
        for proc in procs.values():
            stop_process(proc, timeout=5)
    return result


def _total_mismatches(totals):
    if set(totals) != set(TARGETS):
        return []
    return [f"totals differ for {_label(*QUERY_MIX[i][1:])!r}: ours {totals['ours'][i]}, peer {totals['peer'][i]}"
            for i in totals["ours"] if totals["ours"][i] != totals["peer"][i]]


def _fmt(value, unit):
    if value is None:
        return "–"
    if unit == "ms":
        return f"{value:.1f} ms" if value < 100 else f"{value:.0f} ms"
    if unit == "s":
        return f"{value:.2f} s" if value < 10 else f"{value:.0f} s"
    if unit == "MB":
        return f"{value:.0f} MB"
    if unit == "/s":
        return f"{value:,.0f}/s"
    return f"{value:,}"


def _row(name, ours, peer, unit):
    ratio = f"**{ours / peer:.2f}x**" if ours is not None and peer else "–"
    return f"| {name} | {_fmt(ours, unit)} | {_fmt(peer, unit)} | {ratio} |"


def markdown(results):
    """The Markdown tables of all sizes: ours, the peer, ours/peer."""
    lines = []
    for r in results["sizes"]:
        get_ = lambda target, *keys: _dig(r, keys[0], target, *keys[1:])  # noqa: E731
        lines += [f"### N = {r['n']} ({r['files']} chapter files, {r['units']:,} units)", "",
                  "| measure | ours | peer | ours / peer |", "|---|---:|---:|---:|"]
        lines.append(_row("build time", get_("ours", "build", "seconds"), get_("peer", "build", "seconds"), "s"))
        lines.append(_row("build rate (units/s)", get_("ours", "build", "units_per_s"),
                          get_("peer", "build", "units_per_s"), "/s"))
        lines.append(_row("builder peak RSS (all processes)", get_("ours", "build", "peak_rss_mb"),
                          get_("peer", "build", "peak_rss_mb"), "MB"))
        lines.append(_row("builder peak PSS (all processes)", get_("ours", "build", "peak_pss_mb"),
                          get_("peer", "build", "peak_pss_mb"), "MB"))
        lines.append(_row("builder peak RSS (largest process)", get_("ours", "build", "peak_process_hwm_mb"),
                          get_("peer", "build", "peak_process_hwm_mb"), "MB"))
        lines.append(_row("index on disk", get_("ours", "build", "disk_mb"), get_("peer", "build", "disk_mb"), "MB"))
        lines.append(_row("server ready", get_("ours", "server", "ready_s"), get_("peer", "server", "ready_s"), "s"))
        lines.append(_row("first request", get_("ours", "server", "first_request_ms"),
                          get_("peer", "server", "first_request_ms"), "ms"))
        lines.append(_row("server peak RSS", get_("ours", "server", "peak_rss_mb"),
                          get_("peer", "server", "peak_rss_mb"), "MB"))
        for cls in CLASSES + ("overall", "first run", "unseen"):
            for stat in ("median_ms", "p90_ms"):
                name = f"{cls} {'median' if stat == 'median_ms' else 'p90'}"
                if cls == "overall":
                    name = f"**{name}**"
                lines.append(_row(name, get_("ours", "latency", "classes", cls, stat),
                                  get_("peer", "latency", "classes", cls, stat), "ms"))
        lines += ["", "<details><summary>per query (median ms: ours / peer)</summary>", "",
                  "| query | class | ours | peer | ratio | hits (ours / peer) |", "|---|---|---:|---:|---:|---|"]
        for i, (cls, q, filters) in enumerate(QUERY_MIX):
            label = _label(q, filters)
            o = get_("ours", "latency", "queries", label, "median_ms")
            p = get_("peer", "latency", "queries", label, "median_ms")
            ratio = f"{o / p:.2f}x" if o is not None and p else "–"
            hits = f"{_dig(r, 'totals', 'ours', label)} / {_dig(r, 'totals', 'peer', label)}"
            lines.append(f"| {label} | {cls} | {_fmt(o, 'ms')} | {_fmt(p, 'ms')} | {ratio} | {hits} |")
        lines += ["", "</details>", ""]
    return "\n".join(lines)


def _dig(d, *keys):
    for k in keys:
        if not isinstance(d, dict) or k not in d:
            return None
        d = d[k]
    return d


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,100,1000", help="copies of the seed chapter (default: 1,100,1000)")
    parser.add_argument("--runs", type=int, default=5, help="runs of the query mix per size (default: 5)")
    parser.add_argument("--only", choices=TARGETS, help="benchmark one side only (e.g. the peer while ours is missing)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"work folder (default: {DEFAULT_OUT})")
    parser.add_argument("--build-timeout", type=float, help="seconds per build (default: 300 + 5 N)")
    parser.add_argument("--ready-timeout", type=float, default=120, help="seconds for a server to answer")
    parser.add_argument("--request-timeout", type=float, default=120, help="seconds per request")
    parser.add_argument("--reuse", action="store_true", help="reuse the index and database of an earlier run")
    parser.add_argument("--results", type=Path, help="results file (default: <out>/results.json)")
    parser.add_argument("--report", nargs="+", type=Path, metavar="JSON",
                        help="only print the tables of earlier results files (sizes in the order given)")
    args = parser.parse_args(argv)
    if args.report:
        merged = {"sizes": [r for path in args.report for r in json.loads(path.read_text())["sizes"]]}
        print(markdown(merged))
        return 0
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if not 1 <= args.runs <= 1000:
        parser.error("--runs: expected 1..1000")
    targets = (args.only,) if args.only else TARGETS
    args.out.mkdir(parents=True, exist_ok=True)

    def on_term(signum, frame):  # a SIGTERM runs the finally blocks too
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    results = {"started": time.strftime("%Y-%m-%d %H:%M:%S"), "runs": args.runs, "per_page": PER_PAGE,
               "targets": list(targets), "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                                                     "sqlite": sqlite3.sqlite_version, "platform": platform.platform()},
               "query_mix": [{"class": c, "q": q, "filters": f} for c, q, f in QUERY_MIX], "sizes": []}
    out_json = args.results or args.out / "results.json"
    try:
        for n in sizes:
            t0 = time.perf_counter()
            results["sizes"].append(bench_size(n, args, targets))
            results["sizes"][-1]["wall_s"] = time.perf_counter() - t0
            out_json.write_text(json.dumps(results, ensure_ascii=False, indent=1))  # keep what is done so far
            log(f"N={n}: done in {time.perf_counter() - t0:.0f} s")
    except KeyboardInterrupt:
        log("interrupted: servers stopped; partial results kept")
    except RuntimeError as exc:
        log(f"error: {exc}")
        results["error"] = str(exc)
    out_json.write_text(json.dumps(results, ensure_ascii=False, indent=1))
    if results["sizes"]:
        print(markdown(results))
    log(f"wrote {out_json}")
    return 1 if "error" in results else 0


if __name__ == "__main__":
    sys.exit(main())
