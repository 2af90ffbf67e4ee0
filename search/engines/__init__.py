"""Search back ends behind one seam (django-haystack's shape: one base class, one module per engine).

The web layer, the CLI and the builder talk to an `Engine` only. Query syntax, parameters,
snippets, facet labels and result shapes are engine-neutral and live outside (search.syntax,
search.params, search.snippets, search.facets, search.query); an engine answers `match` with a
`query.Matches` and looks records up. No engine's own objects leave its module.

    whoosh    the default (pure Python, as the design asks)
    tantivy   for speed at the size of the whole Repertoire (REPERTOIRE_ENGINE=tantivy)

One contract suite (tests/test_engines.py) runs on every engine, so an engine that cannot do
something fails a test instead of answering less.
"""
import collections
import functools
import importlib
import os
import threading

from ..errors import IndexError_
from ..params import SearchParams
from ..store import ENGINE_DIR, STATS, read_json, read_manifest, version_of

ENGINES = {"whoosh": "search.engines.whoosh:WhooshEngine", "tantivy": "search.engines.tantivy:TantivyEngine"}
DEFAULT_ENGINE = "whoosh"


def engine_name(name=None):
    """The engine asked for: `name`, else REPERTOIRE_ENGINE, else whoosh. :raises IndexError_: unknown."""
    name = (name or os.environ.get("REPERTOIRE_ENGINE") or DEFAULT_ENGINE).strip().lower()
    if name not in ENGINES:
        raise IndexError_(f"unknown engine {name!r}: REPERTOIRE_ENGINE must be one of {', '.join(ENGINES)}")
    return name


def engine_class(name=None):
    """The Engine subclass of engine `name` (see engine_name)."""
    module, _, cls = ENGINES[engine_name(name)].partition(":")
    return getattr(importlib.import_module(module), cls)


def open_engine(index_dir, expected=None):
    """Open the index version `index_dir` points to now, with the engine it was built with.

    :param expected: an engine name the caller insists on (None: whichever built it).
    :raises IndexError_: no index there, another engine's, or it cannot be read.
    """
    version = version_of(index_dir)
    if version is None:
        raise IndexError_(f"no index at {index_dir}: run `python -m search build` first")
    manifest = read_manifest(version)
    built_with = manifest.get("engine")
    if expected is not None and built_with != engine_name(expected):
        raise IndexError_(f"{index_dir}: built with {built_with}, not {engine_name(expected)}: "
                          f"rebuild it with REPERTOIRE_ENGINE={engine_name(expected)} python -m search build")
    return engine_class(built_with).open(version, manifest)


class Engine:
    """One open index version. Thread-safe: one instance serves every request of a process."""

    name = None

    def __init__(self, version, manifest):
        self.version = version
        self.generation = version.name
        self.chapters = manifest["chapters"]  # in document order
        self._chapter_index = {c["key"]: i for i, c in enumerate(self.chapters)}
        # What the home page shows, computed when the index was built (search.build.corpus_stats).
        self.stats = read_json(version / STATS, "statistics")

    # --- writing (search.build drives it) ---

    @classmethod
    def write(cls, folder, *, create, remove, jobs, load, on_chapter):
        """Change the index in `folder` (the engine's own files): drop chapters, add others.

        :param create: True for an empty folder, False for a copy of the current version.
        :param remove: chapter keys whose documents go.
        :param jobs: chapters to parse and add, each handed to `load(job)` -> search.build.LoadedChapter,
                     in any process the engine likes.
        :param on_chapter: called in this process with each chapter's summary once it is indexed.
        """
        raise NotImplementedError

    @classmethod
    def open(cls, version, manifest):
        """Open a version folder for reading."""
        return cls(version, manifest)

    def close(self):
        """Release files and searchers."""

    # --- reading ---

    def match(self, parsed, params, sort):
        """The total, the page of (record, exact) and the disjunctive facet counts -> query.Matches."""
        raise NotImplementedError

    def count(self, params):
        """How many units a search finds (no page, no facets: the empty state asks for many)."""
        raise NotImplementedError

    def search(self, params):
        """Search this index -> query.SearchResult."""
        from ..query import run_search

        return run_search(self, params)

    def lookup(self, record_id):
        """(record dict, class, seq) of a record by id, or None."""
        raise NotImplementedError

    def at(self, chapter, cls, seq):
        """The record dict at position `seq` among the chapter's records of class `cls`, or None."""
        raise NotImplementedError

    def records_of(self, facet, value, page=1, per_page=20, kinds=None):
        """(total, record dicts of page `page`) of the records with `value` in `facet`, in document order.

        :param kinds: only records of these kinds (None: all).
        """
        raise NotImplementedError

    def count_of(self, facet, value):
        """How many records have `value` in `facet` (an index look-up: existence checks use it)."""
        return self.records_of(facet, value, 1, 1)[0]

    def get(self, record_id):
        """One record's dict with `prev`/`next` (the neighbouring record of the same class:
        paragraph to paragraph, footnote to footnote), or None."""
        if not isinstance(record_id, str) or not record_id or len(record_id) > 200:
            return None
        found = self.lookup(record_id)
        if found is None:
            return None
        record, cls, seq = found
        record = dict(record)
        record["prev"] = _summary(self._neighbour(record["chapter"], cls, seq, -1))
        record["next"] = _summary(self._neighbour(record["chapter"], cls, seq, 1))
        return record

    def _neighbour(self, chapter, cls, seq, step):
        found = self.at(chapter, cls, seq + step)
        if found is not None:
            return found
        count_key = "footnotes" if cls == "f" else "paragraphs"
        i = self._chapter_index.get(chapter)
        while i is not None:
            i += step
            if not 0 <= i < len(self.chapters):
                return None
            other = self.chapters[i]
            if other[count_key]:
                return self.at(other["key"], cls, 0 if step > 0 else other[count_key] - 1)
        return None

    @functools.cached_property
    def suggestions(self):
        """The completions of this index (search.suggest), built on first use from its statistics."""
        from ..suggest import SuggestIndex, suggestions_from_stats

        return SuggestIndex(suggestions_from_stats(self.stats))

    def warm_up(self):
        """Load what the first request would otherwise wait for (jieba, the meetings table, caches)."""
        from ..meetings import get_table

        get_table()
        self.search(SearchParams(q="安全理事会 合作 France", per_page=1))
        self.suggestions.complete("an")


class LRU:
    """A thread-safe least-recently-used cache: what an open generation computed once (postings as
    arrays, answers) stays valid for as long as the generation is open, since it never changes."""

    def __init__(self, size):
        self.size = size
        self._items = collections.OrderedDict()
        self._lock = threading.Lock()

    def get(self, key, compute=None):
        """The cached value of `key`; else `compute()` stored and returned (None without `compute`)."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        if compute is None:
            return None
        value = compute()
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value


def _summary(record):
    if record is None:
        return None
    return {"id": record["id"], "kind": record["kind"], "url": f"/p/{record['id']}"}


def engine_files(version):
    """The folder inside a version folder that holds the engine's own files."""
    return version / ENGINE_DIR
