"""Candidate pools for the assessor: what several methods return for each query, to be judged by reading.

    /tmp/mvenv/bin/python bench/meaning/pool.py QUERYFILE > /tmp/pool.txt

QUERYFILE: one query a line, `id<TAB>text<TAB>zh terms separated by |` (the terms are the Chinese
synonyms whose substring hits join the pool). For each query it prints the union of: substring
hits of every term, the top 30 of USE and of e5 over paragraphs, each with the methods that found
it and its text, so that every candidate is judged, not only what one method likes.
"""
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import load_units, short  # noqa: E402
from encoders import EmbeddingCache, get_encoder  # noqa: E402


def main():
    units = [u for u in load_units()]
    texts = [u["text"] for u in units]
    caches = {n: EmbeddingCache(get_encoder(n)) for n in ("use", "e5")}
    mats = {n: c.embed(texts) for n, c in caches.items()}
    for c in caches.values():
        c.save()
    for line in Path(sys.argv[1]).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        qid, q, terms = (line.split("\t") + ["", ""])[:3]
        found = {}
        for t in filter(None, terms.split("|")):
            for u in units:
                if t in u["text"].replace(" ", ""):
                    found.setdefault(short(u["id"]), set()).add("s:" + t)
        for n, c in caches.items():
            qv = c.encoder.query(q)
            sims = mats[n] @ qv
            for i in np.argsort(-sims)[:30]:
                found.setdefault(short(units[i]["id"]), set()).add(f"{n}{sims[i]:.2f}")
        print(f"### {qid} {q}  [{terms}]  pool={len(found)}")
        by_id = {short(u["id"]): u for u in units}
        for sid in sorted(found, key=lambda s: (s.split(".")[0], s.split(".")[1][0], int(s.split(".")[1][2:] if s.split(".")[1].startswith("fn") else s.split(".")[1][1:]))):
            u = by_id[sid]
            print(f"  {sid} {' '.join(sorted(found[sid]))} :: {u['text'][:60]}")


if __name__ == "__main__":
    main()
