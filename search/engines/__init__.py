"""Search back ends behind one seam (django-haystack's shape: one base class, one module per engine).

The seam holds only what differs per engine: writing a generation's engine files, and answering
`match`, `count` and the look-ups; and the contract of the documents every engine indexes
(FACETS, CHAPTER_SHIFT). The engines are the lowest floor of the index stage: search.index
makes their documents, drives their builds (build.py) and opens a generation (store.open_engine). The query layer (search.query) parses what users type, calls
the engine and shapes the result; an engine never calls back up and never builds a URL. No
engine's own objects leave its module.

    whoosh    the default (pure Python, as the design asks)
    tantivy   for speed at the size of the whole Repertoire (REPERTOIRE_ENGINE=tantivy)

One contract suite (tests/engines/test_engines.py) runs on every engine, so an engine that
cannot do something fails a test instead of answering less.
"""
import collections
import ctypes
import importlib
import os
import signal
import threading
from dataclasses import dataclass

from ..errors import IndexError_

# The documents an engine indexes (search.index.documents makes them): one dict per record with
# these facet fields, and `order` = chapter number << CHAPTER_SHIFT | position in the chapter.
FACETS = ("country", "org", "meeting", "year", "kind", "charter")  # values of one facet OR, facets AND
CHAPTER_SHIFT = 20  # records per chapter at most 2**20
ENGINE_DIR = "engine"  # an engine's own files in a version folder (search.index.store)

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


@dataclass(frozen=True)
class Matches:
    """An engine's answer: how many units match, this page's records, and the facet counts.

    `hits` are (record dict as stored, exact) pairs: exact is True when the unit contains every
    clause's string as typed (the top ranking group). `counts` are {facet: {value: count}},
    each facet counted without its own selection (disjunctive facets).
    """

    total: int
    hits: tuple[tuple[dict, bool], ...]
    counts: dict


class Engine:
    """One open index version. Thread-safe: one instance serves every request of a process.

    `parsed` is a search.query.syntax.ParsedQuery and `params` a search.query.params.SearchParams;
    an engine reads them and never imports the query layer.
    """

    name = None

    def __init__(self, version, manifest):
        self.version = version
        self.generation = version.name
        self.chapters = manifest["chapters"]  # in document order

    # --- writing (search.index.build drives it) ---

    @classmethod
    def write(cls, folder, *, create, remove, jobs, load, on_chapter):
        """Change the index in `folder` (the engine's own files): drop chapters, add others.

        :param create: True for an empty folder, False for a copy of the current version.
        :param remove: chapter keys whose documents go.
        :param jobs: chapters to parse and add, each handed to `load(job)` -> an object with
                     `documents` (search.index.documents) and `summary`, in any process the engine
                     likes (workers from `build_procs`, started with `worker_init`).
        :param on_chapter: called in this process with each chapter's summary once it is indexed.
        """
        raise NotImplementedError

    @classmethod
    def open(cls, version, manifest):
        """Open a version folder for reading."""
        return cls(version, manifest)

    def close(self):
        """Release files and searchers."""

    @classmethod
    def segments(cls, folder):
        """How many segments the engine's files in `folder` have (for monitoring)."""
        raise NotImplementedError

    # --- reading ---

    def match(self, parsed, params, sort):
        """The total, the page of (record, exact) and the disjunctive facet counts -> Matches."""
        raise NotImplementedError

    def count(self, parsed, params):
        """How many units a search finds (no page, no facets: the empty state asks for many)."""
        raise NotImplementedError

    def outside(self, parsed, params, record_ids):
        """The records among `record_ids` (dicts, in the order given) that pass the filters of `params`
        and the exclusions of `parsed` but that its clauses do not match: what a meaning search may
        add after the text's matches. Unknown ids are left out."""
        raise NotImplementedError

    def lookup(self, record_id):
        """(record dict, class, seq) of a record by id, or None."""
        raise NotImplementedError

    def at(self, chapter, cls, seq):
        """The record dict at position `seq` among the chapter's records of class `cls`, or None."""
        raise NotImplementedError

    def records_of(self, facet, value, page, per_page, kinds=None):
        """(total, record dicts of page `page`) of the records with `value` in `facet`, in document order.

        :param kinds: only records of these kinds (None: all).
        """
        raise NotImplementedError

    def count_of(self, facet, value):
        """How many records have `value` in `facet` (an index look-up: existence checks use it)."""
        return self.records_of(facet, value, 1, 1)[0]


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


def engine_files(version):
    """The folder inside a version folder that holds the engine's own files."""
    return version / ENGINE_DIR


# --- build workers, for the engines' `write` ---


def worker_init(builder):
    """Initialiser of build worker processes: die with the builder (pid `builder`). A builder killed
    with SIGKILL cannot stop its workers; orphaned, they would keep its build lock (inherited) held."""
    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != builder:  # the builder died before the call above took effect
        os._exit(1)


def build_procs(jobs):
    """Worker processes for parsing and indexing `jobs` chapters: REPERTOIRE_BUILD_PROCS, else the CPUs
    (at most 4); forking only pays for itself from a few chapters on."""
    wanted = os.environ.get("REPERTOIRE_BUILD_PROCS", "").strip()
    procs = int(wanted) if wanted.isdigit() and int(wanted) > 0 else min(os.cpu_count() or 1, 4)
    return max(1, min(procs, len(jobs) // 4 or 1))
