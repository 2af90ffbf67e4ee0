"""Speed and memory of dense search at 1000x the seed: brute force (float32, float16, int8) and ANN.

    /tmp/mvenv/bin/python bench/meaning/speed.py [--copies 1000] [--encoder use] [--ann usearch,hnswlib,faiss]

At 1000x the corpus is 1000 copies of the seed's texts: a text-hash cache embeds them once, and
nearest neighbours would all be copies of one text. To time search and measure ANN recall on
something that behaves like 232,000 different paragraphs, each copy's vectors are the seed's
vectors plus Gaussian noise (cosine to the original about 0.9) and renormalised: synthetic,
but with the real vectors' geometry. Queries are the relevance set's queries, encoded for real.
Writes results/speed_<encoder>.json.
"""
import argparse
import gc
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import load_queries, load_units, save_result, text_hash  # noqa: E402
from encoders import EmbeddingCache, get_encoder  # noqa: E402
from meaning import dense_search, embeddable  # noqa: E402


def rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024
    return 0.0


def timeit(fn, queries, warm=2):
    for q in queries[:warm]:
        fn(q)
    ts = []
    for q in queries:
        s = time.perf_counter()
        fn(q)
        ts.append((time.perf_counter() - s) * 1000)
    ts.sort()
    return {"median_ms": round(statistics.median(ts), 2), "p90_ms": round(ts[int(0.9 * (len(ts) - 1))], 2)}


def synthetic(base, copies, sigma, seed=0):
    rng = np.random.default_rng(seed)
    n, d = base.shape
    out = np.empty((n * copies, d), dtype=np.float32)
    for c in range(copies):
        block = base + rng.standard_normal((n, d), dtype=np.float32) * sigma
        block /= np.linalg.norm(block, axis=1, keepdims=True)
        out[c * n:(c + 1) * n] = block
    return out


def mixtures(base, n, sigma, seed=0, parts=3):
    """n vectors, each a random convex mixture of `parts` seed vectors plus noise, renormalised:
    a continuous cloud around the seed's topics without clusters of near-identical copies (whose
    top 10 would be near-ties, making recall@10 meaningless)."""
    rng = np.random.default_rng(seed)
    out = np.empty((n, base.shape[1]), dtype=np.float32)
    step = 8192
    for start in range(0, n, step):
        m = min(step, n - start)
        pick = rng.integers(0, len(base), size=(m, parts))
        w = rng.dirichlet(np.ones(parts), size=m).astype(np.float32)
        block = np.einsum("mp,mpd->md", w, base[pick]) + rng.standard_normal((m, base.shape[1]), dtype=np.float32) * sigma
        out[start:start + m] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return out


def quantize_int8(m):
    """Symmetric scalar quantisation with one global scale (unit vectors: components in [-1, 1])."""
    scale = 127.0 / float(np.abs(m).max())
    return np.round(m * scale).astype(np.int8), scale


def chunked(mat, q, k, block=16384):
    """Brute force over float16/int8 rows: convert a cache-sized block to float32, BLAS, keep the top k."""
    qf = q.astype(np.float32)
    best_s, best_i = [], []
    for start in range(0, len(mat), block):
        s = mat[start:start + block].astype(np.float32) @ qf
        kk = min(k, len(s))
        idx = np.argpartition(-s, kk - 1)[:kk]
        best_s.append(s[idx])
        best_i.append(idx + start)
    s = np.concatenate(best_s)
    i = np.concatenate(best_i)
    top = np.argsort(-s)[:k]
    return i[top], s[top]


def recall(approx, exact):
    return statistics.mean(len(set(a[:10]) & set(e[:10])) / 10 for a, e in zip(approx, exact))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--copies", type=int, default=1000)
    ap.add_argument("--encoder", default="use")
    ap.add_argument("--ann", default="usearch,hnswlib,faiss")
    ap.add_argument("--sigma", type=float, default=None)
    ap.add_argument("--synthetic", choices=("copies", "mix"), default="copies")
    ap.add_argument("--skip-slow", action="store_true", help="skip the numpy float16/int8 brute force")
    args = ap.parse_args()
    enc = get_encoder(args.encoder)
    units = load_units()
    out = {"encoder": args.encoder, "copies": args.copies, "synthetic": args.synthetic}

    # --- embedding: uncached rate on the seed, and the cached build of 1000 copies
    texts = [u["text"] for u in units]
    emb_sel = [u for u in units if embeddable(u)]
    out["units_per_copy"] = {"all": len(units), "embeddable": len(emb_sel)}
    rates = []
    for _ in range(3):
        s = time.perf_counter()
        enc.docs(texts)
        rates.append(len(texts) / (time.perf_counter() - s))
    out["uncached_rate_units_s"] = round(max(rates), 1)
    out["uncached_1000x_embeddable_s"] = round(len(emb_sel) * args.copies / max(rates), 1)
    cache = EmbeddingCache(enc)
    cache.embed([u["text"] for u in emb_sel])
    s = time.perf_counter()
    # a build of N chapters whose texts are all cached: hash every text, gather its row
    for _ in range(args.copies):
        cache.embed([u["text"] for u in emb_sel])
    out["cached_1000x_s"] = round(time.perf_counter() - s, 2)

    # --- the vectors
    base = np.stack([cache.vectors[text_hash(u["text"])] for u in emb_sel]).astype(np.float32)
    d = base.shape[1]
    sigma = args.sigma or float(np.sqrt((1 / 0.9 ** 2 - 1) / d))  # cosine(original, copy) ~ 0.9
    rss0 = rss_mb()
    mat32 = (synthetic(base, args.copies, sigma) if args.synthetic == "copies"
             else mixtures(base, args.copies * len(base), sigma))
    out["vectors"] = {"n": len(mat32), "dims": d, "sigma": round(sigma, 4),
                      "mean_cos_copy_to_original": round(float((mat32[len(base):2 * len(base)] * base).sum(1).mean()), 3)}
    mat16 = mat32.astype(np.float16)
    mat8, scale = quantize_int8(mat32)
    out["memory_mb"] = {"float32": round(mat32.nbytes / 2**20, 1), "float16": round(mat16.nbytes / 2**20, 1),
                        "int8": round(mat8.nbytes / 2**20, 1),
                        "float16_all_232_units_per_chapter": round(args.copies * len(units) * d * 2 / 2**20, 1),
                        "int8_all_232_units_per_chapter": round(args.copies * len(units) * d / 2**20, 1)}

    qtexts = [q["q"] for q in load_queries()["queries"] if "q" in q]
    # first-time query encoding (each query once, a fresh encoder cache)
    lat = []
    for t in qtexts:
        s = time.perf_counter()
        enc.query(t + " ")  # the trailing space keeps it out of any memo
        lat.append((time.perf_counter() - s) * 1000)
    lat.sort()
    out["query_encode_ms"] = {"median": round(statistics.median(lat), 2), "p90": round(lat[int(0.9 * (len(lat) - 1))], 2)}
    qv = [enc.query(t) for t in qtexts]

    k = 100
    exact = [dense_search(mat32, q, k)[0].tolist() for q in qv]
    res = {}
    res["float32 BLAS"] = timeit(lambda q: dense_search(mat32, q, k), qv)
    if not args.skip_slow:
        res["float16 chunked->f32"] = timeit(lambda q: chunked(mat16, q, k), qv)
        res["int8 chunked->f32"] = timeit(lambda q: chunked(mat8, q, k), qv)
        res["float16 numpy direct"] = timeit(lambda q: dense_search(mat16, q.astype(np.float16), k), qv[:5], warm=1)
        r16 = [chunked(mat16, q, k)[0].tolist() for q in qv]
        r8 = [chunked(mat8, q, k)[0].tolist() for q in qv]
        res["float16 chunked->f32"]["recall@10"] = round(recall(r16, exact), 4)
        res["int8 chunked->f32"]["recall@10"] = round(recall(r8, exact), 4)
    # gather: scoring only given rows (re-ranking the lexical hits needs no search at all)
    rows = np.random.default_rng(1).choice(len(mat16), 1000, replace=False)
    res["float16 gather 1000 rows"] = timeit(lambda q: mat16[rows].astype(np.float32) @ q, qv)
    out["brute_force"] = res

    # --- ANN
    ann = {}
    names = [a for a in args.ann.split(",") if a]
    if "usearch" in names:
        from usearch.index import Index
        for dtype in ("f16", "i8"):
            idx = Index(ndim=d, metric="cos", dtype=dtype, connectivity=16, expansion_add=128, expansion_search=64)
            s = time.perf_counter()
            idx.add(np.arange(len(mat32)), mat32, threads=2)
            build = time.perf_counter() - s
            for ef in (64, 128, 256):
                idx.expansion_search = ef
                found = [idx.search(q, 10).keys.tolist() for q in qv]
                t = timeit(lambda q: idx.search(q, 10), qv)
                ann[f"usearch HNSW {dtype} M=16 ef={ef}"] = {**t, "recall@10": round(recall(found, exact), 4),
                                                             "build_s": round(build, 1),
                                                             "memory_mb": round(idx.memory_usage / 2**20, 1)}
            del idx
            gc.collect()
    if "hnswlib" in names:
        import hnswlib
        p = hnswlib.Index(space="ip", dim=d)
        p.init_index(max_elements=len(mat32), ef_construction=100, M=16)
        p.set_num_threads(2)
        s = time.perf_counter()
        p.add_items(mat32, np.arange(len(mat32)))
        build = time.perf_counter() - s
        for ef in (64, 128, 256):
            p.set_ef(ef)
            found = [p.knn_query(q, 10)[0][0].tolist() for q in qv]
            t = timeit(lambda q: p.knn_query(q, 10), qv)
            ann[f"hnswlib f32 M=16 ef={ef}"] = {**t, "recall@10": round(recall(found, exact), 4), "build_s": round(build, 1),
                                                "memory_mb": round((mat32.nbytes + len(mat32) * 16 * 2 * 4) / 2**20, 1)}
        del p
        gc.collect()
    if "faiss" in names:
        import faiss
        faiss.omp_set_num_threads(2)
        for name, qt in (("SQ8 flat", faiss.ScalarQuantizer.QT_8bit), ("SQfp16 flat", faiss.ScalarQuantizer.QT_fp16)):
            f = faiss.IndexScalarQuantizer(d, qt, faiss.METRIC_INNER_PRODUCT)
            s = time.perf_counter()
            f.train(mat32)
            f.add(mat32)
            build = time.perf_counter() - s
            found = [f.search(q[None, :], 10)[1][0].tolist() for q in qv]
            t = timeit(lambda q: f.search(q[None, :], 10), qv)
            ann[f"faiss {name} (exhaustive)"] = {**t, "recall@10": round(recall(found, exact), 4),
                                                 "build_s": round(build, 1), "memory_mb": round(f.sa_code_size() * len(mat32) / 2**20, 1)}
            del f
            gc.collect()
    out["ann"] = ann
    out["rss_growth_mb_all_copies"] = round(rss_mb() - rss0, 1)
    save_result(f"speed_{args.encoder}" + ("_mix" if args.synthetic == "mix" else ""), out)
    import json
    print(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
