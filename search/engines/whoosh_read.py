"""The Whoosh back end's open index as numpy arrays: posting blocks decoded in one go, the
per-document columns, the facets' (document, value) pairs and the texts held in memory.

Whoosh is pure Python, and decoding positions or scoring through its matchers is slow at the size
of the whole Repertoire, so this module reads Whoosh's posting blocks and columns straight into
numpy arrays (a term's blocks as W3PostingsWriter wrote them, the per-document column files).
Those are private parts of whoosh-reloaded 2.7.5 (pinned); they are used here and nowhere else.
"""
import io
import pickle
import struct
import zlib
from pathlib import Path

import numpy as np
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.reading import TermNotFound

from ..errors import IndexError_
from . import CHAPTER_SHIFT, FACETS
from .whoosh_write import TEXTS

FACET_FIELDS = (*FACETS, "symbol", "chapter")

EMPTY = np.zeros(0, dtype=np.int64)
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
        return EMPTY if i is None else self.docs[self.starts[i]:self.starts[i + 1]]

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


def postings(leaves, field, term, weights=False):
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
    docs = np.concatenate(ids) if ids else EMPTY
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


class IndexArrays:
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
                ids = postings([(r, offset)], field, value)
                docs.append(ids)
                vals.append(np.full(len(ids), i, dtype=np.int32))
        if not docs:
            return _Facet([], EMPTY, np.zeros(0, np.int32), n)
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


def page_of(keys, start, size):
    """Positions start:start+size of the order np.lexsort(keys) gives (the last key first), found
    without sorting everything: only what sorts at or before the page's last (ties included)."""
    primary = keys[-1]
    end = start + size
    if start >= len(primary):
        return EMPTY
    if end < len(primary):
        kth = np.partition(primary, end - 1)[end - 1]
        candidates = np.flatnonzero(primary <= kth)
        order = candidates[np.lexsort(tuple(k[candidates] for k in keys))]
    else:
        order = np.lexsort(keys)
    return order[start:end]
