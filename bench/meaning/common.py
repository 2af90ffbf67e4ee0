"""Shared helpers of the meaning-search prototype: the seed's units, text hashes, metrics.

Plain functions over the parsed seed; nothing here touches the server. Run the scripts from the
repository root with an interpreter that has the project installed (and, for the encoders, the
scratch venv `/tmp/mvenv`, see README.md).
"""
import hashlib
import json
import math
import os
import re
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seeds" / "000_433e06851ef59419.txt"
HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
CACHE = Path(os.environ.get("MEANING_CACHE", "/tmp/meaning_cache"))
QUERIES = ROOT / "bench" / "relevance" / "queries.json"
DATA = ROOT / "search" / "data"


def load_units():
    """The seed's 232 units as dicts (id, kind, text, and the facets similar practice uses)."""
    from search.reference.resolve import parse_chapter, record_to_dict

    corpus = parse_chapter(str(SEED))
    units = []
    for rec in list(corpus.paragraphs) + list(corpus.footnotes):
        d = record_to_dict(rec)
        units.append(d)
    return units


def short(uid):
    """'000_433e06851ef59419.49.p12' -> '49.p12' (the relevance file stores short ids)."""
    return uid.split(".", 1)[1]


def text_hash(text):
    """The cache key of an embedding: the unit's text, NFC, as the encoder sees it."""
    return hashlib.sha256(unicodedata.normalize("NFC", text).encode("utf-8")).hexdigest()[:20]


def is_citation_only(unit):
    """A footnote that only cites documents and pages ("同上，第 5 页(墨西哥)") has no meaning to embed."""
    if unit["kind"] != "footnote":
        return False
    text = unit["text"]
    # Strip symbols, page references and speaker brackets; what is left is punctuation if the
    # footnote only cites.
    rest = re.sub(r"[A-Za-z]+/[A-Za-z0-9./()\s]+|第\s*[\d\-\s和]+页|同上|分别为|\([^)]*\)|[，。；、,\s]", "", text)
    return len(rest) < 6


def embed_text(unit):
    """What an encoder is given for a unit: its text; a decision clause gets its decision's name."""
    return unit["text"]


def load_queries():
    """The relevance set (bench/relevance/queries.json)."""
    with open(QUERIES, encoding="utf-8") as f:
        return json.load(f)


def dcg(gains):
    return sum(g / math.log2(i + 2) for i, g in enumerate(gains))


def ndcg_at(ranked, judged, k=10):
    """nDCG@k with graded judgements (dict short id -> 1|2); unjudged = 0."""
    gains = [judged.get(r, 0) for r in ranked[:k]]
    ideal = sorted(judged.values(), reverse=True)[:k]
    best = dcg(ideal)
    return dcg(gains) / best if best else 0.0


def precision_at(ranked, judged, k=5):
    """Precision@k: share of the first k that are judged relevant (1 or 2); an empty slot counts 0."""
    return sum(1 for r in ranked[:k] if judged.get(r, 0) > 0) / k


def save_result(name, data):
    RESULTS.mkdir(parents=True, exist_ok=True)
    with open(RESULTS / f"{name}.json", "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, indent=1)
