"""The Whoosh back end (the default): documents in a Whoosh index, matching with numpy.

Whoosh is pure Python, and decoding positions or scoring through its matchers is slow at the size
of the whole Repertoire, so this module reads Whoosh's posting blocks and columns straight into
numpy arrays (a term's blocks as W3PostingsWriter wrote them, the per-document column files).
Those are private parts of whoosh-reloaded 2.7.5 (pinned); they are used here and nowhere else.

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
import io
import json
import pickle
import queue
import struct
import weakref
import zlib
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
_NO_WEIGHTS = np.zeros(0, dtype=np.float32)
_INT = struct.Struct("!i").unpack_from  # Whoosh's block length (StructFile.read_int)
SMALL = 8  # a match set below 1/SMALL of the documents is counted from its own facet values


class _Facet:
    """One facet's (document, value) pairs: by value (filters) and by document (counts)."""

    def __init__(self, values, docs, vals, n):
        self.values = values                  # value strings, by value ordinal
        self.index = {v: i for i, v in enumerate(values)}
        self.docs = docs                      # global docnums, grouped by value
        self.vals = vals                      # value ordinal of each pair
        self.starts = np.searchsorted(vals, np.arange(len(values) + 1))
        by_doc = np.argsort(docs, kind="stable")
        self.doc_vals = vals[by_doc]          # value ordinals, grouped by document
        self.doc_starts = np.searchsorted(docs[by_doc], np.arange(n + 1))

    def docs_of(self, value):
        i = self.index.get(value)
        return _EMPTY if i is None else self.docs[self.starts[i]:self.starts[i + 1]]

    def counts(self, mask, docs):
        """{value: documents among `docs` (the True of `mask`)}, in one numpy pass over the smaller
        side: the pairs of `docs` when they are few, else every pair."""
        if len(docs) * SMALL < len(mask):
            starts = self.doc_starts[docs]
            lengths = self.doc_starts[docs + 1] - starts
            # the pairs of each doc: its start plus 0..length-1, all at once
            pairs = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(int(lengths.sum()))
            vals = self.doc_vals[pairs]
        else:
            vals = self.vals[mask[self.docs]]
        counts = np.bincount(vals, minlength=len(self.values))
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


def _blocks(m):
    """(docnums, weights) of a W3LeafMatcher's postings: its blocks read in one go and decoded
    without the matcher (W3PostingsWriter._write_block: a block is its length, a pickled info
    tuple and its data, a pickled (delta-encoded ids, weights, values) tuple, maybe compressed)."""
    length = m._length[0] if isinstance(m._length, tuple) else m._length
    base = m._baseoffset
    buf = m._postfile.get(base, m._startoffset + length - base)
    f = io.BytesIO(buf)
    deltas, weights = [], []
    p = last = 0
    while True:
        size = _INT(buf, p)[0]
        f.seek(p + 4)
        count, maxid, _, compressed, _, _ = pickle.load(f)
        end = p + 4 + abs(size)
        data = buf[f.tell():end]
        ids, ws = pickle.loads(zlib.decompress(data) if compressed else data)[:2]
        # The ids are deltas from the block's start: rebase the block's first on the last block's
        # last id, and one cumulative sum decodes every block.
        deltas.append(ids[0] - last)
        deltas.extend(ids[1:])
        weights.extend(ws if isinstance(ws, tuple) else [1.0 if ws is None else ws] * count)
        last = maxid
        if size < 0:  # the last block
            break
        p = end
    docs = np.array(deltas, dtype=np.int64)
    return np.cumsum(docs, out=docs), np.array(weights, dtype=np.float32)


def _postings(leaves, field, term, weights=False):
    """Global docnums (and term frequencies) of a term's postings."""
    ids, ws = [], []
    for r, offset in leaves:
        try:
            m = r.postings(field, term)
        except TermNotFound:
            continue
        if isinstance(m, W3LeafMatcher):
            docs, w = _blocks(m)
            docs += offset
        else:  # postings inlined in the term info
            items = list(m.items_as("weight"))
            docs = np.array([i for i, _ in items], dtype=np.int64) + offset
            w = np.array([x for _, x in items], dtype=np.float32)
        ids.append(docs)
        ws.append(w)
    docs = np.concatenate(ids) if ids else _EMPTY
    if weights:
        return docs, (np.concatenate(ws) if ws else _NO_WEIGHTS)
    return docs


class _Texts:
    """The normalised text of every document, in one string (a newline after each) and as an array
    of its UTF-16 code units, so that a single character is found in every text with one numpy
    pass and a string in one text without copying it out."""

    def __init__(self, texts):
        self.text = "\n".join(texts) + "\n"
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        self.starts = np.zeros(len(texts) + 1, dtype=np.int64)
        np.cumsum(lengths + 1, out=self.starts[1:])
        self.bounds = self.starts.tolist()
        units = np.frombuffer(self.text.encode("utf-16-le"), dtype=np.uint16)
        # A character beyond the BMP takes two code units: offsets would no longer be positions.
        self.units = units if len(units) == len(self.text) else None

    def contains(self, docnum, key):
        return self.text.find(key, self.bounds[docnum], self.bounds[docnum + 1] - 1) >= 0

    def having(self, char):
        """(sorted docnums whose text contains `char`, how often each holds it)."""
        if self.units is None or ord(char) > 0xFFFF:
            counts = [self.text.count(char, a, b) for a, b in zip(self.bounds, self.bounds[1:])]
            docs = np.flatnonzero(counts)
            return docs, np.asarray(counts, dtype=np.float32)[docs]
        where = np.searchsorted(self.starts, np.flatnonzero(self.units == ord(char)), side="right") - 1
        first = np.flatnonzero(np.diff(where, prepend=-1))  # each document's first occurrence
        return where[first], np.diff(np.append(first, len(where))).astype(np.float32)


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
        self.nlive = max(int(self.live.sum()), 1)
        self.facets = {f: self._facet(leaves, f, self.n) for f in FACET_FIELDS}
        self.texts = _Texts(self._texts(folder, chapters))

    @staticmethod
    def _column(leaves, field, dtype):
        parts = [_fixed_column(r, field, None, dtype) for r, _ in leaves]
        return np.concatenate(parts).astype(np.int64) if parts else np.zeros(0, np.int64)

    @staticmethod
    def _facet(leaves, field, n):
        terms, docs, vals = {}, [], []
        for r, offset in leaves:
            for term in r.lexicon(field):
                value = term.decode("utf-8")
                i = terms.setdefault(value, len(terms))
                ids = _postings([(r, offset)], field, value)
                docs.append(ids)
                vals.append(np.full(len(ids), i, dtype=np.int32))
        if not docs:
            return _Facet([], _EMPTY, np.zeros(0, np.int32), n)
        values = sorted(terms, key=terms.get)
        sorted_values = sorted(values)
        rank = {v: i for i, v in enumerate(sorted_values)}
        remap = np.array([rank[v] for v in values], dtype=np.int32)
        docs, vals = np.concatenate(docs), remap[np.concatenate(vals)]
        by_value = np.argsort(vals, kind="stable")
        return _Facet(sorted_values, docs[by_value], vals[by_value], n)

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


def _page_of(keys, start, size):
    """Positions start:start+size of the order np.lexsort(keys) gives (the last key first), found
    without sorting everything: only what sorts at or before the page's last (ties included)."""
    primary = keys[-1]
    end = start + size
    if start >= len(primary):
        return _EMPTY
    if end < len(primary):
        kth = np.partition(primary, end - 1)[end - 1]
        candidates = np.flatnonzero(primary <= kth)
        order = candidates[np.lexsort(tuple(k[candidates] for k in keys))]
    else:
        order = np.lexsort(keys)
    return order[start:end]


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
        if field == "grams":
            return self._grams(s, term)[0]
        return self._cache.get(("t", field, term), lambda: _postings(s.reader().leaf_readers(), field, term))

    def _grams(self, s, gram):
        """(docnums, occurrences) of a character pair: read once for matching and ranking."""
        return self._cache.get(("g", gram), lambda: _postings(s.reader().leaf_readers(), "grams", gram, True))

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
            page = docs[_page_of(keys, (params.page - 1) * params.per_page, params.per_page)]
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
