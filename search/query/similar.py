"""Similar practice: the records closest in meaning to a record, and what they share with it.

Order (bench/meaning/README.md, section 5, and bench/relevance: the similar-practice queries):

1. the same wording (character 5-gram overlap at least SAME_WORDING: 措辞相同), the records with
   one text shown as one entry with each of their meetings;
2. the clause restated by a later decision (both decision clauses, the other's meeting later, the
   wording close: 措辞相近): 5282's small-arms clause -> 5776's;
3. then by cosine.

What they share (the same cited documents, Charter references, countries, organisations) is said,
not scored: on the relevance set it did not rank better (most clauses share 区域和次区域组织, and
shared citations link paragraphs of one debate rather than one practice).
"""
from dataclasses import dataclass

from ..reference.charter import charter_label
from ..reference.gazetteer import country, org
from ..text import normalize, squash
from .meaning import FLOOR

SIMILAR = 10        # entries shown
CANDIDATES = 30     # nearest units looked at
SAME_WORDING = 0.6  # 5-gram Jaccard: the same wording (措辞相同)
CLOSE_WORDING = 0.2  # close wording (措辞相近)


def _grams(text, n=5):
    t = squash(normalize(text))
    return {t[i:i + n] for i in range(max(1, len(t) - n + 1))}


def wording(a, b):
    """Character 5-gram Jaccard of two texts (1.0: the same wording)."""
    ga, gb = _grams(a), _grams(b)
    return len(ga & gb) / len(ga | gb) if ga and gb else 0.0


@dataclass
class Similar:
    """A record close to another: cosine, wording overlap, label, what they share, same-text records."""

    record: dict
    cosine: float
    wording: float
    restated: bool
    same: list

    @property
    def label(self):
        if self.wording >= SAME_WORDING:
            return "措辞相同"
        return "措辞相近" if self.wording >= CLOSE_WORDING else "语义相近"

    def rank(self):
        return (0 if self.wording >= SAME_WORDING else 1 if self.restated else 2, -self.cosine)


def _restated(base, other, overlap):
    return (base.get("kind") == other.get("kind") == "decision" and overlap >= CLOSE_WORDING
            and (other.get("date") or "") > (base.get("date") or "9999"))


def _codes(record, key):
    return [c["code"] if isinstance(c, dict) else c for c in record.get(key) or ()]


def shares(base, other):
    """What two records have in common: {"documents", "charter", "countries", "orgs"} (only those shared)."""
    docs = [s for s in other.get("symbols") or () if s in set(base.get("symbols") or ())]
    charter = [v for v in other.get("charter") or () if v in set(base.get("charter") or ())]
    countries = [c for c in _codes(other, "countries") if c in set(_codes(base, "countries"))]
    orgs = [c for c in _codes(other, "orgs") if c in set(_codes(base, "orgs"))]
    out = {}
    if docs:
        out["documents"] = docs
    if charter:
        out["charter"] = [{"value": v, "label": (charter_label(v) or (v,))[0]} for v in charter]
    if countries:
        out["countries"] = [{"code": c, "zh": country(c).zh if country(c) else c} for c in countries]
    if orgs:
        out["orgs"] = [{"code": c, "zh": org(c).zh if org(c) else c} for c in orgs]
    return out


def _entry(base, item):
    r = item.record
    return {"id": r["id"], "kind": r.get("kind"), "meeting": r.get("meeting"), "date": r.get("date"),
            "decision": r.get("decision"), "text": r.get("text"), "score": round(item.cosine, 3),
            "wording": round(item.wording, 2), "label": item.label, "restated": item.restated,
            "shares": shares(base, r),
            "same_wording": [{"id": s["id"], "meeting": s.get("meeting"), "date": s.get("date")} for s in item.same]}


def similar_records(engine, vectors, record_id, limit=SIMILAR):
    """Up to `limit` records close in meaning to record `record_id`, as dicts (see _entry), best first."""
    row = vectors.row(record_id) if vectors is not None else None
    found = engine.lookup(record_id) if row is not None else None
    if found is None:
        return []
    base = found[0]
    rows, cosines = vectors.nearest(vectors.read([row])[0], CANDIDATES + 1)
    by_text, items = {}, []
    for r, c in zip(rows.tolist(), cosines.tolist()):
        other_id = vectors.record_id(r)
        other = engine.lookup(other_id) if other_id != record_id and c >= FLOOR else None
        if other is None:
            continue
        other = other[0]
        key = squash(normalize(other.get("text") or ""))
        if key in by_text:  # the same text again (another meeting): one entry, its meetings listed
            by_text[key].same.append(other)
            continue
        overlap = wording(base.get("text") or "", other.get("text") or "")
        by_text[key] = item = Similar(other, c, overlap, _restated(base, other, overlap), [])
        items.append(item)
    items.sort(key=Similar.rank)
    return [_entry(base, item) for item in items[:limit]]
