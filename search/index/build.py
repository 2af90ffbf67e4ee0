"""Chapters -> a new index generation: incremental by default, atomic always.

`build_index(files, index_dir)` keeps a manifest of the chapters it indexed (path, content hash,
units). It re-parses and re-indexes only the chapters whose content changed, adds new ones and
removes those no longer given; `full=True` rebuilds from scratch. Each build is a new version
folder swapped in atomically (search.store): a failed, killed or out-of-space build leaves the
old index serving and no debris. Chapters are parsed one at a time (streamed), never all held.
"""
import hashlib
import os
import shutil
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..engines import CHAPTER_SHIFT, engine_class, engine_name
from ..errors import CorpusError, IndexError_
from ..ingest.files import chapter_key, read_bytes
from ..reference.resolve import parse_chapter
from . import encoder, store, vectors
from .documents import chapter_documents
from .progress import Progress
from ..words import get_jieba
from .stats import STATS_VERSION, chapter_stats, corpus_stats

@dataclass(frozen=True)
class ChapterJob:
    """One chapter to parse and index: its key, file, content hash and number in document order."""

    key: str
    path: str
    sha256: str
    seq: int
    strict: bool = False
    vectors: str | None = None  # the build folder's vectors folder: embed the chapter's units there


@dataclass
class LoadedChapter:
    """A parsed chapter: its documents and what the manifest keeps of it."""

    job: ChapterJob
    documents: list
    warnings: list
    summary: dict = field(default_factory=dict)


def load_chapter(job):
    """Parse one chapter into documents and its manifest entry (run in any process)."""
    corpus = parse_chapter(job.path, order_start=job.seq << CHAPTER_SHIFT, strict=job.strict)
    documents = list(chapter_documents(corpus))
    # Embedded here, in the builder's worker processes, chapter by chapter: the encoder's time is
    # most of a build's, and each worker runs it on its own core.
    embedded = vectors.write_chapter_vectors(job.vectors, job.key, documents) if job.vectors else 0
    summary = {
        "key": job.key, "path": job.path, "sha256": job.sha256, "seq": job.seq,
        "units": len(documents),
        "paragraphs": len(corpus.paragraphs), "footnotes": len(corpus.footnotes),
        "stats": chapter_stats(documents), "stats_version": STATS_VERSION,
        "warnings": list(corpus.warnings),
        "repertoire_chapter": corpus.repertoire_chapter,
        "first_id": documents[0]["id"] if documents else None,
        "embedded": embedded,  # texts this build embedded (the others came from the cache)
    }
    return LoadedChapter(job, documents, list(corpus.warnings), summary)


def _sha256(path):
    return hashlib.sha256(read_bytes(path)).hexdigest()


def _given(files):
    """(key, path, sha256) of every file given, checked before anything is touched."""
    out, keys = [], {}
    for path in files:
        key = chapter_key(path)
        if key in keys:
            raise CorpusError(path, f"chapter key {key!r} is also the key of {keys[key]}: rename one file")
        keys[key] = path
        out.append((key, str(path), _sha256(path)))
    if not out:
        raise CorpusError("(no files)", "no chapter files to index")
    return out


def _indexed(summary, summaries, progress):
    summaries[summary["key"]] = summary
    progress.units(summary["units"])
    progress.chapter(summary)


def _previous(index_dir, name, full):
    """(version folder, manifest) to build on, or (None, None) for a build from scratch."""
    base = store.version_of(index_dir)
    if full or base is None:
        return None, None
    try:
        manifest = store.read_manifest(base)
    except IndexError_:
        return None, None  # an index of an older format: rebuilt from scratch
    if manifest.get("engine") != name:
        return None, None
    return base, manifest


def _engine_for(engine, index_dir):
    """The engine asked for (argument, else REPERTOIRE_ENGINE), else the one that built the index, else
    the default: an incremental build keeps its index's engine."""
    if engine or os.environ.get("REPERTOIRE_ENGINE", "").strip():
        return engine_name(engine)
    return engine_name(store.built_with(index_dir))


def _current_name(index_dir):
    """The name of the version folder serving now (the new one's `previous`), or None."""
    current = store.version_of(index_dir)
    return current.name if current is not None and current.parent == index_dir.parent.resolve() else None


def _plan(given, manifest, strict):
    """What a build does with the chapters given: (kept, jobs, next_seq). A chapter whose file is
    unchanged is kept; a new or changed one is a job (a changed one keeps its place, `seq`)."""
    old = {c["key"]: c for c in manifest["chapters"]} if manifest else {}
    next_seq = manifest.get("next_seq", 0) if manifest else 0
    kept, jobs = {}, []
    for key, path, digest in given:
        prior = old.get(key)
        # A chapter counted by an older version of search.index.stats is indexed again: its
        # stats lack what the pages now read.
        if prior is not None and prior["sha256"] == digest and prior.get("stats_version") == STATS_VERSION:
            kept[key] = {**prior, "path": path}
            continue
        seq = prior["seq"] if prior is not None else next_seq
        next_seq = max(next_seq, seq + 1)
        jobs.append(ChapterJob(key, path, digest, seq, strict))
    return kept, jobs, next_seq


def _write_generation(tmp, cls, base, remove, jobs, kept, progress):
    """Write the engine's files, the vectors and the statistics of the new generation in `tmp`:
    (chapters in document order, summaries of the chapters indexed)."""
    summaries = {}
    if jobs:
        get_jieba()  # the chapters' phrase statistics need it: loaded once here, forked workers share it
        encoder.warm_up()  # before the workers fork: they share the model's pages
    for key in set(remove) - {job.key for job in jobs}:  # a changed chapter's are its cache
        vectors.remove_chapter_vectors(tmp / vectors.FOLDER, key)
    cls.write(tmp / store.ENGINE_DIR, create=base is None, remove=remove, jobs=jobs, load=load_chapter,
              on_chapter=lambda s: _indexed(s, summaries, progress))
    chapters = sorted([*kept.values(), *summaries.values()], key=lambda c: c["seq"])
    progress.stage(f"vectors: {vectors.assemble(tmp, [c['key'] for c in chapters])} units "
                   f"({sum(s.get('embedded', 0) for s in summaries.values())} embedded by this build)")
    store.write_json(tmp / store.STATS, corpus_stats(chapters))
    return chapters, summaries


def build_index(files, index_dir, engine=None, full=False, strict=False, progress=None):
    """Index chapter files into a new generation of `index_dir` and swap it in.

    :param engine: "whoosh" or "tantivy" (default: REPERTOIRE_ENGINE, else whoosh).
    :param full: rebuild every chapter, ignoring the current index.
    :param progress: a search.index.progress.Progress (default: none shown).
    :returns: {"units", "added", "changed", "removed", "unchanged", "indexed" (the keys of the chapters
              parsed and indexed by this build), "seconds", "engine", "warnings"}
    :raises CorpusError: a chapter cannot be parsed (the old index keeps serving).
    :raises IndexError_: the index folder cannot be written (disk full, permissions, ...).
    """
    started = time.monotonic()
    index_dir = Path(index_dir).absolute()
    name = _engine_for(engine, index_dir)
    cls = engine_class(name)
    progress = progress or Progress(quiet=True)
    try:
        index_dir.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise IndexError_(f"{index_dir.parent}: cannot create the index folder: {exc.strerror}") from None
    given = _given(files)
    with store.build_lock(index_dir):
        store.remove_debris(index_dir)
        base, manifest = _previous(index_dir, name, full)
        kept, jobs, next_seq = _plan(given, manifest, strict)
        old = dict.fromkeys(c["key"] for c in manifest["chapters"]) if manifest else {}
        remove = [k for k in old if k not in kept]
        changed = sum(1 for j in jobs if j.key in old)
        progress.stage(f"{name}: {len(jobs)} chapters to index ({changed} changed), {len(remove) - changed} to "
                       f"remove, {len(kept)} unchanged", total=len(jobs))
        tmp = None
        try:
            tmp = store.new_build_folder(index_dir, base)
            jobs = [replace(job, vectors=str(tmp / vectors.FOLDER)) for job in jobs]
            chapters, summaries = _write_generation(tmp, cls, base, remove, jobs, kept, progress)
            store.write_json(tmp / store.MANIFEST, {
                "format": store.FORMAT_VERSION, "engine": name, "built": time.strftime("%Y-%m-%dT%H:%M:%S"),
                "next_seq": next_seq, store.PREVIOUS: _current_name(index_dir), "chapters": chapters})
            store.checkpoint("written")
            store.swap_in(tmp, index_dir)
        except BaseException as exc:
            if tmp is not None:
                shutil.rmtree(tmp, ignore_errors=True)
            if isinstance(exc, OSError):
                raise IndexError_(f"{index_dir}: cannot write the index: {exc.strerror or exc}") from None
            raise
    return {"units": sum(c["units"] for c in chapters), "added": len(jobs) - changed, "changed": changed,
            "removed": len(remove) - changed, "unchanged": len(kept), "indexed": sorted(summaries),
            "seconds": time.monotonic() - started,
            "engine": name, "warnings": [w for s in summaries.values() for w in s["warnings"]]}
