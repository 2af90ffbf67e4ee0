"""How big is CC-CEDICT's English -> Chinese table once cut down to headwords the corpus uses?

    /tmp/mvenv/bin/python bench/meaning/cedict_subset.py

The translator only needs Chinese headwords that occur in the indexed text (a dictionary term the
corpus never uses finds nothing). Cut at build time, the table is small enough to keep with each
index generation instead of loading all of CC-CEDICT (130 MB RSS) in every server process.
"""
import json
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import load_units, save_result  # noqa: E402
from meaning import cedict_english  # noqa: E402

start = time.perf_counter()
inv = cedict_english()
load = time.perf_counter() - start
text = "".join(re.sub(r"\s+", "", u["text"]) for u in load_units())
start = time.perf_counter()
subset = {en: [z for z in zh if z in text] for en, zh in inv.items()}
subset = {en: zh for en, zh in subset.items() if zh}
cut = time.perf_counter() - start
size = sum(len(en) + sum(len(z.encode()) + 1 for z in zh) + 1 for en, zh in subset.items())
res = {"english_keys_full": len(inv), "english_keys_in_seed": len(subset),
       "headwords_in_seed": len({z for zh in subset.values() for z in zh}),
       "tsv_bytes": size, "load_full_s": round(load, 2), "cut_s": round(cut, 2)}
save_result("cedict_subset", res)
print(json.dumps(res))
