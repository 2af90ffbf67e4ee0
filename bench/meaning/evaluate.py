"""Measure words-only, words+translation, meaning-only and fused retrieval on the relevance set.

    /tmp/mvenv/bin/python bench/meaning/evaluate.py            # tune on `tune`, report both halves

Writes results/evaluate.json and prints Markdown tables. Everything runs over the seed: the
lexical side is the real engine (tantivy index built in a temp folder), the dense side the two
encoders over the embeddable units (meaning.embeddable), vectors cached by text hash.
"""
import itertools
import json
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import load_queries, load_units, ndcg_at, precision_at, save_result  # noqa: E402
from encoders import get_encoder  # noqa: E402
from meaning import (Dense, Lexical, SimilarPractice, fuse_rrf, fuse_tiered, fuse_words_lead,  # noqa: E402
                     lexical_translated, translate_query)

NONSENSE = ["xyzzy qwerty", "香蕉手机壳", "asdfghjkl", "qzv kkp wrtx", "披萨外卖优惠券", "lorem ipsum dolor sit amet",
            "football world cup results", "手机充电器坏了", "chocolate cake recipe", "量子计算机芯片", "zzzz", "猫咪"]


def capped_p5(ranked, judged):
    r = sum(1 for v in judged.values() if v > 0)
    return sum(1 for x in ranked[:5] if judged.get(x, 0) > 0) / min(5, r) if r else 0.0


def metrics(runs, queries):
    """runs: qid -> ranked short ids. Mean P@5, capped P@5, nDCG@10 over the given queries."""
    p5 = [precision_at(runs[q["id"]], q["judged"]) for q in queries]
    cp5 = [capped_p5(runs[q["id"]], q["judged"]) for q in queries]
    nd = [ndcg_at(runs[q["id"]], q["judged"]) for q in queries]
    return {"P@5": round(statistics.mean(p5), 3), "cP@5": round(statistics.mean(cp5), 3),
            "nDCG@10": round(statistics.mean(nd), 3), "n": len(queries)}


class Setup:
    def __init__(self):
        self.units = load_units()
        self.tmp = tempfile.mkdtemp(prefix="meaning-idx-")
        self.lex = Lexical.build(self.tmp)
        self.dense = {n: Dense(get_encoder(n), self.units) for n in ("use", "e5")}
        self.dense_all = {n: Dense(get_encoder(n), self.units, select=lambda u: True) for n in ("use", "e5")}
        self.dense_nofn = {n: Dense(get_encoder(n), self.units, select=lambda u: u["kind"] != "footnote")
                           for n in ("use", "e5")}
        self._tr = {}

    def tr(self, q):
        if q not in self._tr:
            self._tr[q] = translate_query(q, corpus_has=self.lex.has)
        return self._tr[q]

    def tr_dict(self, q):
        key = ("dict", q)
        if key not in self._tr:
            self._tr[key] = translate_query(q, corpus_has=self.lex.has, use_glossary=False)
        return self._tr[key]

    def lexical(self, q, relax="always"):
        tr = self.tr(q)
        hits = lexical_translated(self.lex, tr, relax=relax != "never")
        if relax == "few":
            strict = [h for h in hits if h[1] != "partial"]
            hits = strict if len(strict) >= 10 else hits
        return hits

    def words_only(self, q):
        return [(s, "exact" if e else "words") for s, e in self.lex.search(q)]

    def dense_query_text(self, q, mode):
        if mode == "typed":
            return q
        tr = self.tr(q)
        terms = [t for g in tr.groups for t in g.terms[:2]]
        return (q + " " + " ".join(terms)).strip() if mode == "typed+terms" else (" ".join(terms) or q)


def d_dict(s, enc, text, params):
    """Dense hits when the translation had only CC-CEDICT: the typed query plus those terms."""
    if params["dq"] == "typed":
        return s.dense[enc].search(text, k=100)
    terms = [t for g in s.tr_dict(text).groups for t in g.terms[:2]]
    return s.dense[enc].search((text + " " + " ".join(terms)).strip(), k=100)


def ids(hits):
    return [h.id if hasattr(h, "id") else h[0] for h in hits]


def run_all(s, queries, params):
    """Every method's ranking for every query (params: the fusion settings to use)."""
    out = {}
    for q in queries:
        text = q["q"]
        lex = s.lexical(text, params["relax"])
        row = {"words": ids(s.words_only(text)), "words+tr": ids(lex)}
        # ablation: CC-CEDICT alone, no Security Council glossary (English queries; Chinese ones
        # keep their abbreviation expansion)
        lex_dict = lexical_translated(s.lex, s.tr_dict(text), relax=params["relax"] != "never")
        row["words+cedict"] = ids(lex_dict)
        for enc in ("use", "e5"):
            d = s.dense[enc].search(s.dense_query_text(text, params["dq"]), k=100)
            row[f"meaning-{enc}"] = ids(d)
            row[f"meaning-{enc}-allunits"] = ids(s.dense_all[enc].search(s.dense_query_text(text, params["dq"]), 100))
            row[f"meaning-{enc}-nofootnotes"] = ids(s.dense_nofn[enc].search(s.dense_query_text(text, params["dq"]), 100))
            row[f"rrf-{enc}"] = ids(fuse_rrf(lex, d, k=params["k"], floor=params[f"floor_{enc}"], w_dense=params["w"]))
            row[f"lead-{enc}"] = ids(fuse_words_lead(lex, d, floor=params[f"floor_{enc}"], k=params["k"]))
            row[f"lead-norerank-{enc}"] = ids(fuse_words_lead(lex, d, floor=params[f"floor_{enc}"], rerank=False))
            row[f"cedict+lead-norerank-{enc}"] = ids(fuse_words_lead(lex_dict, d_dict(s, enc, text, params),
                                                                      floor=params[f"floor_{enc}"], rerank=False))
            row[f"tiered-{enc}"] = ids(fuse_tiered(lex, d, floor=params[f"floor_{enc}"], k=params["k"],
                                                   delta=params.get("delta")))
        out[q["id"]] = row
    return out


def fused_hits(method, lex, d, p, floor):
    """The Hit list of one fused method (for the label counts)."""
    if method.startswith("rrf"):
        return fuse_rrf(lex, d, k=p["k"], floor=floor, w_dense=p["w"])
    if method.startswith("tiered"):
        return fuse_tiered(lex, d, floor=floor, k=p["k"], delta=p.get("delta"))
    return fuse_words_lead(lex, d, floor=floor, k=p["k"], rerank="norerank" not in method)


def table(runs_by_q, queries, methods):
    res = {}
    for m in methods:
        res[m] = metrics({qid: r[m] for qid, r in runs_by_q.items()}, queries)
    return res


def nonsense_max(s):
    """Highest cosine of any embeddable unit for each nonsense query, per encoder."""
    out = {}
    for enc in ("use", "e5"):
        out[enc] = {q: round(s.dense[enc].search(q, 1)[0][1], 4) for q in NONSENSE}
    return out


def top_sims(s, queries):
    out = {}
    for enc in ("use", "e5"):
        out[enc] = [round(s.dense[enc].search(q["q"], 1)[0][1], 4) for q in queries]
    return out


def tune(s, tune_q, floors):
    """Grid over fusion settings on the tune half; the objective is mean nDCG@10 of the fused run."""
    best = {}
    for enc in ("use", "e5"):
        grid = []
        for k, w, relax, dq, delta in itertools.product((5, 10, 20, 60), (0.5, 1.0), ("always", "few", "never"),
                                                        ("typed", "typed+terms"), (None, 0.05, 0.1)):
            if delta is not None and w != 1.0:
                continue  # delta only acts on the tiered fusion, w only on RRF: skip duplicate runs
            p = {"k": k, "w": w, "relax": relax, "dq": dq, "delta": delta,
                 "floor_use": floors["use"], "floor_e5": floors["e5"]}
            runs = run_all(s, tune_q, p)
            for fused in (f"rrf-{enc}", f"lead-{enc}", f"lead-norerank-{enc}", f"tiered-{enc}"):
                m = table(runs, tune_q, [fused])[fused]
                grid.append((m["nDCG@10"], m["cP@5"], fused, p))
        grid.sort(key=lambda x: (-x[0], -x[1]))
        best[enc] = grid[0]
    return best


def similar_eval(s, sim_q, enc, **w):
    sp = SimilarPractice(s.dense[enc], s.units, **w)
    runs, details = {}, {}
    for q in sim_q:
        res = sp.similar(q["record"].replace("000_433e06851ef59419.", ""), k=10)
        runs[q["id"]] = [r.id for r in res]
        details[q["id"]] = [(r.id, round(r.score, 3), round(r.cosine, 3), round(r.wording, 2), r.label, r.shares)
                            for r in res[:5]]
    # the record whose restated clause should come first: rank of its grade-2 neighbours
    first = {q["id"]: next((i + 1 for i, x in enumerate(runs[q["id"]]) if q["judged"].get(x) == 2), None)
             for q in sim_q if 2 in q["judged"].values()}
    return runs, details, first


def main():
    s = Setup()
    data = load_queries()["queries"]
    qs = [q for q in data if q["type"] != "similar"]
    tune_q = [q for q in qs if q["split"] == "tune"]
    held_q = [q for q in qs if q["split"] == "heldout"]
    nons = nonsense_max(s)
    # The floor: just above the best cosine any nonsense query reaches, so none of them gets a
    # meaning-only hit (margin 0.01).
    floors = {enc: round(max(v.values()) + 0.01, 3) for enc, v in nons.items()}
    best = tune(s, tune_q, floors)
    report = {"nonsense_max_cosine": nons, "floors": floors, "tuned": {}, "tables": {}}
    methods_base = ["words", "words+tr", "words+cedict"]
    for enc in ("use", "e5"):
        score, cp5, fused, p = best[enc]
        report["tuned"][enc] = {"method": fused, "params": p, "tune_nDCG@10": score}
        runs_t = run_all(s, tune_q, p)
        runs_h = run_all(s, held_q, p)
        methods = methods_base + [f"meaning-{enc}", f"meaning-{enc}-allunits", f"meaning-{enc}-nofootnotes",
                                  f"rrf-{enc}", f"lead-{enc}", f"lead-norerank-{enc}", f"tiered-{enc}", f"cedict+lead-norerank-{enc}"]
        report["tables"][enc] = {
            "tune": table(runs_t, tune_q, methods), "heldout": table(runs_h, held_q, methods),
            "heldout_en": table(runs_h, [q for q in held_q if q["type"] == "en"], methods),
            "heldout_zh": table(runs_h, [q for q in held_q if q["type"] == "zh"], methods),
            "per_query_heldout": {q["id"]: {m: round(ndcg_at(runs_h[q["id"]][m], q["judged"]), 3) for m in methods}
                                  for q in held_q},
        }
        # nonsense: meaning-only hits a fused page would show (must be 0)
        report["tables"][enc]["nonsense_meaning_only_hits"] = {
            q: len([h for h in fused_hits(fused, s.lexical(q, p["relax"]), s.dense[enc].search(q, 100), p, floors[enc])
                    if h.how == "meaning"]) for q in NONSENSE}
        # how many meaning-only hits real queries get at the floor, and how many are relevant
        mo, mo_rel = 0, 0
        for q in qs:
            hits = fused_hits(fused, s.lexical(q["q"], p["relax"]),
                              s.dense[enc].search(s.dense_query_text(q["q"], p["dq"]), 100), p, floors[enc])
            only = [h.id for h in hits[:10] if h.how == "meaning"]
            mo += len(only)
            mo_rel += sum(1 for x in only if q["judged"].get(x, 0) > 0)
        report["tables"][enc]["meaning_only_in_top10"] = {"hits": mo, "relevant": mo_rel}
    report["query_top_cosine"] = top_sims(s, qs)
    # similar practice
    sim_q = [q for q in data if q["type"] == "similar"]
    report["similar"] = {}
    for enc in ("use", "e5"):
        variants = {"cosine only": dict(w_doc=0, w_charter=0, w_country=0, w_wording=0, w_restated=0),
                    "cosine+wording": dict(w_doc=0, w_charter=0, w_country=0, w_wording=0.5, w_restated=0),
                    "cosine+wording+restated": dict(w_doc=0, w_charter=0, w_country=0, w_wording=0.5, w_restated=0.1),
                    "all boosts": dict(w_doc=0.05, w_charter=0.05, w_country=0.05, w_wording=0.5, w_restated=0.1),
                    "cosine+same wording first": dict(w_doc=0, w_charter=0, w_country=0, w_wording=0, w_restated=0, w_same=1.0),
                    "cosine+same wording first+restated": dict(w_doc=0, w_charter=0, w_country=0, w_wording=0, w_restated=0.05, w_same=1.0),
                    "cosine+same wording first+docs": dict(w_doc=0.02, w_charter=0.02, w_country=0, w_wording=0, w_restated=0, w_same=1.0)}
        report["similar"][enc] = {}
        for name, w in variants.items():
            runs, details, first = similar_eval(s, sim_q, enc, **w)
            report["similar"][enc][name] = {
                "tune": metrics(runs, [q for q in sim_q if q["split"] == "tune"]),
                "heldout": metrics(runs, [q for q in sim_q if q["split"] == "heldout"]),
                "rank_of_first_grade2": first, "top5": details}
    save_result("evaluate", report)
    _print(report)


def _print(r):
    print("floors", r["floors"], "nonsense", json.dumps(r["nonsense_max_cosine"], ensure_ascii=False))
    for enc, t in r["tables"].items():
        print(f"\n### {enc}: tuned {r['tuned'][enc]['method']} {r['tuned'][enc]['params']}")
        print("| method | tune P@5 | tune cP@5 | tune nDCG@10 | heldout P@5 | heldout cP@5 | heldout nDCG@10 | heldout en nDCG | heldout zh nDCG |")
        print("|---|---|---|---|---|---|---|---|---|")
        for m in t["tune"]:
            a, b = t["tune"][m], t["heldout"][m]
            print(f"| {m} | {a['P@5']} | {a['cP@5']} | {a['nDCG@10']} | {b['P@5']} | {b['cP@5']} | {b['nDCG@10']} | "
                  f"{t['heldout_en'][m]['nDCG@10']} | {t['heldout_zh'][m]['nDCG@10']} |")
        print("nonsense meaning-only hits", t["nonsense_meaning_only_hits"], "meaning-only in top10", t["meaning_only_in_top10"])
    for enc, v in r["similar"].items():
        for name, m in v.items():
            print(f"similar {enc} {name}: tune {m['tune']} heldout {m['heldout']} first2 {m['rank_of_first_grade2']}")


if __name__ == "__main__":
    main()
