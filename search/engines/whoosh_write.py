"""Writing the Whoosh back end's index (search/engines/whoosh.py reads it): the schema, documents,
the texts kept beside the index, and the worker processes that write segments in parallel.

Every Whoosh write happens in a forked worker process: the chapters' segments in parallel, and
the small steps before and after them in one worker. Whoosh leaves files open when a write fails
(a full disk, say); a worker's files close with it, and the builder's process stays clean.

Each build adds segments; left alone they pile up (each costs a server about five descriptors per
searcher, and a query a pass per segment). So every build ends by merging them as they accumulate,
within a budget (`plan_merge`): segments are sorted into size classes (x4 apart), a class is
merged once it holds 4 segments, and a segment whose documents were all deleted (a chapter
removed or re-indexed) is dropped at no cost. Each document is rewritten a few times in its life
(once per class), and no build rewrites more than MERGE_FLOOR documents or MERGE_SHARE of the
index, whichever is more, so an incremental build stays a small part of a full one.
"""
import multiprocessing
import os
import shutil
from collections import defaultdict

from whoosh import index as whoosh_index
from whoosh.analysis import Token, Tokenizer
from whoosh.columns import NumericColumn
from whoosh.fields import COLUMN, ID, KEYWORD, STORED, FieldType, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.formats import Frequency
from whoosh.index import TOC
from whoosh.reading import SegmentReader

from ..atomic import write_atomically
from ..text import normalize, squash
from . import worker_init

TEXTS = "texts"
MERGE_FACTOR = 4        # segments of one size class merged together once this many have accumulated
SIZE_BASE = 512         # documents: the smallest size class holds segments below this
MERGE_FLOOR = 4000      # documents any build may rewrite by merging ...
MERGE_SHARE = 0.02      # ... or this share of the index's documents, whichever is more


class BigramTokenizer(Tokenizer):
    """Every pair of neighbouring non-space characters, at the ordinal of the first (Whoosh's
    tokenizer contract: positions are ordinals, startchar/endchar offsets into the text as printed).

    Whitespace is skipped, so `第5649次` and `第 5649 次` give the same tokens.

    >>> [(t.text, t.pos, t.startchar, t.endchar) for t in BigramTokenizer()("S/PV 安", positions=True, chars=True)]
    [('s/', 0, 0, 2), ('/p', 1, 1, 3), ('pv', 2, 2, 4), ('v安', 3, 3, 6)]
    """

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        text = normalize(value)
        offsets = [i for i, c in enumerate(text) if not c.isspace()]
        for k, (i, j) in enumerate(zip(offsets, offsets[1:])):
            t.text = text[i] + text[j]
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = value[i:j + 1]
            if positions:
                t.pos = start_pos + k
            if chars:
                t.startchar, t.endchar = start_char + i, start_char + j + 1
            yield t


def _keyword():
    return KEYWORD(commas=True, lowercase=False, scorable=False)


SCHEMA = Schema(
    id=ID(),
    pos=ID(stored=True),  # "<chapter>:<cls>:<seq>", for prev/next
    kind=ID(),
    chapter=ID(),
    grams=FieldType(format=Frequency(), analyzer=BigramTokenizer(), scorable=False),
    country=_keyword(),
    org=_keyword(),
    symbol=_keyword(),
    charter=_keyword(),
    meeting=ID(),
    year=ID(),
    item=ID(),
    section=ID(),
    order=COLUMN(NumericColumn("q", default=0)),
    length=COLUMN(NumericColumn("i", default=0)),  # characters, spaces left out: BM25's document length
    dateint=COLUMN(NumericColumn("i", default=0)),
    citeonly=COLUMN(NumericColumn("i", default=0)),  # 1: a footnote that only cites (ranked lower)
    data=STORED(),
)


def _memoise_has_column():
    """Whoosh asks the disk (a stat call) whether a field has a length column once per posting while
    it writes a segment; the answer never changes for a written segment, so remember it. For our
    schema this was over a third of the build time.

    Whoosh's class is changed only in the build's worker processes (`_init_worker`), which end
    with the build: a server's readers keep Whoosh as it is."""
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


def _init_worker(builder):
    """A build worker: it dies with the builder, and its segment writers remember their columns."""
    worker_init(builder)
    _memoise_has_column()


def _whoosh_document(doc):
    fields = {
        "id": doc["id"], "pos": f"{doc['chapter']}:{doc['cls']}:{doc['seq']}", "kind": doc["kind"],
        "chapter": doc["chapter"], "grams": doc["text"], "length": len(squash(normalize(doc["text"]))),
        "country": ",".join(doc["country"]), "org": ",".join(doc["org"]),
        "symbol": ",".join(s.replace(",", " ") for s in doc["symbol"]),
        "charter": ",".join(doc["charter"]),
        "item": doc["item"], "order": doc["order"], "dateint": doc["dateint"], "data": doc["data"],
        "citeonly": int(doc["cite_only"]),
    }
    for name in ("meeting", "year", "section"):
        if doc[name] is not None:
            fields[name] = doc[name]
    return fields


def _write_texts(folder, loaded):
    """The chapter's texts, normalised and without spaces, one line per record in document order.

    Written to a new file and renamed: the old name may be a hard link into the serving version."""
    texts = folder / TEXTS
    texts.mkdir(exist_ok=True)
    text = "".join(squash(normalize(d["text"])) + "\n" for d in loaded.documents)
    write_atomically(texts / f"{loaded.job.key}.txt", lambda tmp: tmp.write_text(text, encoding="utf-8"))


def _add_chapters(writer, folder, jobs, load, report):
    for job in jobs:
        loaded = load(job)
        for doc in loaded.documents:
            writer.add_document(**_whoosh_document(doc))
        _write_texts(folder, loaded)
        report(loaded.summary)


# State shared with forked build workers (set just before they fork, so nothing is pickled).
_BUILD = {}


def _prepare(folder, create, remove):
    """Worker: create the index, or drop the removed chapters from the copy of the current one."""
    ix = whoosh_index.create_in(str(folder), SCHEMA) if create else whoosh_index.open_dir(str(folder))
    if remove:
        writer = ix.writer(compound=False)
        for key in remove:
            writer.delete_by_term("chapter", key)
            (folder / TEXTS / f"{key}.txt").unlink(missing_ok=True)
        writer.commit(merge=False)


def _build_part(i):
    """Worker: parse and index its share of the chapters into a folder of its own (one segment)."""
    folder, part, jobs, load, messages = (_BUILD[k] for k in ("folder", "parts", "jobs", "load", "messages"))
    ix = whoosh_index.create_in(str(part[i]), SCHEMA)
    # Plain (not compound) segment files: Whoosh copies each sub-file of a compound segment into
    # memory every time a reader opens it.
    writer = ix.writer(limitmb=128, compound=False)
    try:
        _add_chapters(writer, folder, jobs[i], load, messages.put)
        writer.commit(merge=False)
    except BaseException:
        writer.cancel()
        raise


def _append_parts(folder, parts):
    """Worker: move the parts' segments into `folder` and list them in its table of contents."""
    storage = FileStorage(str(folder))
    toc = TOC.read(storage, "MAIN")
    segments = list(toc.segments)
    for part in parts:
        segments.extend(TOC.read(FileStorage(str(part)), "MAIN").segments)
        for f in part.iterdir():
            if f.name.startswith("MAIN_") and f.name != "MAIN_WRITELOCK":
                os.rename(f, folder / f.name)
        shutil.rmtree(part)
    TOC(SCHEMA, segments, toc.generation + 1).write(storage, "MAIN")


def _size_class(docs):
    k = 0
    while docs >= SIZE_BASE * MERGE_FACTOR ** k:
        k += 1
    return k


def plan_merge(sizes, budget):
    """The segments to merge into one, as indices into `sizes` ((live, all documents) per segment):
    every size class (by live documents) holding MERGE_FACTOR segments or more, smallest first, as
    long as the documents read stay within `budget`. Segments with no live document are dropped
    apart (not listed here).

    >>> plan_merge([(40000, 40000), (232, 232), (232, 232), (230, 232), (232, 232), (0, 232)], 4000)
    [1, 2, 3, 4]
    """
    classes = defaultdict(list)
    for i, (live, _) in enumerate(sizes):
        if live:
            classes[_size_class(live)].append(i)
    chosen, spent = [], 0
    for k in sorted(classes):
        group = classes[k]
        cost = sum(sizes[i][1] for i in group)
        if len(group) >= MERGE_FACTOR and spent + cost <= budget:
            chosen += group
            spent += cost
    return sorted(chosen)


def _merge(folder):
    """Worker: drop segments with no live document and merge those `plan_merge` picks (one commit)."""
    ix = whoosh_index.open_dir(str(folder))
    segments = ix._segments()
    sizes = [(seg.doc_count(), seg.doc_count_all()) for seg in segments]
    budget = max(MERGE_FLOOR, int(MERGE_SHARE * sum(live for live, _ in sizes)))
    chosen = set(plan_merge(sizes, budget))
    if not chosen and all(live for live, _ in sizes):
        return
    names = [seg.segment_id() for seg in segments]

    def policy(writer, current):
        kept = []
        for seg in current:
            if not seg.doc_count():
                continue
            if names.index(seg.segment_id()) in chosen:
                reader = SegmentReader(writer.storage, writer.schema, seg)
                writer.add_reader(reader)  # live documents only
                reader.close()
            else:
                kept.append(seg)
        return kept

    writer = ix.writer(limitmb=128, compound=False)
    try:
        writer.commit(mergetype=policy)
    except BaseException:
        writer.cancel()
        raise


def segment_count(folder):
    """How many segments the Whoosh index in `folder` has (for monitoring and the benchmarks)."""
    return len(whoosh_index.open_dir(str(folder))._segments())


def write_index(folder, create, remove, jobs, load, on_chapter, procs):
    """Drop the `remove` chapters from the index in `folder` (or create it), then parse and add
    `jobs` in `procs` worker processes, each writing a segment of its own."""
    ctx = multiprocessing.get_context("fork")
    shares = [jobs[i::procs] for i in range(procs)]
    parts = [folder / f"part{i}" for i in range(procs)]
    for part in parts:
        part.mkdir()
    messages = ctx.SimpleQueue()
    _BUILD.update(folder=folder, parts=parts, jobs=shares, load=load, messages=messages)
    try:
        with ctx.Pool(procs, initializer=_init_worker, initargs=(os.getpid(),)) as pool:
            pool.apply(_prepare, (folder, create, remove))
            pending = pool.map_async(_build_part, range(procs))
            while True:
                if not messages.empty():
                    summary = messages.get()
                    on_chapter(summary)
                elif pending.ready():
                    pending.get()  # re-raises a worker's error
                    if messages.empty():
                        break
                else:
                    pending.wait(0.05)
            pool.apply(_append_parts, (folder, parts))
            pool.apply(_merge, (folder,))
    finally:
        _BUILD.clear()
