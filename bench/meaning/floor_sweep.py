"""The similarity floor's effect on the fused ranking (USE, words lead without re-ranking).

    OPENBLAS_NUM_THREADS=1 /tmp/mvenv/bin/python bench/meaning/floor_sweep.py

A floor of 1.0 shows no meaning-only hit at all (= words + translation).
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import evaluate as ev  # noqa: E402
from common import load_queries, save_result  # noqa: E402

s = ev.Setup()
qs = [q for q in load_queries()["queries"] if q["type"] != "similar"]
out = {}
for floor in (0.184, 0.20, 0.22, 0.25, 1.0):
    p = {"k": 5, "w": 0.5, "relax": "always", "dq": "typed+terms", "delta": None, "floor_use": floor, "floor_e5": 0.855}
    row = {}
    for split in ("tune", "heldout"):
        sub = [q for q in qs if q["split"] == split]
        row[split] = ev.table(ev.run_all(s, sub, p), sub, ["lead-norerank-use"])["lead-norerank-use"]
    mo = rel = 0
    for q in qs:
        hits = ev.fused_hits("lead-norerank-use", s.lexical(q["q"], "always"),
                             s.dense["use"].search(s.dense_query_text(q["q"], "typed+terms"), 100), p, floor)
        only = [h.id for h in hits[:10] if h.how == "meaning"]
        mo += len(only)
        rel += sum(1 for x in only if q["judged"].get(x, 0) > 0)
    row["meaning_only_in_top10"] = {"hits": mo, "relevant": rel}
    out[str(floor)] = row
    print(floor, row)
save_result("floor_sweep", out)
