"""The tantivy back end: the same matching as the Whoosh engine, done in Rust (REPERTOIRE_ENGINE=tantivy).

tantivy 0.27 through its Python binding (tantivy-py). Everything a query needs is answered inside
tantivy, so that no per-document work is done in Python at query time:

- `grams`: the bigrams of the normalised, space-free text, made here and indexed with tantivy's
  whitespace tokenizer (its ngram tokenizer puts every token at position 0), one position per
  bigram, so that a string of n >= 3 characters is a phrase of its bigrams: an exact
  substring match, without checking texts. `chars`: the single characters, for one-character
  strings (a phrase of one term makes tantivy panic: strings of 1-2 characters are term queries).
- Filters are term queries on raw-tokenized fields, the date range a range query on a fast field;
  the facet counts are terms aggregations on fast fields (exact: `size` above the cardinality).
- Ranking: score = tier x TIER + the match's own BM25, as one boolean query (constant-score
  clauses for the tiers); ties go to document order, resolved here on the page's boundary group.
  Date and document order are fast fields tantivy sorts by.
- Records are stored as their JSON (`data`); look-ups are term queries on `id` and `pos`.

Writing (the schema, the documents, the build's workers) is in tantivy_write.py.
"""
import json
from pathlib import Path
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

from tantivy import FieldType, Index, Occur, Order, Query

from ..errors import IndexError_
from ..text import normalize, squash
from . import FACETS, LRU, Engine, Matches, engine_files
from .tantivy_write import SCHEMA, write_index

AGG_SIZE = 60000    # terms aggregation buckets: above any facet's cardinality, so counts are exact
POOL_SIZE = 4       # threads for facet aggregations (one per disjunctive group at most)
DEEP = 10000        # records_of offsets from which the total is checked first
CACHE = 512         # answers kept per open version (repeated queries, page after page)
PER_TERM = 64.0     # BM25 of one query term is below idf * (k1 + 1) < 64 for any index size


def _must(*queries):
    return Query.boolean_query([(Occur.Must, q) for q in queries])


def _contains(key):
    """Documents whose normalised, space-free text contains `key` (itself normalised, space-free)."""
    if len(key) == 1:
        return Query.term_query(SCHEMA, "chars", key)
    if len(key) == 2:
        return Query.term_query(SCHEMA, "grams", key)
    # Every other bigram, and the last, tile the string: their positions alone pin it down, with
    # half the positions to check of the phrase of all its bigrams.
    offsets = [*range(0, len(key) - 2, 2), len(key) - 2]
    return Query.phrase_query(SCHEMA, "grams", [(i, key[i:i + 2]) for i in offsets])


def _string(term):
    """A term's string, or the units its (facet, value) readings name (they count as the string)."""
    return _any([_contains(term.key), *(Query.term_query(SCHEMA, f, v) for f, v in term.facets)])


def _term(term):
    """A term's match: its string, or (unquoted) each of its words somewhere; a sense (translation,
    expansion): one string of each of its groups."""
    if term.senses:
        return _must(*(_any(map(_contains, group)) for group in term.senses))
    if _key_only(term):
        return _string(term)
    words = [squash(w) for w in term.words if squash(w)]
    apart = _must(*map(_contains, dict.fromkeys(words)))
    if "".join(words) == term.key and not term.facets:
        # A text containing the string contains each of its words: the words alone are the
        # same match, and cheaper (no phrase positions to check over every candidate).
        return apart
    return Query.boolean_query([(Occur.Should, _string(term)), (Occur.Should, apart)])


def _any(queries):
    queries = list(queries)
    return queries[0] if len(queries) == 1 else Query.boolean_query([(Occur.Should, q) for q in queries])


def _text(parsed, typed=False):
    """The text match (None: every document); with `typed`, of the typed terms alone (no senses)."""
    chosen = ([t for t in clause if not t.senses] for clause in parsed.clauses) if typed else parsed.clauses
    clauses = [(Occur.Must, _any(map(_term, clause))) for clause in chosen]
    excluded = [(Occur.MustNot, _contains(t.key)) for t in parsed.excluded]
    if not clauses and not excluded:
        return None
    if not clauses:
        clauses = [(Occur.Must, Query.all_query())]
    return Query.boolean_query(clauses + excluded)


def _key_only(term):
    """True when the term matches its string only (so every match is in the top group)."""
    if term.senses:
        return False
    return term.exact or not any(squash(w) for w in term.words) or tuple(term.words) == (term.key,)


_SUBSTANTIVE = Query.term_query(SCHEMA, "substantive", 1)


def _ranked(parsed, match, filters):
    """(`match` scored tier x TIER + substantive x TIER / 2 + its own BM25, TIER): tier 1 for a key of
    every clause, +1 for the whole string; within a tier the units that say something come before
    the footnotes that only cite. With senses (translations, expansions), +1 for what the typed
    terms match, scored by their own BM25 as without the senses; what only a sense finds is scored
    by the BM25 of the whole match, below them.

    The match's own scores (BM25 of its phrases and terms) rank within a group: no second pass
    over the postings. TIER / 2 is above any BM25 the query's terms can give, so groups never mix."""
    size = sum(len(t.key) + sum(len(w) for w in t.words) + sum(len(k) for g in t.senses for k in g)
               for t in parsed.positive)  # >= its terms
    tier = 2 * max(1000.0, PER_TERM * size)
    if parsed.has_senses:
        typed = _text(parsed, typed=True)
        parts = [(Occur.Must, Query.const_score_query(match, 0.0)),
                 (Occur.Should, _must(typed, *filters)),
                 (Occur.Should, Query.const_score_query(typed, tier)),
                 (Occur.Should, Query.boolean_query([(Occur.Must, match), (Occur.MustNot, typed)])),
                 (Occur.Should, Query.const_score_query(_SUBSTANTIVE, tier / 2))]
    else:
        parts = [(Occur.Must, match), (Occur.Should, Query.const_score_query(_SUBSTANTIVE, tier / 2))]
    if not all(map(_key_only, parsed.positive)):
        exact_all = _must(*(_any(_string(t) for t in clause if not t.senses) for clause in parsed.clauses))
        parts.append((Occur.Should, Query.const_score_query(exact_all, tier)))
    # (When every term matches its string only, every match is in group 1: nothing to add.)
    if parsed.whole is not None:
        parts.append((Occur.Should, Query.const_score_query(_contains(parsed.whole.key), tier)))
    return Query.boolean_query(parts), tier * (2 if parsed.has_senses else 1)


def _exact(parsed, record):
    """The top ranking group: the record contains a key of every clause (checked on its text), or
    is one of the units a term's reading names (its documents and Charter references)."""
    text = squash(normalize(record["text"]))
    named = {("symbol", v) for v in record.get("symbols", ())} | {("charter", v) for v in record.get("charter", ())}
    return all(any(not t.senses and (t.key in text or named.intersection(t.facets)) for t in clause)
               for clause in parsed.clauses)


class TantivyEngine(Engine):
    """An open tantivy index version."""

    name = "tantivy"

    @classmethod
    def write(cls, folder, *, create, remove, jobs, load, on_chapter):
        write_index(folder, create, remove, jobs, load, on_chapter)

    def __init__(self, version, manifest):
        super().__init__(version, manifest)
        folder = engine_files(version)
        try:
            self._index = Index.open(str(folder))
        except (ValueError, OSError) as exc:
            raise IndexError_(f"{folder}: cannot open the index: {exc}") from None
        # A version folder never changes: no reload thread; one searcher serves every thread
        # (tantivy's searcher is thread-safe and releases the GIL while it searches).
        self._index.config_reader("manual", 0)
        self._searcher = self._index.searcher()
        self._pool = ThreadPoolExecutor(POOL_SIZE, thread_name_prefix="tantivy-agg")
        self._cache = LRU(CACHE)  # (params, sort) -> Matches: the version never changes

    def close(self):
        self._pool.shutdown(wait=True)
        # tantivy's objects hold the version's files (memory maps) until they are freed.
        self._searcher = self._index = None
        self._cache = LRU(0)

    @classmethod
    def segments(cls, folder):
        return len(json.loads((Path(folder) / "meta.json").read_text(encoding="utf-8"))["segments"])

    # --- matching ---

    def _filters(self, params):
        """{facet or "date": query} of the active filters."""
        out = {f: Query.term_set_query(SCHEMA, f, list(values)) for f, values in params.filters().items()}
        span = params.date_range()
        if span:
            out["date"] = Query.range_query(SCHEMA, "dateint", FieldType.Integer, span[0], span[1])
        return out

    def _counts(self, text, filters):
        """Disjunctive facet counts: each facet over the text match and every other facet's filter.

        Facets counted over the same filters share one aggregation; the aggregations run on the
        pool's threads (tantivy releases the GIL) while the caller ranks the page."""
        groups = {}
        for f in FACETS:
            groups.setdefault(tuple(name for name in filters if name != f), []).append(f)
        futures = []
        for others, facets in groups.items():
            parts = ([text] if text is not None else []) + [filters[name] for name in others]
            query = _must(*parts) if parts else Query.all_query()
            aggs = {f: {"terms": {"field": f, "size": AGG_SIZE, "segment_size": AGG_SIZE}} for f in facets}
            futures.append((facets, self._pool.submit(self._searcher.aggregate, query, aggs)))
        return futures

    def match(self, parsed, params, sort):
        try:
            return self._cache.get((params, sort), lambda: self._match(parsed, params, sort))
        except BaseException as exc:
            # A Rust panic arrives as pyo3's PanicException, a BaseException that would get past
            # every error handler of the web layer: make it an error of this index.
            if type(exc).__name__ != "PanicException":
                raise
            raise IndexError_(f"{self.version}: tantivy failed on {params.q[:40]!r}: {exc}") from None

    def _match(self, parsed, params, sort):
        s = self._searcher
        text = _text(parsed)
        filters = self._filters(params)
        # The counts do not depend on the page or the order: the next page (an export, a reader
        # paging on) takes them from the cache.
        counts_key = ("counts", replace(params, page=1, per_page=1, sort="relevance"))
        counts = self._cache.get(counts_key)
        pending = self._counts(text, filters) if counts is None else ()
        parts = ([text] if text is not None else []) + list(filters.values())
        match = _must(*parts) if parts else Query.all_query()
        start, end = (params.page - 1) * params.per_page, params.page * params.per_page
        key_only = all(map(_key_only, parsed.positive))
        if sort == "relevance":
            query, tier = _ranked(parsed, match, list(filters.values()))
            total, page = self._ranked_page(query, start, end)
            # The score says the group: no need to look at the texts.
            hits = tuple((self._stored(a), key_only or score >= tier) for score, a in page)
        else:
            if sort == "date_desc":
                total, addresses = self._newest_first(match, start, params.per_page)
            else:
                field = "datekey" if sort == "date" else "order"
                result = s.search(match, params.per_page, True, field, start, Order.Asc)
                total, addresses = result.count, [a for _, a in result.hits]
            hits = tuple((r, key_only or _exact(parsed, r)) for r in map(self._stored, addresses))
        if counts is None:
            found = {}
            for facets, future in pending:
                result = future.result()
                for f in facets:
                    found[f] = {b["key"]: b["doc_count"] for b in result[f]["buckets"]}
            counts = self._cache.get(counts_key, lambda: {f: found[f] for f in FACETS})
        return Matches(total, hits, counts)

    def _newest_first(self, match, start, per_page):
        """(total, addresses of hits start:start + per_page), newest first, a date's hits in document
        order, undated last. tantivy sorts by one field in one direction, and datekey descending
        would reverse each date's hits: the dates' counts come from an aggregation, then each date
        the page reaches is a search of its own in document order (one or two per page)."""
        s = self._searcher
        agg = {"d": {"terms": {"field": "dateint", "size": AGG_SIZE, "segment_size": AGG_SIZE}}}
        buckets = s.aggregate(match, agg)["d"]["buckets"]
        dates = sorted(((int(b["key"]), b["doc_count"]) for b in buckets), key=lambda dc: (dc[0] == 0, -dc[0]))
        addresses, skip = [], start
        for date, n in dates:
            want = per_page - len(addresses)
            if want <= 0:
                break
            if skip >= n:
                skip -= n
                continue
            on_date = _must(match, Query.range_query(SCHEMA, "dateint", FieldType.Integer, date, date))
            result = s.search(on_date, min(want, n - skip), False, "order", skip, Order.Asc)
            addresses += [a for _, a in result.hits]
            skip = 0
        return sum(n for _, n in dates), addresses

    def count(self, parsed, params):
        parts = [q for q in (_text(parsed), *self._filters(params).values()) if q is not None]
        # (a limit of 0 panics in tantivy 0.27: one hit it is)
        return self._searcher.search(_must(*parts) if parts else Query.all_query(), 1, True).count

    def _ranked_page(self, query, start, end):
        """(total, (score, address) of hits start:end) by score, ties in document order.

        tantivy breaks ties by its own doc address; fetch until the group tied with the page's last
        hit is complete, then order by (score, order)."""
        s = self._searcher
        # Copies of a text score alike: fetch well past the page so that one search usually holds
        # the whole tied group.
        limit = end + 1024
        while True:
            result = s.search(query, limit, True)
            hits = result.hits
            if len(hits) < limit or len(hits) >= result.count or hits[-1][0] != hits[end - 1][0]:
                break
            limit = min(limit * 8, result.count)
        if start >= len(hits):
            return result.count, []
        last = hits[min(end, len(hits)) - 1][0]
        hits = [h for h in hits if h[0] >= last]  # the page and everything tied with its last hit
        orders = s.fast_field_values("order", [a for _, a in hits])
        ranked = sorted(zip(hits, orders), key=lambda h: (-h[0][0], h[1]))
        return result.count, [hit for hit, _ in ranked[start:end]]

    def _stored(self, address):
        return json.loads(self._searcher.doc(address)["data"][0])

    def outside(self, parsed, params, record_ids):
        ids = list(dict.fromkeys(record_ids))
        if not ids:
            return ()
        parts = [(Occur.Must, Query.term_set_query(SCHEMA, "id", ids))]
        parts += [(Occur.Must, q) for q in self._filters(params).values()]
        if parsed.clauses:
            parts.append((Occur.MustNot, _must(*(_any(map(_term, clause)) for clause in parsed.clauses))))
        parts += [(Occur.MustNot, _contains(t.key)) for t in parsed.excluded]
        found = [self._stored(a) for _, a in self._searcher.search(Query.boolean_query(parts), len(ids), False).hits]
        rank = {rid: i for i, rid in enumerate(ids)}
        return tuple(sorted(found, key=lambda r: rank[r["id"]]))

    # --- look-ups ---

    def _first(self, field, value):
        result = self._searcher.search(Query.term_query(SCHEMA, field, value), 1, False)
        return self._searcher.doc(result.hits[0][1]) if result.hits else None

    def lookup(self, record_id):
        doc = self._first("id", record_id)
        if doc is None:
            return None
        _, cls, seq = doc["pos"][0].rsplit(":", 2)
        return json.loads(doc["data"][0]), cls, int(seq)

    def at(self, chapter, cls, seq):
        doc = self._first("pos", f"{chapter}:{cls}:{seq}")
        return json.loads(doc["data"][0]) if doc is not None else None

    def _of(self, facet, value, kinds):
        query = Query.term_query(SCHEMA, facet, value)
        if kinds:
            query = _must(query, Query.term_set_query(SCHEMA, "kind", list(kinds)))
        return query

    def records_of(self, facet, value, page, per_page, kinds=None):
        query, start = self._of(facet, value, kinds), (page - 1) * per_page
        if start >= DEEP:
            # tantivy keeps offset + limit hits in memory: past the end, say so without collecting.
            total = self._searcher.search(query, 1, True).count
            if start >= total:
                return total, []
        result = self._searcher.search(query, per_page, True, "order", start, Order.Asc)
        return result.count, [self._stored(a) for _, a in result.hits]

    def count_of(self, facet, value):
        return self._searcher.search(self._of(facet, value, None), 1, True).count
