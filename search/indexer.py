"""Records -> Whoosh index: SCHEMA, build_index with an atomic swap, open_index.

Layout on disk: `index_dir` is a symlink to a sibling version folder `<name>.v<ns>`. A build
writes into `.<name>.build-<pid>-<ns>`, renames it to a version folder when complete and then
replaces the symlink with `os.replace`, so readers see either the old or the new index, never
half of one. A failed or killed build leaves only a temp folder, removed by the next build.
"""
import json
import os
import shutil
import sys
import threading
import time
from collections import OrderedDict
from pathlib import Path

import numpy as np
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher
from whoosh.util.numeric import byte_to_length
from whoosh.columns import NumericColumn
from whoosh.fields import COLUMN, ID, KEYWORD, STORED, FieldType, Schema
from whoosh.formats import Frequency, Positions

from .analysis import BigramTokenizer, WordTokenizer, get_jieba
from .errors import CorpusError, IndexError_

def _memoise_has_column():
    """Whoosh asks the disk (a stat call) whether a field has a length column once per posting
    while it writes a segment; the answer never changes for a written segment, so remember it.
    For our schema this was over a third of the build time."""
    from whoosh.codec.whoosh3 import W3PerDocReader

    if getattr(W3PerDocReader, "_repertoire_memo", False):
        return
    original = W3PerDocReader.has_column

    def has_column(self, fieldname):
        memo = self.__dict__.setdefault("_has_column_memo", {})
        if fieldname not in memo:
            memo[fieldname] = original(self, fieldname)
        return memo[fieldname]

    W3PerDocReader.has_column = has_column
    W3PerDocReader._repertoire_memo = True


_memoise_has_column()

FACET_FIELDS = ("country", "org", "meeting", "year", "kind", "item", "section", "symbol", "chapter")
META_FILE = "repertoire-meta.json"
FORMAT_VERSION = 1


def _keyword():
    return KEYWORD(commas=True, lowercase=False, scorable=False)


SCHEMA = Schema(
    id=ID(stored=True, unique=True),
    kind=ID(stored=True),
    # jieba words for BM25 ranking (no positions needed: exactness comes from `grams`).
    words=FieldType(format=Frequency(), analyzer=WordTokenizer(), scorable=True),
    # Character unigrams and bigrams with positions: any substring is a phrase of bigrams.
    grams=FieldType(format=Positions(), analyzer=BigramTokenizer(), scorable=False),
    country=_keyword(),
    org=_keyword(),
    symbol=_keyword(),  # symbols of the documents cited (a paragraph: those of its footnotes)
    meeting=ID(),
    year=ID(),
    date=ID(),
    item=ID(),
    section=ID(),  # "<item>.<section>", e.g. "49.A"
    chapter=ID(),
    order=COLUMN(NumericColumn("q", default=0)),    # document order over the corpus
    dateint=COLUMN(NumericColumn("i", default=0)),  # 20040720; 0 when undated
    data=STORED(),  # the record as JSON, enough to render a hit without the corpus
)


# --- records -> documents ----------------------------------------------------------------


def _record_dict(record, by_id):
    from .corpus import record_to_dict

    d = record_to_dict(record)
    if record.kind != "footnote":
        notes = []
        for number in record.footnotes:
            fn = by_id.get(f"{record.chapter}.{record.item}.fn{number}")
            if fn is None:
                notes.append({"number": number, "id": None, "text": None, "citations": []})
            else:
                notes.append({"number": number, "id": fn.id, "text": fn.text,
                              "citations": [c.to_dict() for c in fn.citations]})
        d["footnotes"] = notes
    else:
        # A footnote sits where the first paragraph citing it sits.
        first = by_id.get(record.cited_by[0]) if record.cited_by else None
        for key in ("section", "section_title", "item_title"):
            d.setdefault(key, getattr(first, key, None))
    return d


def _symbols(record, by_id):
    if record.kind == "footnote":
        cites = record.citations
    else:
        cites = [c for n in record.footnotes
                 for c in getattr(by_id.get(f"{record.chapter}.{record.item}.fn{n}"), "citations", ())]
    seen = []
    for c in cites:
        if c.symbol and c.symbol not in seen:
            seen.append(c.symbol.replace(",", " "))
    return seen


def _record_section(record, by_id):
    if record.kind == "footnote":
        first = by_id.get(record.cited_by[0]) if record.cited_by else None
        return getattr(first, "section", None)
    return record.section


def record_to_document(record, by_id):
    """The Whoosh document (a dict of field values) of one record."""
    date = getattr(record, "date", None)
    meeting = getattr(record, "meeting", None)
    section = _record_section(record, by_id)
    doc = {
        "id": record.id,
        "kind": record.kind,
        "words": record.text,
        "grams": record.text,
        "country": ",".join(record.countries),
        "org": ",".join(record.orgs),
        "symbol": ",".join(_symbols(record, by_id)),
        "item": str(record.item),
        "chapter": record.chapter,
        "order": record.order,
        "dateint": int(date.replace("-", "")) if date else 0,
        "data": json.dumps(_record_dict(record, by_id), ensure_ascii=False),
    }
    if meeting is not None:
        doc["meeting"] = str(meeting)
    if date:
        doc["date"] = date
        doc["year"] = date[:4]
    if section:
        doc["section"] = f"{record.item}.{section}"
    return doc


# --- building ------------------------------------------------------------------------------


def _load_corpus(files_or_corpus, strict=False):
    from .corpus import Corpus, parse_corpus

    if isinstance(files_or_corpus, Corpus):
        return files_or_corpus
    paths = [Path(p) for p in files_or_corpus]
    if not paths:
        raise CorpusError("(no files)", "no chapter files to index")
    return parse_corpus(paths, strict=strict)


def _progress(done, total, started, stream=sys.stderr):
    width = 30
    frac = done / total if total else 1.0
    bar = "#" * int(width * frac)
    rate = done / max(time.monotonic() - started, 1e-6)
    stream.write(f"\rindexing [{bar:<{width}}] {done}/{total} units  {rate:,.0f}/s")
    if done >= total:
        stream.write("\n")
    stream.flush()


def _pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_stale_builds(parent, name):
    """Remove temp folders of builds that failed or were killed (their process is gone)."""
    for path in parent.glob(f".{name}.build-*"):
        try:
            pid = int(path.name.split("build-")[1].split("-")[0])
        except (IndexError, ValueError):
            pid = None
        if pid is None or pid == os.getpid() or not _pid_alive(pid):
            shutil.rmtree(path, ignore_errors=True)


def _versions(parent, name):
    return sorted(parent.glob(f"{name}.v*"), key=lambda p: p.name)


def _swap_in(version_dir, index_dir):
    """Point `index_dir` at `version_dir` atomically (a relative symlink replaced by rename)."""
    parent = index_dir.parent
    if index_dir.exists() and not index_dir.is_symlink():
        # An index folder from before the versioned layout: keep serving it as a version.
        legacy = parent / f"{index_dir.name}.v0-legacy-{time.time_ns()}"
        os.rename(index_dir, legacy)
    tmp_link = parent / f".{index_dir.name}.link-{os.getpid()}-{time.time_ns()}"
    os.symlink(version_dir.name, tmp_link)
    os.replace(tmp_link, index_dir)


def _remove_old_versions(index_dir, keep=2):
    """Keep the current version and the one before it (a running server may still read it)."""
    current = os.path.realpath(index_dir)
    versions = [p for p in _versions(index_dir.parent, index_dir.name) if str(p.resolve()) != current]
    for old in versions[: max(0, len(versions) - (keep - 1))]:
        shutil.rmtree(old, ignore_errors=True)


# State shared with forked build workers (set just before they fork, so nothing is pickled).
_BUILD = {}


def _build_part(part):
    """Worker: index records[start:stop] into their own index folder (one segment)."""
    folder, start, stop = part
    records, by_id, report = _BUILD["records"], _BUILD["by_id"], _BUILD.get("report")
    ix = whoosh_index.create_in(folder, SCHEMA)
    # Plain (not compound) segment files: Whoosh copies each sub-file of a compound segment into
    # memory every time a reader opens it, which cost ~250 ms per request at 1000x the seed.
    writer = ix.writer(limitmb=256, compound=False)
    try:
        for n, record in enumerate(records[start:stop], 1):
            writer.add_document(**record_to_document(record, by_id))
            if report is not None and n % 50 == 0:
                report(50)
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    return folder


def _procs(count):
    wanted = os.environ.get("REPERTOIRE_BUILD_PROCS")
    procs = int(wanted) if wanted else min(os.cpu_count() or 1, 4)
    # Forking only pays for itself on bigger corpora.
    return max(1, procs if count >= 2000 else 1)


def _write_parts(tmp, records, by_id, progress, started):
    """Index `records` into `tmp`, in parallel worker processes when there are enough of them.

    Each worker writes one segment in its own folder; the segments are then moved into `tmp`
    and listed in one table of contents. Document order is kept by the `order` column, not by
    document numbers, so the query side does not care how many segments there are.
    """
    import multiprocessing

    total = len(records)
    procs = _procs(total)
    _BUILD.update(records=records, by_id=by_id)
    try:
        if procs == 1:
            done = [0]

            def report(n):
                done[0] += n
                _progress(done[0], total, started)
            _BUILD["report"] = report if progress else None
            _build_part((str(tmp), 0, total))
            if progress:
                _progress(total, total, started)
            return
        ctx = multiprocessing.get_context("fork")
        counter = ctx.Value("i", 0)

        def report(n):
            with counter.get_lock():
                counter.value += n
        _BUILD["report"] = report
        get_jieba()  # initialised before forking, so workers share it
        bounds = [total * i // procs for i in range(procs + 1)]
        parts = [(str(tmp / f"part{i}"), bounds[i], bounds[i + 1]) for i in range(procs)]
        for folder, _, _ in parts:
            os.mkdir(folder)
        with ctx.Pool(procs) as pool:
            pending = pool.map_async(_build_part, parts)
            while not pending.ready():
                pending.wait(0.25)
                if progress:
                    _progress(min(counter.value, total - 1), total, started)
            pending.get()
        if progress:
            _progress(total, total, started)
        _merge_parts(tmp, [Path(f) for f, _, _ in parts])
    finally:
        _BUILD.clear()


def _merge_parts(tmp, parts):
    from whoosh.filedb.filestore import FileStorage
    from whoosh.index import TOC

    segments = []
    for part in parts:
        toc = TOC.read(FileStorage(str(part)), "MAIN")
        segments.extend(toc.segments)
        for f in part.iterdir():
            if f.name.startswith("MAIN_") and f.name != "MAIN_WRITELOCK":
                os.rename(f, tmp / f.name)
        shutil.rmtree(part)
    storage = FileStorage(str(tmp))
    TOC.create(storage, SCHEMA, "MAIN")
    TOC(SCHEMA, segments, 1).write(storage, "MAIN")


def build_index(files_or_corpus, index_dir, progress=False, strict=False):
    """Parse chapters (or take a Corpus), index every record into a new folder and swap it in.

    :param strict: refuse a chapter that fails the ingestion checks (see corpus.parse_chapter).
    :returns: {"units": number of records indexed, "seconds": build time, "warnings": the parser's}
    :raises CorpusError: a chapter file cannot be parsed (the old index keeps serving).
    :raises IndexError_: the index folder cannot be written.
    """
    started = time.monotonic()
    index_dir = Path(index_dir).absolute()
    parent, name = index_dir.parent, index_dir.name
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise IndexError_(f"{parent}: cannot create the index folder: {exc.strerror}") from None
    _remove_stale_builds(parent, name)
    corpus = _load_corpus(files_or_corpus, strict)
    records = sorted(corpus.records(), key=lambda r: r.order)
    by_id = {r.id: r for r in records}

    stamp = time.time_ns()
    tmp = parent / f".{name}.build-{os.getpid()}-{stamp}"
    try:
        tmp.mkdir()
        _write_parts(tmp, records, by_id, progress, started)
        meta = {"format": FORMAT_VERSION, "units": len(records), "built": time.strftime("%Y-%m-%dT%H:%M:%S"),
                "warnings": list(getattr(corpus, "warnings", ()))}
        (tmp / META_FILE).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        version = parent / f"{name}.v{stamp}"
        os.rename(tmp, version)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise IndexError_(f"{tmp}: cannot write the index: {exc.strerror or exc}") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _swap_in(version, index_dir)
    _remove_old_versions(index_dir)
    return {"units": len(records), "seconds": time.monotonic() - started, "warnings": meta["warnings"]}


# --- opening -------------------------------------------------------------------------------


def index_exists(index_dir):
    """True when `index_dir` holds (or points to) a complete index."""
    path = Path(index_dir)
    try:
        return path.is_dir() and whoosh_index.exists_in(str(path.resolve()))
    except OSError:
        return False


def current_generation(index_dir):
    """A cheap token that changes whenever a build swaps in a new index (the version folder name)."""
    try:
        return os.path.basename(os.path.realpath(index_dir)) if index_exists(index_dir) else None
    except OSError:
        return None


def open_index(index_dir):
    """Open the index version `index_dir` points to now.

    The returned index stays on that version; compare `current_generation(index_dir)` with
    `ix.generation` to notice a swap and open the new one.

    :raises IndexError_: no index there, or it cannot be read.
    """
    path = Path(index_dir)
    if not index_exists(path):
        raise IndexError_(f"no index at {path}: run `python -m search build` first")
    real = path.resolve()
    try:
        ix = whoosh_index.open_dir(str(real))
    except Exception as exc:  # whoosh raises plain Exceptions for damaged files
        raise IndexError_(f"{real}: cannot open the index: {exc}") from None
    ix.generation = real.name
    return ix


# --- reading: numpy views of an open index, cached per set of segments ----------------------
#
# Segments never change once written, so arrays derived from them (document order, dates,
# field lengths, facet value/doc pairs, the documents of a term) can be cached for as long as
# the process lives and shared by every searcher on the same segments.


_EMPTY = np.zeros(0, dtype=np.int64)
_BYTE_TO_LENGTH = np.array([byte_to_length(i) for i in range(256)], dtype=np.float32)
_cache_lock = threading.Lock()
_data_cache = OrderedDict()


class Facet:
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
        """Documents per value among those where `mask` is True (one numpy pass, no Python loop)."""
        return np.bincount(self.vals[mask[self.docs]], minlength=len(self.values))


class IndexData:
    """Arrays over all documents of one set of segments (global docnums)."""

    def __init__(self, searcher):
        leaves = searcher.reader().leaf_readers()
        self.n = searcher.doc_count_all()
        self.order = self._column(leaves, "order", ">i8")
        self.dateint = self._column(leaves, "dateint", ">i4")
        self.by_order = np.argsort(self.order, kind="stable")     # docnums in document order
        self.rank = np.empty(self.n, dtype=np.int64)
        self.rank[self.by_order] = np.arange(self.n)
        self.words_len = np.concatenate([self._lengths(r, "words") for r, _ in leaves]) if leaves else \
            np.zeros(0, np.float32)
        self.avg_words_len = float(self.words_len.mean()) if self.n else 1.0
        self.facets = {f: self._facet(leaves, f) for f in FACET_FIELDS}
        self._terms = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def _column(leaves, field, dtype):
        parts = [_fixed_column(r, field, None, dtype) for r, _ in leaves]
        return np.concatenate(parts).astype(np.int64) if parts else np.zeros(0, np.int64)

    @staticmethod
    def _lengths(reader, field):
        return _BYTE_TO_LENGTH[_fixed_column(reader, f"_{field}_len", LENGTHS_COLUMN, np.uint8)]

    @staticmethod
    def _facet(leaves, field):
        values, docs, vals = [], [], []
        terms = {}
        for r, offset in leaves:
            for term in r.lexicon(field):
                value = term.decode("utf-8")
                i = terms.setdefault(value, len(terms))
                ids = _posting_ids(r, field, value) + offset
                docs.append(ids)
                vals.append(np.full(len(ids), i, dtype=np.int32))
        values = sorted(terms, key=terms.get)
        if not docs:
            return Facet([], _EMPTY, np.zeros(0, np.int32))
        docs, vals = np.concatenate(docs), np.concatenate(vals)
        # Renumber values in sorted order so that ordinals follow the values.
        sorted_values = sorted(values)
        remap = np.array([sorted_values.index(v) for v in values], dtype=np.int32)
        vals = remap[vals]
        order = np.argsort(vals, kind="stable")
        return Facet(sorted_values, docs[order], vals[order])

    def term_docs(self, searcher, field, term):
        """Sorted global docnums of documents containing `term` in `field` (cached)."""
        return self._cached(("t", field, term), lambda: _docs(searcher, field, term))

    def term_weights(self, searcher, field, term):
        """(docnums, term frequencies) of `term` in `field` (cached)."""
        return self._cached(("w", field, term), lambda: _docs(searcher, field, term, weights=True))

    def phrase_docs(self, searcher, field, terms):
        """Sorted docnums where `terms` occur at consecutive positions (cached)."""
        terms = tuple(terms)
        if len(terms) == 1:
            return self.term_docs(searcher, field, terms[0])
        return self._cached(("p", field, terms), lambda: _phrase(self, searcher, field, terms))

    def _cached(self, key, compute, size=2048):
        with self._lock:
            if key in self._terms:
                self._terms.move_to_end(key)
                return self._terms[key]
        value = compute()
        with self._lock:
            self._terms[key] = value
            while len(self._terms) > size:
                self._terms.popitem(last=False)
        return value


def _fixed_column(reader, name, column, dtype):
    """A fixed-width numeric column of one segment as an array, read in one go."""
    n = reader.doc_count_all()
    perdoc = reader._perdoc
    if not perdoc.has_column(name):
        return np.zeros(n, dtype=np.dtype(dtype).newbyteorder("="))
    cr = perdoc.column_reader(name, column or reader.schema[name].column_type)
    count = min(cr._count, n)
    raw = cr._dbfile.get(cr._basepos, count * cr._fixedlen)
    arr = np.zeros(n, dtype=np.dtype(dtype).newbyteorder("="))
    arr[:count] = np.frombuffer(raw, dtype=dtype)
    return arr


def _posting_ids(reader, field, term):
    """Docnums (segment-local) of a term's postings, a block at a time when the codec allows."""
    try:
        m = reader.postings(field, term)
    except Exception:  # TermNotFound
        return _EMPTY
    parts = []
    if isinstance(m, W3LeafMatcher):
        while m.is_active():
            m._read_ids()
            parts.append(np.asarray(m._ids, dtype=np.int64))
            m._next_block()
    else:
        parts.append(np.fromiter(m.all_ids(), dtype=np.int64))
    return np.concatenate(parts) if parts else _EMPTY


def _docs(searcher, field, term, weights=False):
    ids, ws = [], []
    for r, offset in searcher.reader().leaf_readers():
        try:
            m = r.postings(field, term)
        except Exception:  # TermNotFound
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
            items = list(m.items_as("weight")) if weights else [(i, 1.0) for i in m.all_ids()]
            ids.append(np.array([i for i, _ in items], dtype=np.int64) + offset)
            ws.append(np.array([w for _, w in items], dtype=np.float32))
    docs = (np.concatenate(ids) if ids else _EMPTY).astype(np.int32)
    if weights:
        return docs, (np.concatenate(ws) if ws else np.zeros(0, np.float32))
    return docs


def _positions(searcher, field, term, candidates):
    """{docnum: positions} of `term` for the docnums in sorted array `candidates`."""
    out = {}
    for r, offset in searcher.reader().leaf_readers():
        try:
            m = r.postings(field, term)
        except Exception:
            continue
        fmt = m.format
        if isinstance(m, W3LeafMatcher):
            while m.is_active():
                m._read_ids()
                block = np.asarray(m._ids, dtype=np.int64) + offset
                hit = np.nonzero(np.isin(block, candidates, assume_unique=True))[0]
                if len(hit):
                    m._read_values()
                    values = m._values
                    for i in hit:
                        out[int(block[i])] = fmt.decode_positions(values[i])
                m._next_block()
        else:
            cand = set(candidates.tolist())
            while m.is_active():
                d = m.id() + offset
                if d in cand:
                    out[d] = list(m.value_as("positions"))
                m.next()
    return out


def _phrase(data, searcher, field, terms):
    lists = sorted((data.term_docs(searcher, field, t) for t in set(terms)), key=len)
    candidates = lists[0]
    for other in lists[1:]:
        if not len(candidates):
            return _EMPTY
        candidates = np.intersect1d(candidates, other, assume_unique=True)
    if not len(candidates):
        return _EMPTY
    positions = {t: _positions(searcher, field, t, candidates) for t in set(terms)}
    found = []
    for d in candidates.tolist():
        starts = set(positions[terms[0]].get(d, ()))
        for k, t in enumerate(terms[1:], 1):
            if not starts:
                break
            starts &= {p - k for p in positions[t].get(d, ())}
        if starts:
            found.append(d)
    return np.array(found, dtype=np.int32)


def index_data(searcher):
    """The cached IndexData for the segments `searcher` reads."""
    key = tuple((r.segment().segment_id(), r.doc_count_all()) for r, _ in searcher.reader().leaf_readers())
    with _cache_lock:
        data = _data_cache.get(key)
        if data is not None:
            _data_cache.move_to_end(key)
            return data
    data = IndexData(searcher)
    with _cache_lock:
        _data_cache[key] = data
        while len(_data_cache) > 4:
            _data_cache.popitem(last=False)
    return data
