"""Speed and memory of the meaning search at N copies of the seed chapter (issue 20's budget).

    .venv/bin/python bench/meaning_bench.py [--copies 1000] [--engine tantivy] [--skip build,incremental,latency,similar,memory]

- build: today's build (the code of `--base`, default the merge-base with main, without vectors)
  against this build with embeddings, from scratch, in subprocesses: with the text-hash cache (which
  on copies embeds each of the seed's texts once per worker) and uncached (the cache emptied after
  every chapter, so every unit is embedded: what a first build of real, distinct chapters pays);
- incremental: one chapter added to the N copies and removed again, three times, with each code
  on its own index (the new chapter's units are embedded: the process has seen none of them);
- latency: in process, each query cold on two Searchers over the same index (one without vectors:
  "the same search without meaning"), the Searcher's page 1 and the words' last page (where the
  meaning search runs), and the meaning part alone (query vector, exhaustive search, filters);
- similar: `Searcher.similar` for records of the seed, each once (cold);
- memory: gunicorn (2 workers, the project's gunicorn.conf.py) on the index, RSS and PSS of every
  process after the same requests, with the encoder loaded in the master (shared) and without,
  and today's server on today's index.

Timings on a shared 2-core machine: the load average is printed with every figure. Results go to
bench/out/meaning-<copies>.json.
"""
import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(ROOT / "tests"))
from make_corpus import extra_chapter, make_corpus  # noqa: E402

PY = sys.executable
RELEVANCE = BENCH / "relevance" / "queries.json"


def load():
    return round(os.getloadavg()[0], 1)


def stats_ms(values):
    values = sorted(values)
    return {"median": round(statistics.median(values) * 1000, 2),
            "p90": round(values[int(0.9 * (len(values) - 1))] * 1000, 2), "n": len(values)}


# --- build ----------------------------------------------------------------------------------------


def base_code(ref, work):
    """Today's code (`git archive` of `ref`) in a folder of its own, to run `python -m search` from."""
    folder = work / f"base-{ref[:10]}"
    if not (folder / "search").is_dir():
        folder.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref, "search", "gunicorn.conf.py", "templates",
                                  "static"], check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


BUILD = """
import sys, time
import search.index.vectors as vectors
if sys.argv[3] == "uncached":
    vectors.CACHE_SIZE = 0  # every chapter embeds all its units, as distinct chapters would
from search.index.build import build_index
started = time.monotonic()
build_index(sys.argv[4:], sys.argv[1], engine=sys.argv[2], full=True)
print(time.monotonic() - started)
"""


def timed_build(cmd, cwd):
    started = time.monotonic()
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"build failed: {' '.join(cmd[:4])}: {done.stderr[-800:]}")
    return round(time.monotonic() - started, 1)


def bench_build(files, work, engine, base, modes=("cached", "uncached")):
    out = {}
    today = work / f"today-{engine}"
    shutil.rmtree(today, ignore_errors=True)
    out["today"] = {"seconds": timed_build([PY, "-m", "search", "build", "--quiet", "--full", "--engine", engine,
                                            "--index", str(today), *map(str, files)], base), "load": load()}
    for mode in modes:
        index = work / f"meaning-{engine}-{mode}"
        shutil.rmtree(index, ignore_errors=True)
        seconds = timed_build([PY, "-c", BUILD, str(index), engine, mode, *map(str, files)], ROOT)
        out[mode] = {"seconds": seconds, "load": load(), "ratio": round(seconds / out["today"]["seconds"], 2)}
    return out


def bench_incremental(files, work, engine, base, rounds=3):
    """Adding one chapter of new text to the N copies, and removing it again, `rounds` times, with
    today's code on its index and with this code (which embeds the chapter's units) on its own:
    chapters arrive one at a time, and this is what each costs."""
    extra = extra_chapter(len(files), work.parent)
    out = {}
    for name, cwd in (("today", base), ("with embeddings", ROOT)):
        index = work / (f"today-{engine}" if name == "today" else f"meaning-{engine}-cached")
        build = [PY, "-m", "search", "build", "--quiet", "--engine", engine, "--index", str(index)]
        add, remove = [], []
        for _ in range(rounds):
            add.append(timed_build(build + [*map(str, files), str(extra)], cwd))
            remove.append(timed_build(build + list(map(str, files)), cwd))
        out[name] = {"add s": add, "remove s": remove, "add median": statistics.median(add),
                     "remove median": statistics.median(remove), "load": load()}
    out["add ratio"] = round(out["with embeddings"]["add median"] / out["today"]["add median"], 2)
    return out


# --- latency --------------------------------------------------------------------------------------


def relevance_queries():
    data = json.loads(RELEVANCE.read_text(encoding="utf-8"))["queries"]
    return [q["q"] for q in data if q["type"] != "similar"]


def bench_latency(index, rounds=2):
    from dataclasses import replace

    from queries import first_time_queries
    from search.index.encoder import embed_query
    from search.query.meaning import meaning_text, related_units
    from search.query.params import MAX_RESULT_DEPTH, SearchParams
    from search.query.searcher import open_searcher
    from search.query.syntax import parse_query

    qs = relevance_queries() + [s["q"] for s in first_time_queries(0) if s["q"].strip()]
    out = {"queries": len(qs)}
    for page in ("first", "last"):
        plain_t, fused_t, added = [], [], []
        for r in range(rounds):
            plain, fused = open_searcher(index), open_searcher(index)
            plain.vectors = None  # the same search without meaning
            for q in qs:
                params = SearchParams(q=q)
                if page == "last":
                    total = plain.count(params)
                    last = max(1, -(-min(total, MAX_RESULT_DEPTH) // params.per_page))
                    params = replace(params, page=last)
                order = (plain, fused) if (r + len(q)) % 2 else (fused, plain)
                times = {}
                for s in order:
                    started = time.perf_counter()
                    s.search(params)
                    times[s is fused] = time.perf_counter() - started
                plain_t.append(times[False])
                fused_t.append(times[True])
                added.append(times[True] - times[False])
            plain.close()
            fused.close()
        out[page] = {"without meaning": stats_ms(plain_t), "fused": stats_ms(fused_t), "added": stats_ms(added),
                     "load": load()}
    searcher = open_searcher(index)
    encode, nearest, exact, part, recall, same_ids = [], [], [], [], [], []
    for q in qs:
        parsed = parse_query(q, (), searcher.dictionary)
        text = meaning_text(q, parsed) + " "  # a text not yet cached
        started = time.perf_counter()
        vector = embed_query(text)
        encode.append(time.perf_counter() - started)
        started = time.perf_counter()
        rows, _ = searcher.vectors.nearest(vector, 10)
        nearest.append(time.perf_counter() - started)
        started = time.perf_counter()
        exact_rows, exact_sims = searcher.vectors.nearest_exact(vector, 10)
        exact.append(time.perf_counter() - started)
        # Recall by score (copies of one text tie: any of them is a right answer) and by row.
        found = np.asarray(searcher.vectors.matrix[np.sort(rows)], dtype=np.float32) @ vector
        recall.append(float((found >= exact_sims[-1] - 1e-3).mean()))
        same_ids.append(len(set(rows.tolist()) & set(exact_rows.tolist())) / len(exact_rows))
        embed_query.cache_clear()
        started = time.perf_counter()
        related_units(searcher.engine, searcher.vectors, parsed, SearchParams(q=q), q)
        part.append(time.perf_counter() - started)
    out["meaning part"] = {"encode": stats_ms(encode), "search (int8 scan, float16 re-rank)": stats_ms(nearest),
                           "float16 scan": stats_ms(exact),
                           "recall@10 vs float16 scan, by score": round(statistics.mean(recall), 4),
                           "recall@10 vs float16 scan, by row": round(statistics.mean(same_ids), 4),
                           "whole (encode, search, filters)": stats_ms(part), "vectors": len(searcher.vectors),
                           "load": load()}
    searcher.close()
    return out


def bench_similar(index, count=40):
    from search.query.searcher import open_searcher

    searcher = open_searcher(index)
    rng = random.Random(7)
    rows = rng.sample(range(len(searcher.vectors)), count)
    times = []
    for row in rows:
        started = time.perf_counter()
        searcher.similar(searcher.vectors.record_id(row))
        times.append(time.perf_counter() - started)
    searcher.close()
    return {**stats_ms(times), "load": load()}


# --- memory ---------------------------------------------------------------------------------------


def serve_memory(cwd, conf, index, requests):
    """RSS and PSS (MB) of every process of gunicorn with 2 workers after `requests` (bench/procs.py)."""
    import urllib.request

    from procs import proc_pss_kb, proc_status_kb, process_tree, stop
    from servers import free_port, start_process

    port = free_port()
    env = {"REPERTOIRE_INDEX_DIR": str(index), "REPERTOIRE_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2",
           "PYTHONPATH": str(cwd)}
    log_path = Path(index).parent / f"gunicorn-{Path(conf).stem}.log"
    proc = start_process([PY, "-m", "gunicorn", "-c", str(conf), "search:create_app()"], log_path, cwd=cwd,
                         env={**os.environ, **env})
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/search?q=", timeout=30).read()
                break
            except OSError:
                time.sleep(1)
        for _ in range(2):  # each worker gets some
            for path in requests:
                urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=120).read()
        tree = process_tree(proc.pid)
        mb = {str(pid): {"rss": round(proc_status_kb(pid, "VmRSS") / 1024, 1), "pss": round(proc_pss_kb(pid) / 1024, 1)}
              for pid in tree}
        return {"processes": mb, "total pss": round(sum(d["pss"] for d in mb.values()), 1),
                "total rss": round(sum(d["rss"] for d in mb.values()), 1), "load": load()}
    finally:
        stop(proc)


def bench_memory(work, engine, base, copies):
    from urllib.parse import quote

    from search.index.store import read_manifest
    from search.index.vectors import ALL, INT8

    meaning = work / f"meaning-{engine}-cached"
    today = work / f"today-{engine}"
    version = Path(os.path.realpath(meaning))
    first = read_manifest(version)["chapters"][0]["key"]  # a copy's key: make_corpus names each anew
    last = -(-copies // 20)  # subsidiarity's last page (one unit per copy): the meaning search runs there
    requests = ["/api/search?q=" + quote("区域组织"), "/api/search?q=" + quote("维和经费"),
                f"/api/search?q=subsidiarity&page={last}", f"/api/p/{first}.49.p42"]
    unshared = work / "gunicorn-unshared.conf.py"
    unshared.write_text(f"exec(open({str(ROOT / 'gunicorn.conf.py')!r}).read())\ndel when_ready\n")
    return {"vectors MB (float16, int8)": [round(os.path.getsize(version / f) / 2 ** 20, 1) for f in (ALL, INT8)],
            "today": serve_memory(base, base / "gunicorn.conf.py", today, requests[:2]),
            "encoder shared": serve_memory(ROOT, ROOT / "gunicorn.conf.py", meaning, requests),
            "encoder per worker": serve_memory(ROOT, unshared, meaning, requests)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--copies", type=int, default=1000)
    ap.add_argument("--engine", default="tantivy")
    ap.add_argument("--base", default=None, help="git ref of today's code (default: merge-base with main)")
    ap.add_argument("--skip", default="", help="comma-separated parts to skip: build,incremental,latency,similar,memory")
    ap.add_argument("--out", type=Path, default=BENCH / "out")
    ap.add_argument("--cached-only", action="store_true", help="skip the uncached build (about 4x the cached one)")
    args = ap.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    work = args.out / f"meaning-{args.copies}"
    work.mkdir(parents=True, exist_ok=True)
    ref = args.base or subprocess.run(["git", "-C", str(ROOT), "merge-base", "HEAD", "main"], check=True,
                                      capture_output=True, text=True).stdout.strip()
    base = base_code(ref, work)
    files = make_corpus(args.copies, args.out)
    result_path = args.out / f"meaning-{args.copies}.json"
    result = json.loads(result_path.read_text()) if result_path.exists() else {}
    result.update(copies=args.copies, engine=args.engine, base=ref)
    index = work / f"meaning-{args.engine}-cached"
    modes = ("cached",) if args.cached_only else ("cached", "uncached")
    for part, run in (("build", lambda: bench_build(files, work, args.engine, base, modes)),
                      ("incremental", lambda: bench_incremental(files, work, args.engine, base)),
                      ("latency", lambda: bench_latency(index)), ("similar", lambda: bench_similar(index)),
                      ("memory", lambda: bench_memory(work, args.engine, base, args.copies))):
        if part in skip:
            continue
        print(f"{part} (load {load()}) ...", file=sys.stderr, flush=True)
        result[part] = run()
        print(json.dumps({part: result[part]}, ensure_ascii=False), flush=True)
        result_path.write_text(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
