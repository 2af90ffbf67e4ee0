"""End-to-end cost of a fused search over the words-only search at 1000x the seed, in process.

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
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from common import load_queries, load_units, save_result, short, text_hash  # noqa: E402
from encoders import EmbeddingCache, get_encoder  # noqa: E402
from meaning import Group, Translation, embeddable, fuse_words_lead, translate_query  # noqa: E402


def pct(xs, p):
    xs = sorted(xs)
    return round(xs[int(p * (len(xs) - 1))], 2)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--copies", type=int, default=1000)
    ap.add_argument("--index", default="/tmp/meaning-1000")
    args = ap.parse_args()
    from make_corpus import make_corpus
    from search.build import build_index
    from search.engines import open_engine
    from search.params import SearchParams

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
    faiss.omp_set_num_threads(1)
    index = faiss.IndexScalarQuantizer(d, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT)
    index.train(mat)
    index.add(mat)
    del mat, blocks

    def engine_hits(q, per_page=20):
        r = engine.search(SearchParams(q=q, per_page=per_page))
        return [(h["id"], "exact" if h.get("exact") else "words") for h in r.hits], r.total

    floor = 0.184  # evaluate.py's floor for USE

    def fused(q):
        tr = translate_query(q)
        hits, total = ([], 0) if tr.language == "en" else engine_hits(q)
        if tr.expanded or tr.language == "en":
            if tr.groups:
                more, n = engine_hits(tr.engine_query())
                hits += [(i, "translated") for i, _ in more if i not in dict(hits)]
                if n < 10 and len(tr.groups) > 1:
                    for gq in tr.group_queries():
                        part, _ = engine_hits(gq)
                        hits += [(i, "partial") for i, _ in part if i not in dict(hits)]
        qv = enc.query(q)
        sims, rows = index.search(qv[None, :], 50)
        dense = [(ids[r], float(s)) for r, s in zip(rows[0], sims[0]) if r >= 0]
        return fuse_words_lead(hits, dense, floor=floor, rerank=False)[:20]

    queries = [q["q"] for q in load_queries()["queries"] if "q" in q]
    # each asked once per mode; a different suffix per mode keeps the engine's caches out of it
    res = {"words": [], "fused": [], "by_lang": {"en": [], "zh": []}}
    for q in queries:
        s = time.perf_counter()
        engine_hits(q)
        w = (time.perf_counter() - s) * 1000
        s = time.perf_counter()
        fused(q + " ")
        f = (time.perf_counter() - s) * 1000
        res["words"].append(w)
        res["fused"].append(f)
        res["by_lang"]["zh" if any("\u4e00" <= c <= "\u9fff" for c in q) else "en"].append(f - w)
    over = [f - w for f, w in zip(res["fused"], res["words"])]
    out = {"copies": args.copies, "records_with_vectors": len(ids), "queries": len(queries),
           "words_ms": {"median": pct(res["words"], 0.5), "p90": pct(res["words"], 0.9)},
           "fused_ms": {"median": pct(res["fused"], 0.5), "p90": pct(res["fused"], 0.9)},
           "overhead_ms": {"median": pct(over, 0.5), "p90": pct(over, 0.9)},
           "overhead_en_ms": {"median": pct(res["by_lang"]["en"], 0.5), "p90": pct(res["by_lang"]["en"], 0.9)},
           "overhead_zh_ms": {"median": pct(res["by_lang"]["zh"], 0.5), "p90": pct(res["by_lang"]["zh"], 0.9)},
           "dense_index": "faiss IndexScalarQuantizer QT_8bit, exhaustive, 1 thread"}
    # the dense part alone
    dt = []
    for q in queries:
        qv = enc.query(q + "  ")
        s = time.perf_counter()
        index.search(qv[None, :], 50)
        dt.append((time.perf_counter() - s) * 1000)
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
        sims, nn = index.search(v[None, :], 51)
        own = grams[ids[r].split(".", 1)[1]]
        scored = sorted(((float(sv) + (1.0 if jaccard(own, grams[ids[n].split(".", 1)[1]]) >= 0.6 else 0), ids[n])
                         for sv, n in zip(sims[0], nn[0]) if n != r), reverse=True)[:10]
        st.append((time.perf_counter() - s) * 1000)
    out["similar_ms"] = {"median": pct(st, 0.5), "p90": pct(st, 0.9)}
    save_result("latency", out)
    import json
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
