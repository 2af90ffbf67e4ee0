"""Meaning search: the units close in meaning to a query that its words do not find, below them.

The words lead. The engine ranks what the query's strings find (exact string, words, then
translations and expansions); the meaning search only adds, after the last of those, up to
RELATED units whose vectors are close to the query's (cosine at least FLOOR), that pass the
filters and the exclusions: labelled 语义相关, never mixed into the words' ranking (fusing the two
rankings measured no better on the relevance set, bench/meaning/README.md, and would break
"exact strings first").

FLOOR: twelve nonsense queries reached cosine 0.174 at most on the seed, a second twelve 0.183:
0.20 keeps every one of them empty (a nonsense query shows no meaning hit) while real concept
queries reach 0.3-0.6. FLOOR_FOUND: the floor for a query whose words the corpus does hold (the
words or the partial tier find a unit): such a query is not nonsense, and a concept the encoder
knows little of (good offices, 斡旋) reaches only 0.1-0.2 with its neighbours (chosen on the tune
half of the relevance set, with no nonsense query given a meaning hit: bench/relevance).

The query vector is the typed text with the first two strings of each translated or expanded
concept ("peacekeeping 维持和平 维和"): the encoder is multilingual, but the Chinese terms pin the
concept down (chosen on the tune half of the relevance set).

No meaning search for a quoted string (the reader asked for exactly that), nor for a query
naming a document, a Charter article or a number: those name what they find.
"""
from dataclasses import dataclass

import numpy as np

from ..index.encoder import embed_query

FLOOR = 0.20
FLOOR_FOUND = 0.12
RELATED = 10      # meaning-only hits at most, after the words' last hit
CANDIDATES = 50   # nearest units looked at (those the words found are skipped)


@dataclass(frozen=True)
class Related:
    """A unit the meaning search adds: the record dict and its cosine with the query."""

    record: dict
    cosine: float


def meaning_text(raw, parsed):
    """What the encoder is given for a query: the typed text and the first strings of each sense."""
    extra = [s for t in parsed.positive for g in t.senses for s in g[:2] if s not in raw]
    return " ".join([raw.strip(), *dict.fromkeys(extra)]).strip()


def wants_meaning(parsed):
    """True when a meaning search may add to the query's hits (see the module's docstring)."""
    typed = parsed.typed
    if not typed or any(t.exact or t.facets for t in typed):
        return False
    return all(any(c.isalpha() for c in t.key) and not any(c.isdigit() for c in t.key) for t in typed)


def by_meaning(vectors, records, raw, parsed):
    """`records` ordered by their cosine with the query (those without a vector last, in their order)."""
    if vectors is None or not records:
        return list(records)
    query = embed_query(meaning_text(raw, parsed)).astype(np.float32)
    rows = [vectors.row(r["id"]) for r in records]
    known = [row for row in rows if row is not None]
    cosine = dict(zip(known, (vectors.read(known) @ query).tolist()))
    score = [cosine[row] if row is not None else -2.0 for row in rows]
    order = sorted(range(len(records)), key=lambda i: (-score[i], i))
    return [records[i] for i in order]


def related_units(engine, vectors, parsed, params, raw, found=False, limit=RELATED):
    """The units close in meaning to the query that its words do not find (filters and exclusions
    applied), best first: a tuple of Related. `found`: the query's words find units (FLOOR_FOUND
    applies, else FLOOR)."""
    floor = FLOOR_FOUND if found else FLOOR
    if vectors is None or not len(vectors) or not wants_meaning(parsed):
        return ()
    rows, cosines = vectors.nearest(embed_query(meaning_text(raw, parsed)), CANDIDATES)
    close = {vectors.record_id(r): float(c) for r, c in zip(rows.tolist(), cosines.tolist()) if c >= floor}
    if not close:
        return ()
    records = engine.outside(parsed, params, list(close))
    return tuple(Related(r, close[r["id"]]) for r in records[:limit])
