"""The Whoosh back end (the default): documents in a Whoosh index, matching with numpy.

Whoosh is pure Python, and decoding positions or scoring through its matchers is slow at the size
of the whole Repertoire, so the open index is read into numpy arrays (whoosh_read.py) and matched,
counted and ranked there.

- `grams`: every pair of neighbouring characters (spaces skipped), with frequencies. A string of
  two characters is one posting list; a longer one takes the candidates that hold its two rarest
  pairs and keeps those whose text contains it, checked against the texts held in memory
  (texts/<chapter>.txt, written beside the index); a single character is looked for in those
  texts directly (one numpy pass over their code units). No single-character postings and no
  per-posting length statistics: they were half of what Whoosh's pure-Python writer spent its
  time on.
- Facets, filters, document order and dates are numpy arrays over all documents, built when the
  index is opened; deleted documents (of chapters re-indexed) are masked out. A facet is counted
  from its pairs by document when the match set is small, so that a rare word does not pay for
  every document.
- BM25 over the query's character pairs ranks within each ranking group; only the page and what
  ties with its last hit are sorted.
"""
import json
import queue
import weakref
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from whoosh import index as whoosh_index

from ..errors import IndexError_
from ..text import bigrams, squash
from . import FACETS, LRU, Engine, Matches, build_procs, engine_files
from .whoosh_read import SMALL, IndexArrays, page_of, postings
from .whoosh_write import segment_count, write_index

TIER = 1e6  # score bonus per ranking group; BM25 stays far below half of it
POOL_SIZE = 8


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
            self.data = IndexArrays(s, folder, self.chapters)

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
        if field == "grams":
            return self._grams(s, term)[0]
        return self._cache.get(("t", field, term), lambda: postings(s.reader().leaf_readers(), field, term))

    def _grams(self, s, gram):
        """(docnums, occurrences) of a character pair: read once for matching and ranking."""
        return self._cache.get(("g", gram), lambda: postings(s.reader().leaf_readers(), "grams", gram, True))

    def _doc_frequency(self, s, gram):
        return self._cache.get(("f", gram), lambda: s.doc_frequency("grams", gram))

    def _exact(self, s, key):
        """Sorted docnums whose text contains `key` (normalised, spaces removed)."""
        if len(key) == 2:
            return self._grams(s, key)[0]
        return self._cache.get(("x", key), lambda: self._verify(s, key))

    def _verify(self, s, key):
        texts = self.data.texts
        if len(key) == 1:
            return self._chars(key)[0]
        grams = sorted(set(bigrams(key)), key=lambda g: self._doc_frequency(s, g))
        candidates = self._term_docs(s, "grams", grams[0])
        for gram in grams[1:2]:
            candidates = np.intersect1d(candidates, self._term_docs(s, "grams", gram), assume_unique=True)
        return np.array([d for d in candidates.tolist() if texts.contains(d, key)], dtype=np.int64)

    def _chars(self, char):
        """(docnums, occurrences) of a single character, from the texts (no postings)."""
        return self._cache.get(("c", char), lambda: self.data.texts.having(char))

    def _all_of(self, s, keys):
        """Sorted docnums whose text contains every key. Single characters have no postings: they
        are looked for in the texts of what the longer keys found when those are few, else in
        every text."""
        keys = sorted(dict.fromkeys(keys), key=lambda k: len(k) == 1)
        docs = self._exact(s, keys[0])
        texts = self.data.texts
        for key in keys[1:]:
            found = self._cache.get(("c", key)) if len(key) == 1 else (self._exact(s, key),)
            if found is None and len(docs) * SMALL < self.data.n:
                docs = np.array([d for d in docs.tolist() if texts.contains(d, key)], dtype=np.int64)
            else:
                docs = np.intersect1d(docs, (found or self._chars(key))[0], assume_unique=True)
        return docs

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
            match[self._all_of(s, [squash(w) for w in term.words])] = True
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
        return self._grams(s, gram) if len(gram) == 2 else self._chars(gram)

    def _bm25(self, s, parsed, docs, k1=1.2, b=0.75, senses=False):
        """BM25 of the query's characters pairs (its single characters for one-character terms): of
        the typed terms' strings, and with `senses` of the translations' and expansions' too."""
        scores = np.zeros(len(docs), dtype=np.float64)
        keys = [t.key for t in parsed.typed] + ([k for t in parsed.positive for g in t.senses for k in g]
                                                 if senses else [])
        grams = dict.fromkeys(g for key in keys for g in bigrams(key))
        n = self.data.nlive
        for g in grams:
            ids, tf = self._weights(s, g)
            if not len(ids):
                continue
            idf = np.log(1 + (n - len(ids) + 0.5) / (len(ids) + 0.5))
            if len(docs) * SMALL < len(ids):  # few documents: look each up in the postings
                pos = np.searchsorted(ids, docs)
                pos[pos >= len(ids)] = 0
                present = ids[pos] == docs
                at, where = pos[present], docs[present]
            else:  # many: score every posting, then take the documents' (x + 0.0 is x)
                at, where, present = slice(None), ids, None
            f = tf[at].astype(np.float64)
            dl = self.data.grams_len[where]
            score = idf * f * (k1 + 1) / (f + k1 * (1 - b + b * dl / self.data.avg_len))
            if present is not None:
                scores[present] += score
            else:
                dense = np.zeros(self.data.n, dtype=np.float64)
                dense[ids] = score
                scores += dense[docs]
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
            docs = np.flatnonzero(match)
            counts = self._counts(text_mask, masks, match, docs)
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
            page = docs[page_of(keys, (params.page - 1) * params.per_page, params.per_page)]
            hits = tuple((self._stored(s, d), bool(exact_all is not None and exact_all[d])) for d in page.tolist())
        return Matches(len(docs), hits, counts)

    def _counts(self, text_mask, masks, match, docs):
        """Disjunctive facet counts: each facet over the text match and every other facet's filter
        (facets counted under the same filters share their match set)."""
        groups = {}
        for f in FACETS:
            groups.setdefault(tuple(name for name in masks if name != f), []).append(f)
        counts = {}
        for others, facets in groups.items():
            base, base_docs = match, docs
            if len(others) < len(masks):
                base = text_mask.copy()
                for name in others:
                    base &= masks[name]
                base_docs = np.flatnonzero(base)
            for f in facets:
                counts[f] = self.data.facets[f].counts(base, base_docs)
        return counts

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
