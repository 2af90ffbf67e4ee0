"""Writing the tantivy back end's index (tantivy.py reads it): the schema, each document as the
JSON tantivy parses itself, and the worker processes that parse chapters while tantivy indexes.

tantivy writes new files and renames meta.json atomically, never changing a file in place, so an
incremental build works on hard links of the previous version (search.index.store) and leaves it intact.
"""
import base64
import json
import multiprocessing
import operator
from contextlib import contextmanager

from tantivy import Index, SchemaBuilder

from ..errors import IndexError_
from ..text import normalize, squash
from . import FACETS, build_procs

RAW = ("id", "pos", "kind", "chapter", "meeting", "year", "country", "org", "symbol", "charter")
FAST = set(FACETS)  # aggregated: fast (column) fields
UNDATED = 99999999  # undated records sort after every date
ORDER_BITS = 36     # datekey = date << 36 | order: one i64 sorts by date, then document order
HEAP = 512_000_000  # indexing memory: fewer, larger segments (fewer merges, faster queries)


def _schema():
    sb = SchemaBuilder()
    for name in RAW:
        sb.add_text_field(name, stored=name == "pos", tokenizer_name="raw", index_option="basic",
                          fast=name in FAST)
    sb.add_text_field("grams", tokenizer_name="whitespace", index_option="position")
    sb.add_text_field("chars", tokenizer_name="whitespace", index_option="freq")
    for name in ("order", "dateint", "datekey"):
        sb.add_integer_field(name, fast=True)
    # 1 for the units that say something, 0 for a footnote that only cites: ranked lower in its group.
    sb.add_integer_field("substantive", indexed=True)
    sb.add_bytes_field("data", stored=True)
    return sb.build()


SCHEMA = _schema()


# --- writing ---------------------------------------------------------------------------------


def _tantivy_json(doc):
    """One document as the JSON tantivy parses itself (one call per document, no Python objects)."""
    text = squash(normalize(doc["text"]))
    if doc["order"] >= 1 << ORDER_BITS:
        raise IndexError_(f"{doc['id']}: document order {doc['order']} beyond 2**{ORDER_BITS}")
    fields = {
        "id": doc["id"], "pos": f"{doc['chapter']}:{doc['cls']}:{doc['seq']}", "kind": doc["kind"],
        "chapter": doc["chapter"], "country": list(dict.fromkeys(doc["country"])),
        "org": list(dict.fromkeys(doc["org"])), "symbol": list(dict.fromkeys(doc["symbol"])),
        "charter": list(dict.fromkeys(doc["charter"])),
        "grams": " ".join(map(operator.add, text, text[1:])), "chars": " ".join(text),
        "order": doc["order"], "dateint": doc["dateint"], "substantive": 0 if doc["cite_only"] else 1,
        "datekey": ((doc["dateint"] or UNDATED) << ORDER_BITS) | doc["order"],
        # Bytes fields take base64 in JSON; the record's JSON comes back as bytes.
        "data": base64.b64encode(doc["data"].encode("utf-8")).decode("ascii"),
    }
    for name in ("meeting", "year"):
        if doc[name] is not None:
            fields[name] = doc[name]
    return json.dumps(fields, ensure_ascii=False)


# State shared with forked workers (set just before they fork, so nothing but results is pickled).
_BUILD = {}


def _prepare(i):
    """Worker: parse chapter `i` and turn its documents into tantivy's JSON."""
    loaded = _BUILD["load"](_BUILD["jobs"][i])
    return loaded.summary, [_tantivy_json(d) for d in loaded.documents]


@contextmanager
def _parsing(jobs, load, procs):
    """An iterator of (summary, documents) of every chapter in job order, parsed by `procs` workers.

    Parsing is Python and the bulk of a build; tantivy indexes on its own threads meanwhile. The
    workers fork before the index writer starts its threads."""
    _BUILD.update(jobs=jobs, load=load)
    try:
        if procs <= 1:
            yield map(_prepare, range(len(jobs)))
            return
        with multiprocessing.get_context("fork").Pool(procs) as pool:
            yield pool.imap(_prepare, range(len(jobs)))
    finally:
        _BUILD.clear()


def write_index(folder, create, remove, jobs, load, on_chapter):
    """Drop the `remove` chapters from the index in `folder` (or create it), then parse `jobs` in worker
    processes and add their documents; merged before the swap."""
    if not create and not remove and not jobs:
        return
    folder = str(folder)
    with _parsing(jobs, load, build_procs(jobs)) as chapters:
        index = Index(SCHEMA, folder, reuse=False) if create else Index.open(folder)
        # Two indexing threads: the parsing workers take the other cores' time.
        writer = index.writer(heap_size=HEAP, num_threads=2)
        try:
            for key in remove:
                writer.delete_documents_by_term("chapter", key)
            for summary, docs in chapters:
                for doc in docs:
                    writer.add_json(doc)
                on_chapter(summary)
            writer.commit()
        except BaseException:
            writer.rollback()
            raise
    writer.wait_merging_threads()  # merged before the swap: the served version is final
