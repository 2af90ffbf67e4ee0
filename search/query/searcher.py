"""One open index generation as the query layer uses it: its engine, its build-time statistics,
its completions, and the searches, look-ups and near queries the pages ask for.

The query layer calls the engine; the engine never calls back up. `Searcher` is what the web
layer and the command line hold.
"""
import functools
from dataclasses import dataclass, replace

from ..config import PAGE_SIZE
from ..index import encoder
from ..engines import LRU
from ..index.store import open_engine, read_stats
from ..index.vectors import Vectors
from ..reference.glossary import open_dictionary
from ..reference.meetings import get_table
from .params import RANGE, SearchParams
from .result import run_search
from .similar import similar_records
from .suggest import SuggestIndex, nearest_queries, suggestions_from_stats
from .syntax import parse_query


@dataclass(frozen=True)
class Alternative:
    """What to search instead of a search without hits, and how many hits that gives (never 0)."""

    kind: str                 # "sound" (法国 for faguo), "part" (a word or piece of the query),
    #                           "unfiltered" (the same search without one of its filters)
    text: str                 # 法国, 区域组织; for "unfiltered" the filter's value
    total: int
    q: str | None = None      # the query instead (None: the same query)
    add: tuple[str, str] | None = None   # a filter to use (with the query dropped): ("country", "FRA")
    drop: tuple[str, str] | None = None  # the filter to take away: ("country", "FRA"), ("from", "2005-01-01")


def _with_filter(params, facet, value):
    return replace(params, q="", **{facet: tuple(dict.fromkeys((*getattr(params, facet), value)))})


def _without_filter(params, name, value):
    if name in RANGE:
        return replace(params, **{"date_from" if name == "from" else "date_to": None})
    return replace(params, **{name: tuple(v for v in getattr(params, name) if v != value)})


class Searcher:
    """Searches and look-ups over one open engine (thread-safe, as the engine is)."""

    def __init__(self, engine):
        self.engine = engine
        self.generation = engine.generation
        self.chapters = engine.chapters  # the manifest's chapters, in document order
        # What the home page shows, computed when the index was built (search.index.stats).
        self.stats = read_stats(engine.version)
        self._chapter_index = {c["key"]: i for i, c in enumerate(engine.chapters)}
        self._counts = LRU(4096)  # phrase -> hits, for the completions (the version never changes)
        # The units' meaning (search.index.vectors), memory-mapped; None for an index without them.
        self.vectors = Vectors.open(engine.version)
        # CC-CEDICT, for English words the glossary lacks: only the terms this corpus holds.
        self.dictionary = open_dictionary(has=self._has)

    def _has(self, term):
        """True when some unit holds `term` (a dictionary's word is offered only then)."""
        return self.engine.count(parse_query(f'"{term}"'), SearchParams()) > 0

    def close(self):
        """Release the engine's files, the vectors and the dictionary (their memory maps hold descriptors)."""
        self.engine.close()
        if self.vectors is not None:
            self.vectors.close()
        if self.dictionary is not None:
            self.dictionary.close()
        self.vectors = self.dictionary = None

    @functools.cached_property
    def suggestions(self):
        """The completions of this index, built on first use from its statistics."""
        return SuggestIndex(suggestions_from_stats(self.stats))

    def search(self, params):
        """The page of hits, the total, facets and notices -> search.query.result.SearchResult."""
        return run_search(self.engine, params, self.vectors, self.dictionary)

    def count(self, params):
        """How many units a search finds."""
        return self.engine.count(parse_query(params.q, params.drop, self.dictionary), params)

    def similar(self, record_id):
        """Up to 10 records close in meaning to a record (search.query.similar), or [] ."""
        return similar_records(self.engine, self.vectors, record_id)

    def count_filtered(self, params, facet, value):
        """How many units the filter `facet`=`value` alone finds (with the other filters, without the query)."""
        return self.count(_with_filter(params, facet, value))

    def alternatives(self, params, wanted=5):
        """The empty state: searches near `params` that do have hits ([Alternative]): names and phrases
        that sound like the query (a name's filter alone), its words and pieces (with the same
        filters), then the same search without each of its filters in turn."""
        out = []
        for near in nearest_queries(params.q, self.suggestions) if params.q.strip() else ():
            if near.filter:
                alt = Alternative("sound", near.text, self.count(_with_filter(params, *near.filter)), add=near.filter)
            else:
                alt = Alternative(near.kind, near.text, self.count(replace(params, q=near.q)), q=near.q)
            if alt.total:
                out.append(alt)
                if len(out) == wanted:
                    break
        dropped = [(f, v) for f, values in params.filters().items() for v in values]
        dropped += [(name, value) for name, value in zip(RANGE, (params.date_from, params.date_to)) if value]
        for name, value in dropped:
            total = self.count(_without_filter(params, name, value))
            if total:
                out.append(Alternative("unfiltered", value, total, drop=(name, value)))
        return out

    def complete(self, prefix, limit=10):
        """Completions of what is being typed ([(Suggestion, hits)]), each with the hits it leads to:
        a name's or an article's filter, a meeting's paragraphs, the records citing a document
        (counted when the index was built), a phrase's search (counted once, then remembered)."""
        out = []
        for s in self.suggestions.complete(prefix, limit):
            total = self._counts.get(s.text, lambda: self.count(SearchParams(q=s.text))) if s.kind == "phrase" \
                else s.weight
            if total:
                out.append((s, total))
        return out

    def read(self, part, page=1, per_page=PAGE_SIZE):
        """The records of page `page` of a reading of `part` (search.query.contents.Part) in order:
        its headings, paragraphs and decisions, each with its footnotes."""
        start = part.first + (page - 1) * per_page
        stop = min(part.last, start + per_page - 1)
        found = (self.engine.at(part.chapter, "p", seq) for seq in range(start, stop + 1))
        return [r for r in found if r is not None]

    def records_of(self, facet, value, page=1, per_page=PAGE_SIZE, kinds=None):
        """(total, records of the page) with `value` in `facet`, in document order."""
        return self.engine.records_of(facet, value, page, per_page, kinds)

    def count_of(self, facet, value):
        """How many records have `value` in `facet`."""
        return self.engine.count_of(facet, value)

    def record(self, record_id):
        """One record's dict with `prev`/`next` ({"id", "kind"} of the neighbouring record of the same
        class: paragraph to paragraph, footnote to footnote, across chapters), or None."""
        if not isinstance(record_id, str) or not record_id or len(record_id) > 200:
            return None
        found = self.engine.lookup(record_id)
        if found is None:
            return None
        record, cls, seq = found
        record = dict(record)
        record["prev"] = _summary(self._neighbour(record["chapter"], cls, seq, -1))
        record["next"] = _summary(self._neighbour(record["chapter"], cls, seq, 1))
        record["position"] = self._position(record, cls, seq)
        return record

    def _position(self, record, cls, seq):
        """Where a record stands in its chapter's reading order: its own position among the headings,
        paragraphs and decisions, or a footnote the position of the paragraph that first cites it."""
        if cls == "f":
            citer = self.engine.lookup(record["cited_by"][0]) if record.get("cited_by") else None
            if citer is None:
                return None
            seq = citer[2]
        return seq

    def _neighbour(self, chapter, cls, seq, step):
        found = self.engine.at(chapter, cls, seq + step)
        if found is not None:
            return found
        chapters = self.chapters
        count_key = "footnotes" if cls == "f" else "paragraphs"
        i = self._chapter_index.get(chapter)
        while i is not None:
            i += step
            if not 0 <= i < len(chapters):
                return None
            other = chapters[i]
            if other[count_key]:
                return self.engine.at(other["key"], cls, 0 if step > 0 else other[count_key] - 1)
        return None

    def warm_up(self):
        """Load what the first request would otherwise wait for (jieba, the meetings table, caches)."""
        get_table()
        encoder.warm_up()
        self.search(SearchParams(q="安全理事会 合作 France", per_page=1))
        self.search(SearchParams(q="peacekeeping 维和", per_page=1, page=1))
        self.complete("an")


def _summary(record):
    return None if record is None else {"id": record["id"], "kind": record["kind"]}


def open_searcher(index_dir, expected=None):
    """A Searcher over the index generation `index_dir` points to now (with `expected`, only when
    that engine built it). :raises IndexError_: none there, or another engine's."""
    return Searcher(open_engine(index_dir, expected))
