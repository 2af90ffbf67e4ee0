"""The Whoosh back end (the default): documents in a Whoosh index, matching with numpy.

Whoosh is pure Python, and decoding positions or scoring through its matchers is slow at the size
of the whole Repertoire, so this module reads Whoosh's posting blocks and columns straight into
numpy arrays (W3LeafMatcher._read_ids, the per-document column files). Those are private parts
of whoosh-reloaded 2.7.5 (pinned); they are used here and nowhere else.

- `grams`: every pair of neighbouring characters (spaces skipped), with frequencies. A string of
  two characters is one posting list; a longer one takes the candidates that hold its two rarest
  pairs and keeps those whose text contains it, checked against the texts held in memory
  (texts/<chapter>.txt, written beside the index); a single character is looked for in those
  texts directly. No single-character postings and no per-posting length statistics: they were
  half of what Whoosh's pure-Python writer spent its time on.
- Facets, filters, document order and dates are numpy arrays over all documents, built when the
  index is opened; deleted documents (of chapters re-indexed) are masked out.
- BM25 over the query's character pairs ranks within each ranking group.
"""
import json
import queue
import weakref
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.reading import TermNotFound

from ..errors import IndexError_
from ..text import bigrams, squash
from . import CHAPTER_SHIFT, FACETS, LRU, Engine, Matches, build_procs, engine_files
from .whoosh_write import TEXTS, segment_count, write_index

FACET_FIELDS = (*FACETS, "symbol", "chapter")
TIER = 1e6  # score bonus per ranking group; BM25 stays far below half of it
POOL_SIZE = 8


# --- reading: numpy views of the open index --------------------------------------------------


_EMPTY = np.zeros(0, dtype=np.int64)


class _Facet:
    """One facet's (document, value) pairs, sorted by value, with the value strings."""

    def __init__(self, values, docs, vals):
        self.values = values                  # value strings, by value ordinal
        self.index = {v: i for i, v in enumerate(values)}
        self.docs = docs                      # global docnums, grouped by value
        self.vals = vals                      # value ordinal of each pair
        self.starts = np.searchsorted(vals, np.arange(len(values) + 1))

    def docs_of(self, value):
        i = self.index.get(value)
        return _EMPTY if i is None else self.docs[self.starts[i]:self.starts[i + 1]]

    def counts(self, mask):
        """{value: documents among those where `mask` is True} (one numpy pass)."""
        counts = np.bincount(self.vals[mask[self.docs]], minlength=len(self.values))
        return {self.values[i]: int(counts[i]) for i in np.nonzero(counts)[0].tolist()}


def _fixed_column(reader, name, column, dtype):
    """A fixed-width numeric column of one segment as an array, read in one go."""
    n = reader.doc_count_all()
    perdoc = reader._perdoc
    arr = np.zeros(n, dtype=np.dtype(dtype).newbyteorder("="))
    if not perdoc.has_column(name):
        return arr
    cr = perdoc.column_reader(name, column or reader.schema[name].column_type)
    count = min(cr._count, n)
    raw = cr._dbfile.get(cr._basepos, count * cr._fixedlen)
    arr[:count] = np.frombuffer(raw, dtype=dtype)
    return arr


def _postings(leaves, field, term, weights=False):
    """Global docnums (and term frequencies) of a term's postings, a block at a time."""
    ids, ws = [], []
    for r, offset in leaves:
        try:
            m = r.postings(field, term)
        except TermNotFound:
            continue
        if isinstance(m, W3LeafMatcher):
            while m.is_active():
                m._read_ids()
                ids.append(np.asarray(m._ids, dtype=np.int64) + offset)
                if weights:
                    m._read_weights()
                    ws.append(np.asarray(m._weights, dtype=np.float32))
                m._next_block()
        else:
            items = list(m.items_as("weight"))
            ids.append(np.array([i for i, _ in items], dtype=np.int64) + offset)
            ws.append(np.array([w for _, w in items], dtype=np.float32))
    docs = np.concatenate(ids) if ids else _EMPTY
    if weights:
        return docs, (np.concatenate(ws) if ws else np.zeros(0, np.float32))
    return docs


class _Data:
    """Arrays over all documents of the open index (global docnums)."""

    def __init__(self, searcher, folder, chapters):
        leaves = searcher.reader().leaf_readers()
        self.leaves = leaves
        self.n = searcher.doc_count_all()
        self.live = np.ones(self.n, dtype=bool)
        for r, offset in leaves:
            dead = np.fromiter(r.segment().deleted_docs(), dtype=np.int64)
            self.live[dead + offset] = False
        self.order = self._column(leaves, "order", ">i8")
        self.dateint = self._column(leaves, "dateint", ">i4")
        # Within a ranking group, the units that say something come before the notes that only cite.
        self.substantive = (self._column(leaves, "citeonly", ">i4") == 0).astype(np.float64)
        self.rank = np.argsort(np.argsort(self.order, kind="stable"), kind="stable")
        self.grams_len = self._column(leaves, "length", ">i4").astype(np.float32)
        self.avg_len = float(self.grams_len[self.live].mean()) if self.live.any() else 1.0
        self.facets = {f: self._facet(leaves, f) for f in FACET_FIELDS}
        self.texts = self._texts(folder, chapters)
        self.docfreq = {}

    @staticmethod
    def _column(leaves, field, dtype):
        parts = [_fixed_column(r, field, None, dtype) for r, _ in leaves]
        return np.concatenate(parts).astype(np.int64) if parts else np.zeros(0, np.int64)

    @staticmethod
    def _facet(leaves, field):
        terms, docs, vals = {}, [], []
        for r, offset in leaves:
            for term in r.lexicon(field):
                value = term.decode("utf-8")
                i = terms.setdefault(value, len(terms))
                ids = _postings([(r, offset)], field, value)
                docs.append(ids)
                vals.append(np.full(len(ids), i, dtype=np.int32))
        if not docs:
            return _Facet([], _EMPTY, np.zeros(0, np.int32))
        values = sorted(terms, key=terms.get)
        sorted_values = sorted(values)
        rank = {v: i for i, v in enumerate(sorted_values)}
        remap = np.array([rank[v] for v in values], dtype=np.int32)
        docs, vals = np.concatenate(docs), remap[np.concatenate(vals)]
        by_value = np.argsort(vals, kind="stable")
        return _Facet(sorted_values, docs[by_value], vals[by_value])

    def _texts(self, folder, chapters):
        """The normalised text of every document, by docnum, from the chapters' text files."""
        by_seq = {}
        for chapter in chapters:
            path = Path(folder) / TEXTS / f"{chapter['key']}.txt"
            try:
                by_seq[chapter["seq"]] = path.read_text(encoding="utf-8").split("\n")
            except OSError as exc:
                raise IndexError_(f"{path}: cannot read the index's texts: {exc.strerror}") from None
        mask = (1 << CHAPTER_SHIFT) - 1
        out = []
        for order, live in zip(self.order.tolist(), self.live.tolist()):
            lines = by_seq.get(order >> CHAPTER_SHIFT) if live else None
            out.append(lines[order & mask] if lines else "")
        return out


def _close_all(pool):
    while True:
        try:
            pool.get_nowait().close()
        except queue.Empty:
            return


class WhooshEngine(Engine):
    """An open Whoosh index version."""

    name = "whoosh"

    @classmethod
    def write(cls, folder, *, create, remove, jobs, load, on_chapter):
        write_index(Path(folder), create, remove, jobs, load, on_chapter, build_procs(jobs))

    def __init__(self, version, manifest):
        super().__init__(version, manifest)
        folder = engine_files(version)
        try:
            self._ix = whoosh_index.open_dir(str(folder))
        except Exception as exc:  # whoosh raises plain Exceptions for damaged files
            raise IndexError_(f"{folder}: cannot open the index: {exc}") from None
        self._pool = queue.SimpleQueue()
        # Searchers hold files open: close them when the engine goes, whoever drops it last.
        weakref.finalize(self, _close_all, self._pool)
        self._cache = LRU(4096)
        with self._searcher() as s:
            self.data = _Data(s, folder, self.chapters)

    def close(self):
        _close_all(self._pool)

    @classmethod
    def segments(cls, folder):
        return segment_count(folder)

    @contextmanager
    def _searcher(self):
        """A searcher of the pool: a Whoosh searcher's files are not shared between threads."""
        try:
            s = self._pool.get_nowait()
        except queue.Empty:
            s = self._ix.searcher()
        try:
            yield s
        finally:
            if self._pool.qsize() < POOL_SIZE:
                self._pool.put(s)
            else:
                s.close()

    def _term_docs(self, s, field, term):
        return self._cache.get(("t", field, term), lambda: _postings(s.reader().leaf_readers(), field, term))

    def _doc_frequency(self, s, gram):
        return self._cache.get(("f", gram), lambda: s.doc_frequency("grams", gram))

    def _exact(self, s, key):
        """Sorted docnums whose text contains `key` (normalised, spaces removed)."""
        if len(key) == 2:
            return self._term_docs(s, "grams", key)
        return self._cache.get(("x", key), lambda: self._verify(s, key))

    def _verify(self, s, key):
        texts = self.data.texts
        if len(key) == 1:
            return np.array([d for d, text in enumerate(texts) if key in text], dtype=np.int64)
        grams = sorted(set(bigrams(key)), key=lambda g: self._doc_frequency(s, g))
        candidates = self._term_docs(s, "grams", grams[0])
        for gram in grams[1:2]:
            candidates = np.intersect1d(candidates, self._term_docs(s, "grams", gram), assume_unique=True)
        return np.array([d for d in candidates.tolist() if key in texts[d]], dtype=np.int64)

    def _term_mask(self, s, term, n):
        """(docs matching the term, docs containing its string)."""
        exact = np.zeros(n, dtype=bool)
        if term.senses:  # a translation or expansion: one string of every group; never the top group
            match = np.ones(n, dtype=bool)
            for group in term.senses:
                m = np.zeros(n, dtype=bool)
                for key in group:
                    m[self._exact(s, key)] = True
                match &= m
            return match, exact
        exact[self._exact(s, term.key)] = True
        for facet, value in term.facets:  # a unit citing the document named counts as the string itself
            exact[self.data.facets[facet].docs_of(value)] = True
        match = exact.copy()
        if not term.exact and term.words and term.words != (term.key,):
            words = np.ones(n, dtype=bool)
            for w in term.words:
                m = np.zeros(n, dtype=bool)
                m[self._exact(s, squash(w))] = True
                words &= m
            match |= words
        return match, exact

    def _text_match(self, s, parsed):
        """(docs matching, ranking tier, docs holding a string of every clause, docs the typed terms match).

        Tiers: +1 for a string of every clause, +1 for the whole typed string and, when the query
        has senses (translations, expansions), +1 for what its typed terms match: what only a
        sense finds ranks below it."""
        n = self.data.n
        match = self.data.live.copy()
        exact_all = np.ones(n, dtype=bool)
        typed_all = self.data.live.copy()
        for clause in parsed.clauses:
            any_match = np.zeros(n, dtype=bool)
            any_exact = np.zeros(n, dtype=bool)
            any_typed = np.zeros(n, dtype=bool)
            for term in clause:
                m, e = self._term_mask(s, term, n)
                any_match |= m
                any_exact |= e
                if not term.senses:
                    any_typed |= m
            match &= any_match
            exact_all &= any_exact
            typed_all &= any_typed
        for term in parsed.excluded:
            match[self._exact(s, term.key)] = False
        tier = exact_all.astype(np.float64)
        if parsed.whole is not None:
            tier[self._exact(s, parsed.whole.key)] += 1.0
        if parsed.has_senses:
            tier += typed_all
        return match, tier, exact_all, typed_all

    def _weights(self, s, gram):
        """(docnums, occurrences) of a character pair (postings), or of a single character (texts)."""
        if len(gram) == 2:
            return _postings(s.reader().leaf_readers(), "grams", gram, weights=True)
        ids = self._exact(s, gram)
        texts = self.data.texts
        return ids, np.array([texts[d].count(gram) for d in ids.tolist()], dtype=np.float32)

    def _bm25(self, s, parsed, docs, k1=1.2, b=0.75, senses=False):
        """BM25 of the query's characters pairs (its single characters for one-character terms): of
        the typed terms' strings, and with `senses` of the translations' and expansions' too."""
        scores = np.zeros(len(docs), dtype=np.float64)
        keys = [t.key for t in parsed.typed] + ([k for t in parsed.positive for g in t.senses for k in g]
                                                 if senses else [])
        grams = dict.fromkeys(g for key in keys for g in bigrams(key))
        n = max(int(self.data.live.sum()), 1)
        for g in grams:
            ids, tf = self._cache.get(("w", g), lambda: self._weights(s, g))
            if not len(ids):
                continue
            idf = np.log(1 + (n - len(ids) + 0.5) / (len(ids) + 0.5))
            pos = np.searchsorted(ids, docs)
            pos[pos >= len(ids)] = 0
            present = ids[pos] == docs
            f = tf[pos[present]].astype(np.float64)
            dl = self.data.grams_len[docs[present]]
            scores[present] += idf * f * (k1 + 1) / (f + k1 * (1 - b + b * dl / self.data.avg_len))
        return scores

    def _filter_masks(self, params):
        masks = {}
        for f, values in params.filters().items():
            m = np.zeros(self.data.n, dtype=bool)
            for v in values:
                m[self.data.facets[f].docs_of(v)] = True
            masks[f] = m
        span = params.date_range()
        if span:
            masks["date"] = (self.data.dateint >= span[0]) & (self.data.dateint <= span[1])
        return masks

    def count(self, parsed, params):
        data = self.data
        with self._searcher() as s:
            match = self._text_match(s, parsed)[0] if parsed.clauses else data.live.copy()
            if not parsed.clauses:
                for term in parsed.excluded:
                    match[self._exact(s, term.key)] = False
        for m in self._filter_masks(params).values():
            match &= m
        return int(match.sum())

    def match(self, parsed, params, sort):
        data = self.data
        with self._searcher() as s:
            if parsed.clauses:
                text_mask, tier, exact_all, typed_all = self._text_match(s, parsed)
            else:
                text_mask, tier, exact_all, typed_all = data.live.copy(), np.zeros(data.n), None, None
                for term in parsed.excluded:
                    text_mask[self._exact(s, term.key)] = False
            masks = self._filter_masks(params)
            match = text_mask.copy()
            for m in masks.values():
                match &= m
            docs = np.nonzero(match)[0]
            counts = {}
            for f in FACETS:
                base = text_mask.copy()
                for name, m in masks.items():
                    if name != f:  # disjunctive: a facet's counts ignore its own selection
                        base &= m
                counts[f] = data.facets[f].counts(base)
            if sort == "relevance":
                scores = (tier[docs] + data.substantive[docs] / 2) * TIER + self._bm25(s, parsed, docs)
                if parsed.has_senses:  # what only a sense finds is ranked by the senses' strings too
                    only = ~typed_all[docs]
                    scores[only] = (tier[docs[only]] + data.substantive[docs[only]] / 2) * TIER + self._bm25(
                        s, parsed, docs[only], senses=True)
                keys = (data.rank[docs], -scores)
            elif sort in ("date", "date_desc"):
                dates = data.dateint[docs].astype(np.int64)
                if sort == "date_desc":
                    dates = -dates
                # Undated records after every date, either way.
                keys = (data.rank[docs], np.where(dates != 0, dates, 99999999))
            else:
                keys = (data.rank[docs],)
            start = (params.page - 1) * params.per_page
            page = docs[np.lexsort(keys)[start:start + params.per_page]] if start < len(docs) else docs[:0]
            hits = tuple((self._stored(s, d), bool(exact_all is not None and exact_all[d])) for d in page.tolist())
        return Matches(len(docs), hits, counts)

    def outside(self, parsed, params, record_ids):
        data = self.data
        with self._searcher() as s:
            docs = [self._first_live(s, "id", rid) for rid in dict.fromkeys(record_ids)]
            docs = [d for d in docs if d is not None]
            if not docs:
                return ()
            keep = data.live.copy()
            if parsed.clauses:
                keep &= ~self._text_match(s, parsed)[0]
            for term in parsed.excluded:
                keep[self._exact(s, term.key)] = False
            for m in self._filter_masks(params).values():
                keep &= m
            return tuple(self._stored(s, d) for d in docs if keep[d])

    @staticmethod
    def _stored(s, docnum):
        return json.loads(s.stored_fields(int(docnum))["data"])

    def _first_live(self, s, field, term):
        docs = self._term_docs(s, field, term)
        docs = docs[self.data.live[docs]]
        return int(docs[0]) if len(docs) else None

    def lookup(self, record_id):
        with self._searcher() as s:
            d = self._first_live(s, "id", record_id)
            if d is None:
                return None
            fields = s.stored_fields(d)
            _, cls, seq = fields["pos"].rsplit(":", 2)
            return json.loads(fields["data"]), cls, int(seq)

    def at(self, chapter, cls, seq):
        with self._searcher() as s:
            d = self._first_live(s, "pos", f"{chapter}:{cls}:{seq}")
            return self._stored(s, d) if d is not None else None

    def records_of(self, facet, value, page, per_page, kinds=None):
        data = self.data
        docs = data.facets[facet].docs_of(value)
        docs = docs[data.live[docs]]
        if kinds:
            keep = np.zeros(data.n, dtype=bool)
            for kind in kinds:
                keep[data.facets["kind"].docs_of(kind)] = True
            docs = docs[keep[docs]]
        start = (page - 1) * per_page
        ordered = docs[np.argsort(data.rank[docs], kind="stable")][start:start + per_page]
        with self._searcher() as s:
            return len(docs), [self._stored(s, d) for d in ordered.tolist()]

    def count_of(self, facet, value):
        docs = self.data.facets[facet].docs_of(value)
        return int(self.data.live[docs].sum())
