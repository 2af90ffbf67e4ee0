"""End-to-end cost of a fused search over the words-only search at 1000x the seed, in process.

    OMP_WAIT_POLICY=PASSIVE OPENBLAS_NUM_THREADS=1 MEANING_THREADS=1 \
        /tmp/mvenv/bin/python bench/meaning/latency.py [--copies 1000] [--index /tmp/meaning-1000]

Builds (once) a tantivy index of N copies of the seed (bench/make_corpus.py's corpus), a faiss
SQ8 exhaustive index of one vector per embeddable record (the seed's USE vectors plus noise, as in
speed.py, aligned to the records' ids), then times for each query of the relevance set, each
asked once (first-time):

- words-only: `engine.search(SearchParams(q=..., per_page=20))`, what the app does today;
- fused: the same engine search (or, for a translated or expanded query, the AND query and,
  when it has fewer than 10 hits, one query per group), the query encoding, the dense search
  and the words-lead fusion with labels.

Writes results/latency.json. Not the HTTP figures of bench/run.py: the difference is the point.
"""
import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from common import load_queries, load_units, save_result, short  # noqa: E402
from encoders import EmbeddingCache, get_encoder  # noqa: E402
from meaning import embeddable, fuse_words_lead, translate_query  # noqa: E402


def pct(xs, p):
    xs = sorted(xs)
    return round(xs[int(p * (len(xs) - 1))], 2)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--copies", type=int, default=1000)
    ap.add_argument("--index", default="/tmp/meaning-1000")
    args = ap.parse_args()
    from make_corpus import make_corpus
    from search.index.build import build_index
    from search.query.searcher import open_searcher as open_engine
    from search.query.params import SearchParams

    paths = make_corpus(args.copies)
    if not Path(args.index).exists():
        s = time.perf_counter()
        build_index([str(p) for p in paths], args.index, engine="tantivy")
        print(f"built {args.copies} copies in {time.perf_counter() - s:.1f} s", file=sys.stderr)
    engine = open_engine(args.index)
    engine.warm_up()

    # vectors aligned to records: row -> record id
    units = [u for u in load_units() if embeddable(u)]
    enc = get_encoder("use")
    cache = EmbeddingCache(enc)
    base = cache.embed([u["text"] for u in units])
    d = base.shape[1]
    sigma = float(np.sqrt((1 / 0.9 ** 2 - 1) / d))
    rng = np.random.default_rng(0)
    ids, blocks = [], []
    for p in paths:
        block = base + rng.standard_normal(base.shape, dtype=np.float32) * sigma
        blocks.append(block / np.linalg.norm(block, axis=1, keepdims=True))
        ids.extend(f"{p.stem}.{short(u['id'])}" for u in units)
    mat = np.concatenate(blocks).astype(np.float32)
    import faiss
    from usearch.index import Index
    # One thread per query: a server runs queries side by side, and OpenMP threads left spinning
    # after faiss starve OpenBLAS (the encoder) on 2 cores (run with OMP_WAIT_POLICY=PASSIVE).
    faiss.omp_set_num_threads(1)
    index = faiss.IndexScalarQuantizer(d, faiss.ScalarQuantizer.QT_fp16, faiss.METRIC_INNER_PRODUCT)
    index.train(mat)
    index.add(mat)
    s = time.perf_counter()
    hnsw = Index(ndim=d, metric="ip", dtype="f16", connectivity=16, expansion_add=128, expansion_search=128)
    hnsw.add(np.arange(len(mat)), mat, threads=2)
    hnsw_build = time.perf_counter() - s
    del mat, blocks

    def engine_hits(q, per_page=20):
        s = time.perf_counter()
        r = engine.search(SearchParams(q=q, per_page=per_page))
        return [(h["id"], "exact" if h.get("exact") else "words") for h in r.hits], r.total, (time.perf_counter() - s) * 1000

    floor = 0.184  # evaluate.py's floor for USE
    queries = [q["q"] for q in load_queries()["queries"] if "q" in q]
    # Per query, each component once (first-time): the typed search (today), the expanded or
    # translated AND query, the per-group queries of the relaxation, the query encoding, the dense
    # search (faiss exhaustive float16; usearch HNSW float16 ef=128), the fusion.
    rows = []
    for q in queries:
        tr = translate_query(q)
        row = {"q": q, "lang": tr.language}
        typed, _, row["typed_ms"] = engine_hits(q)
        row["expanded_ms"] = row["groups_ms"] = 0.0
        hits = list(typed) if tr.language == "zh" else []
        if tr.groups and (tr.expanded or tr.language == "en"):
            more, n, row["expanded_ms"] = engine_hits(tr.engine_query())
            hits += [(i, "translated") for i, _ in more if i not in dict(hits)]
            if n < 10 and len(tr.groups) > 1:
                for gq in tr.group_queries():
                    part, _, ms = engine_hits(gq)
                    row["groups_ms"] += ms
        s = time.perf_counter()
        qv = enc.query(q + " ")
        row["encode_ms"] = (time.perf_counter() - s) * 1000
        s = time.perf_counter()
        sims, nn = index.search(qv[None, :], 50)
        row["faiss_ms"] = (time.perf_counter() - s) * 1000
        s = time.perf_counter()
        hnsw.search(qv, 50)
        row["hnsw_ms"] = (time.perf_counter() - s) * 1000
        s = time.perf_counter()
        dense = [(ids[r], float(v)) for r, v in zip(nn[0], sims[0]) if r >= 0]
        fuse_words_lead(hits, dense, floor=floor, rerank=False)
        row["fuse_ms"] = (time.perf_counter() - s) * 1000
        rows.append(row)

    def summary(values):
        return {"median": pct(values, 0.5), "p90": pct(values, 0.9)}

    out = {"copies": args.copies, "records_with_vectors": len(ids), "queries": len(queries),
           "hnsw_build_s": round(hnsw_build, 1), "per_query": rows}
    words = [r["typed_ms"] for r in rows]
    out["words_only_ms"] = summary(words)
    configs = {
        # the prototype as evaluated: typed + expanded + per-group searches, exhaustive dense
        "prototype (typed+expanded+groups, faiss fp16)": lambda r: r["expanded_ms"] + r["groups_ms"] + r["encode_ms"] + r["faiss_ms"] + r["fuse_ms"],
        "typed+expanded, no group queries, faiss fp16": lambda r: r["expanded_ms"] + r["encode_ms"] + r["faiss_ms"] + r["fuse_ms"],
        "typed+expanded, no group queries, HNSW": lambda r: r["expanded_ms"] + r["encode_ms"] + r["hnsw_ms"] + r["fuse_ms"],
        "meaning part only (encode+faiss fp16+fuse)": lambda r: r["encode_ms"] + r["faiss_ms"] + r["fuse_ms"],
        "meaning part only (encode+HNSW+fuse)": lambda r: r["encode_ms"] + r["hnsw_ms"] + r["fuse_ms"],
    }
    out["overhead_ms"] = {}
    for name, f in configs.items():
        out["overhead_ms"][name] = {"all": summary([f(r) for r in rows]),
                                    "en": summary([f(r) for r in rows if r["lang"] == "en"]),
                                    "zh": summary([f(r) for r in rows if r["lang"] == "zh"])}
    for c in ("encode_ms", "faiss_ms", "hnsw_ms", "fuse_ms", "expanded_ms", "groups_ms"):
        out[c] = summary([r[c] for r in rows])
    out["dense_index"] = "faiss IndexScalarQuantizer QT_fp16 (exhaustive, 1 thread); usearch HNSW f16 M=16 ef=128"
    dt = [r["faiss_ms"] for r in rows]
    out["dense_search_ms"] = {"median": pct(dt, 0.5), "p90": pct(dt, 0.9)}
    # similar practice of a record: its vector (reconstructed from the index), the 50 nearest,
    # then the wording overlap (character 5-grams) and shared facets of those 50 only
    from meaning import char_ngrams, jaccard
    texts = {short(u["id"]): u["text"] for u in units}
    grams = {k: char_ngrams(v) for k, v in texts.items()}
    st = []
    rows = np.random.default_rng(2).choice(len(ids), 40, replace=False)
    for r in rows:
        s = time.perf_counter()
        v = index.reconstruct(int(r))
        sims, nn = index.search(v[None, :], 51)  # exhaustive float16
        own = grams[ids[r].split(".", 1)[1]]
        sorted(((float(sv) + (1.0 if jaccard(own, grams[ids[n].split(".", 1)[1]]) >= 0.6 else 0), ids[n])
                         for sv, n in zip(sims[0], nn[0]) if n != r), reverse=True)[:10]
        st.append((time.perf_counter() - s) * 1000)
    out["similar_ms"] = {"median": pct(st, 0.5), "p90": pct(st, 0.9)}
    save_result("latency", out)
    import json
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
