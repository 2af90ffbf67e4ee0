"""SearchParams -> SearchResult: query parsing, matching, ranking, facets and snippets.

Query syntax (what users type in `q`):

- `安全理事会` finds every unit whose text contains the string (spaces in the text and the
  query are ignored, Traditional characters match Simplified ones, full-width = half-width,
  Latin is case-insensitive), and also units that contain all of its jieba words apart.
  Ranking: units containing the whole typed string, then units containing each term
  exactly, then units containing only the words; BM25 on the words within each group.
- `"维持和平行动"` (ASCII or full-width double quotes): exactly the units containing it.
- `区域组织 合作`: both must match; `-北约` or `NOT 北约` excludes units containing it;
  `非洲联盟 OR 非盟`: either. `-` before a digit (`3-4`, `-5`) is text.
- Nothing is an error: unbalanced quotes, lone operators, `*`/`?` (no wildcards), field
  syntax (`meeting:5007` is searched as text; use the filters), control characters become
  notices and the rest is searched. Queries longer than MAX_QUERY characters are cut there.
- An empty `q` lists every unit that passes the filters, in document order.
"""
import functools
import html
import re
import time
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from . import gazetteer
from .analysis import bigrams, normalize, segment, squash
from .errors import QueryError
from .indexer import index_data

MAX_QUERY = 500          # characters of q searched; the rest is cut with a notice
MAX_TERMS = 32           # search terms per query
MAX_PER_PAGE = 100
MAX_RESULT_DEPTH = 10000  # page * per_page may not go beyond this
SORTS = ("relevance", "date", "document")
KINDS = ("heading", "paragraph", "decision", "footnote")
FACETS = ("country", "org", "meeting", "year", "kind")
KIND_LABELS = {"heading": ("标题", "heading"), "paragraph": ("段落", "paragraph"),
               "decision": ("决定", "decision"), "footnote": ("脚注", "footnote")}
SNIPPET_CHARS = 160
TIER = 1e6  # score bonus per ranking group; BM25 stays far below it


# --- parameters -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchParams:
    """A validated search request (the URL's state)."""

    q: str = ""
    country: tuple[str, ...] = ()
    org: tuple[str, ...] = ()
    meeting: tuple[str, ...] = ()
    year: tuple[str, ...] = ()
    kind: tuple[str, ...] = ()
    date_from: str | None = None
    date_to: str | None = None
    page: int = 1
    per_page: int = 20
    sort: str = "relevance"

    @classmethod
    def from_mapping(cls, mapping):
        """Validate request parameters (a dict, a dict of lists or a MultiDict).

        :raises QueryError: naming the bad parameter, e.g. "per_page: must be between 1 and 100".
        """
        get = _getter(mapping)
        q = _first(get("q")) or ""
        if not isinstance(q, str):
            q = str(q)
        per_page = _int(get("per_page"), "per_page", 20, 1, MAX_PER_PAGE)
        page = _int(get("page"), "page", 1, 1, None)
        if page * per_page > MAX_RESULT_DEPTH:
            raise QueryError(f"page：最多可查看前 {MAX_RESULT_DEPTH} 条结果（每页 {per_page} 条时到第 "
                             f"{MAX_RESULT_DEPTH // per_page} 页）；请缩小检索范围",
                             "page")
        sort = _first(get("sort")) or "relevance"
        if sort not in SORTS:
            raise QueryError(f"sort：应为 {'、'.join(SORTS)} 之一，而不是 {sort!r}", "sort")
        date_from = _date(_first(get("from")), "from")
        date_to = _date(_first(get("to")), "to")
        if date_from and date_to and date_from > date_to:
            raise QueryError(f"from：起始日期 {date_from} 晚于截止日期 to（{date_to}）", "from")
        return cls(
            q=q,
            country=_values(get("country"), "country", _country_code),
            org=_values(get("org"), "org", _org_code),
            meeting=_values(get("meeting"), "meeting", _meeting),
            year=_values(get("year"), "year", _year),
            kind=_values(get("kind"), "kind", _kind),
            date_from=date_from, date_to=date_to, page=page, per_page=per_page, sort=sort,
        )

    def filters(self):
        """The active facet filters as {facet: values}."""
        return {f: getattr(self, f) for f in FACETS if getattr(self, f)}

    def to_pairs(self):
        """The parameters as (name, value) pairs, for building URLs."""
        pairs = [("q", self.q)] if self.q else []
        for f in FACETS:
            pairs += [(f, v) for v in getattr(self, f)]
        if self.date_from:
            pairs.append(("from", self.date_from))
        if self.date_to:
            pairs.append(("to", self.date_to))
        if self.sort != "relevance":
            pairs.append(("sort", self.sort))
        if self.per_page != 20:
            pairs.append(("per_page", str(self.per_page)))
        if self.page != 1:
            pairs.append(("page", str(self.page)))
        return pairs


def _getter(mapping):
    if mapping is None:
        return lambda key: []
    if hasattr(mapping, "getlist"):
        return lambda key: mapping.getlist(key)

    def get(key):
        value = mapping.get(key)
        if value is None:
            return []
        return list(value) if isinstance(value, (list, tuple)) else [value]
    return get


def _first(values):
    for v in values:
        if v is not None and str(v).strip() != "":
            return v
    return None


def _int(values, name, default, low, high):
    value = _first(values)
    if value is None:
        return default
    try:
        n = int(str(value).strip())
    except ValueError:
        raise QueryError(f"{name}：应为整数，而不是 {str(value)[:40]!r}", name) from None
    if n < low or (high is not None and n > high):
        bounds = f"在 {low} 到 {high} 之间" if high is not None else f"不小于 {low}"
        raise QueryError(f"{name}：应{bounds}，而不是 {n}", name)
    return n


def _date(value, name):
    if value is None:
        return None
    try:
        return date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        raise QueryError(f"{name}：应为 YYYY-MM-DD 格式的日期，而不是 {str(value)[:40]!r}", name) from None


def _values(values, name, check):
    out = []
    for v in values:
        if v is None or str(v).strip() == "":
            continue
        v = check(str(v).strip())
        if v not in out:
            out.append(v)
    return tuple(out)


def _country_code(value):
    entity = gazetteer.lookup_country(value)
    if entity is None:
        raise QueryError(f"country：未知国家 {value[:40]!r}（请用 ISO 代码如 FRA，或中文名称）",
                         "country")
    return entity.code


def _org_code(value):
    entity = gazetteer.lookup_org(value)
    if entity is None:
        raise QueryError(f"org：未知组织 {value[:40]!r}（请用代码如 AU，或中文名称）", "org")
    return entity.code


def _meeting(value):
    if not value.isascii() or not value.isdigit() or not 0 < int(value) < 100000:
        raise QueryError(f"meeting：应为会议编号（如 5007），而不是 {value[:40]!r}", "meeting")
    return str(int(value))


def _year(value):
    if not value.isascii() or not value.isdigit() or not 1945 <= int(value) <= 2100:
        raise QueryError(f"year：应为年份（如 2004），而不是 {value[:40]!r}", "year")
    return value


def _kind(value):
    if value not in KINDS:
        raise QueryError(f"kind：应为 {'、'.join(KINDS)} 之一，而不是 {value[:40]!r}", "kind")
    return value


# --- parsing what users type ----------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """One thing to find: a string (normalised, spaces removed) and how to match it."""

    text: str            # as typed
    key: str             # normalize + squash: what is matched
    exact: bool          # quoted: the string only, not its words apart
    words: tuple[str, ...]


@dataclass(frozen=True)
class ParsedQuery:
    clauses: tuple[tuple[Term, ...], ...]  # AND of ORs
    excluded: tuple[Term, ...]
    notices: tuple[str, ...]
    whole: Term | None  # the whole typed string, for the top ranking group of multi-word queries

    @property
    def positive(self):
        return [t for clause in self.clauses for t in clause]


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")
_FIELD = re.compile(r"^-?[A-Za-z_]+:\S")
_QUOTES = '"＂'


def _term(text, exact):
    key = squash(normalize(text))
    if not key:
        return None
    return Term(text, key, exact, tuple(dict.fromkeys(w for w in segment(text))))


def _split(raw, notices):
    """(text, quoted, negated) pieces of the raw query."""
    pieces, i, n = [], 0, len(raw)
    while i < n:
        c = raw[i]
        if c.isspace():
            i += 1
            continue
        negated = False
        start = i
        if c == "-" and i + 1 < n and (raw[i + 1] in _QUOTES or not (raw[i + 1].isspace() or raw[i + 1].isdigit()
                                                                      or raw[i + 1] == "-")):
            negated, i = True, i + 1
        if raw[i] in _QUOTES:
            end = next((j for j in range(i + 1, n) if raw[j] in _QUOTES), None)
            if end is None:
                notices.append("引号不成对，已按普通文字检索其后的内容。")
                i += 1
                continue
            pieces.append((raw[i + 1:end], True, negated))
            i = end + 1
            continue
        j = i
        while j < n and not raw[j].isspace() and raw[j] not in _QUOTES:
            j += 1
        word = raw[i:j]
        if word == "" and negated:
            word = raw[start:j]
            negated = False
        pieces.append((word, False, negated))
        i = j
    return pieces


@functools.lru_cache(maxsize=1024)
def parse_query(raw):
    """Parse what a user typed into clauses (AND of ORs) and exclusions, never raising."""
    notices = []
    cleaned = _CONTROL.sub(" ", raw)
    if cleaned != raw:
        notices.append("已删除查询中的控制字符。")
    if len(cleaned) > MAX_QUERY:
        notices.append(f"查询过长，只检索了前 {MAX_QUERY} 个字符。")
        cleaned = cleaned[:MAX_QUERY]
    if "*" in cleaned or "?" in cleaned:
        notices.append("不支持通配符：* 和 ? 按普通字符检索。")
    clauses, excluded = [], []
    pending_or = pending_not = False
    pieces = _split(cleaned, notices)
    for k, (text, quoted, negated) in enumerate(pieces):
        if not quoted and not negated and text in ("OR", "|"):
            if not clauses or k == len(pieces) - 1:
                notices.append("OR 两边都需要检索词，已忽略。")
            else:
                pending_or = True
            continue
        if not quoted and not negated and text in ("AND", "&&"):
            if not clauses or k == len(pieces) - 1:
                notices.append("AND 两边都需要检索词，已忽略。")
            continue
        if not quoted and not negated and text == "NOT":
            if k == len(pieces) - 1:
                notices.append("NOT 后面需要检索词，已忽略。")
            else:
                pending_not = True
            continue
        if not quoted and text == "-":
            notices.append("单独的“-”已忽略：排除请写成 -词语。")
            continue
        if not quoted and _FIELD.match(text):
            notices.append(f"不支持字段查询：“{text}”按普通文字检索；请用筛选条件（如会议、国家）。")
        term = _term(text, quoted)
        if term is None:
            continue
        if negated or pending_not:
            excluded.append(term)
            pending_not = pending_or = False
            continue
        if pending_or and clauses:
            clauses[-1] = clauses[-1] + (term,)
        else:
            clauses.append((term,))
        pending_or = False
    if sum(len(c) for c in clauses) + len(excluded) > MAX_TERMS:
        notices.append(f"检索词过多，只使用了前 {MAX_TERMS} 个。")
        clauses = clauses[:MAX_TERMS]
        excluded = excluded[: max(0, MAX_TERMS - len(clauses))]
    whole = None
    plain = [c[0] for c in clauses if len(c) == 1 and not c[0].exact]
    if len(clauses) > 1 and len(plain) == len(clauses):
        whole = _term(" ".join(t.text for t in plain), True)
    return ParsedQuery(tuple(clauses), tuple(excluded), tuple(dict.fromkeys(notices)), whole)


# --- matching and ranking ---------------------------------------------------------------------


def _exact_docs(searcher, data, term):
    return data.phrase_docs(searcher, "grams", bigrams(term.key))


def _word_docs(searcher, data, term):
    if not term.words:
        return np.zeros(0, np.int64)
    lists = sorted((data.term_docs(searcher, "words", w) for w in term.words), key=len)
    docs = lists[0]
    for other in lists[1:]:
        docs = np.intersect1d(docs, other, assume_unique=True)
    return docs


def _mask(n, docs):
    m = np.zeros(n, dtype=bool)
    m[docs] = True
    return m


def _text_match(searcher, data, parsed):
    """(matching mask, ranking tier per doc) of the parsed query over all documents."""
    n = data.n
    match = np.ones(n, dtype=bool)
    exact_all = np.ones(n, dtype=bool)
    for clause in parsed.clauses:
        any_match = np.zeros(n, dtype=bool)
        any_exact = np.zeros(n, dtype=bool)
        for term in clause:
            exact = _exact_docs(searcher, data, term)
            any_exact[exact] = True
            any_match[exact] = True
            if not term.exact:
                any_match[_word_docs(searcher, data, term)] = True
        match &= any_match
        exact_all &= any_exact
    for term in parsed.excluded:
        match[_exact_docs(searcher, data, term)] = False
    tier = exact_all.astype(np.float64)
    if parsed.whole is not None:
        tier[_exact_docs(searcher, data, parsed.whole)] += 1.0
    return match, tier


def _bm25(searcher, data, words, docs, k1=1.2, b=0.75):
    """BM25 of `words` (the words field) for the sorted docnums `docs`."""
    scores = np.zeros(len(docs), dtype=np.float64)
    if not len(docs):
        return scores
    n = max(data.n, 1)
    for w in dict.fromkeys(words):
        ids, tf = data.term_weights(searcher, "words", w)
        if not len(ids):
            continue
        idf = np.log(1 + (n - len(ids) + 0.5) / (len(ids) + 0.5))
        pos = np.searchsorted(ids, docs)
        pos[pos >= len(ids)] = 0
        present = ids[pos] == docs
        f = tf[pos[present]].astype(np.float64)
        dl = data.words_len[docs[present]]
        scores[present] += idf * f * (k1 + 1) / (f + k1 * (1 - b + b * dl / data.avg_words_len))
    return scores


def _filter_masks(data, params):
    masks = {}
    for f in FACETS:
        values = getattr(params, f)
        if values:
            facet = data.facets[f]
            m = np.zeros(data.n, dtype=bool)
            for v in values:
                m[facet.docs_of(v)] = True
            masks[f] = m
    if params.date_from or params.date_to:
        lo = int(params.date_from.replace("-", "")) if params.date_from else 1
        hi = int(params.date_to.replace("-", "")) if params.date_to else 99999999
        masks["date"] = (data.dateint >= lo) & (data.dateint <= hi)
    return masks


# --- facets -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    label_en: str | None
    count: int
    selected: bool

    def to_dict(self):
        return {"value": self.value, "label": self.label, "label_en": self.label_en,
                "count": self.count, "selected": self.selected}


@functools.lru_cache(maxsize=4096)
def facet_label(facet, value):
    """(Chinese label, English label) of a facet value."""
    if facet == "country":
        e = gazetteer.country(value)
        return (e.zh, e.en) if e else (value, value)
    if facet == "org":
        e = gazetteer.org(value)
        return (e.zh, e.en) if e else (value, value)
    if facet == "meeting":
        return f"第 {value} 次会议", f"{value}th meeting"
    if facet == "year":
        return f"{value} 年", value
    if facet == "kind":
        return KIND_LABELS.get(value, (value, value))
    return value, value


def _facets(data, text_mask, masks, params):
    out = {}
    for f in FACETS:
        base = text_mask.copy()
        for name, m in masks.items():
            if name != f:  # disjunctive: a facet's counts ignore its own selection
                base &= m
        facet = data.facets[f]
        counts = facet.counts(base)
        selected = set(getattr(params, f))
        values = []
        for i in np.nonzero(counts)[0].tolist():
            values.append((facet.values[i], int(counts[i])))
        present = {v for v, _ in values}
        values += [(v, 0) for v in selected if v not in present]
        values.sort(key=lambda vc: (-vc[1], _sort_key(f, vc[0])))
        out[f] = tuple(FacetValue(v, *facet_label(f, v), c, v in selected) for v, c in values)
    return out


def _sort_key(facet, value):
    return (int(value), "") if value.isdigit() else (0, value)


# --- snippets ---------------------------------------------------------------------------------


_SENTENCE_END = "。！？；!?;"


def match_spans(text, strings):
    """Non-overlapping (start, end) offsets in `text` of the normalised, space-free `strings`.

    Spaces inside a match are inside its span: `第5649次` marks all of `第 5649 次`.
    """
    norm = normalize(text)
    offsets = [i for i, c in enumerate(norm) if not c.isspace()]
    flat = "".join(norm[i] for i in offsets)
    spans = []
    for s in sorted(set(strings), key=len, reverse=True):
        if not s:
            continue
        start = flat.find(s)
        while start != -1:
            spans.append((offsets[start], offsets[start + len(s) - 1] + 1))
            start = flat.find(s, start + 1)
    return _merge_intervals(sorted(spans))


def _merge_intervals(intervals):
    """Sorted (start, end) pairs with overlapping or touching ones joined."""
    merged = []
    for s, e in intervals:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def _sentences(text):
    out, start = [], 0
    for i, c in enumerate(text):
        if c in _SENTENCE_END:
            out.append((start, i + 1))
            start = i + 1
    if start < len(text):
        out.append((start, len(text)))
    return out


def make_snippet(text, spans, limit=SNIPPET_CHARS):
    """HTML: the sentences (cut at 。！？；) holding the first matches, with <mark>…</mark>."""
    if not spans:
        cut = text[:limit]
        return html.escape(cut) + ("…" if len(text) > limit else "")
    pieces, used = [], 0
    for s0, s1 in _sentences(text):
        inside = [(s, e) for s, e in spans if s < s1 and e > s0]
        if not inside or used >= limit:
            continue
        # Grow the fragment to whole matches; shorten a long sentence around its first match.
        a, b = min(s0, inside[0][0]), max(s1, inside[-1][1])
        if b - a > limit:
            a = max(a, inside[0][0] - limit // 4)
            b = max(min(b, a + limit), inside[0][1])
        pieces.append((a, b))
        used += b - a
    merged = _merge_intervals(pieces)
    out = []
    for a, b in merged:
        frag = [] if a == 0 else ["…"]
        pos = a
        for s, e in spans:
            if e <= a or s >= b:
                continue
            s, e = max(s, a), min(e, b)
            frag.append(html.escape(text[pos:s]))
            frag.append("<mark>" + html.escape(text[s:e]) + "</mark>")
            pos = e
        frag.append(html.escape(text[pos:b]))
        if b < len(text):
            frag.append("…")
        out.append("".join(frag).strip())
    return " ".join(out)


def _highlight_strings(parsed, text):
    """The strings to mark in one hit: each term's whole string, else its words."""
    norm = squash(normalize(text))
    strings = []
    for term in parsed.positive:
        if term.key in norm:
            strings.append(term.key)
        elif not term.exact:
            strings.extend(w for w in term.words if w in norm)
    return strings


# --- results ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchResult:
    params: SearchParams
    total: int
    took_ms: float
    segmented: tuple[str, ...]
    terms: tuple[dict, ...]
    hits: tuple[dict, ...]
    facets: dict = field(default_factory=dict)
    notices: tuple[str, ...] = ()
    sort: str = "relevance"  # the order used: "document" when there is nothing to rank by

    def to_dict(self):
        """The JSON of GET /api/search (plus `terms` and `filters` for the HTML page)."""
        p = self.params
        return {
            "total": self.total,
            "page": p.page,
            "per_page": p.per_page,
            "took_ms": round(self.took_ms, 1),
            "query": p.q,
            "segmented": list(self.segmented),
            "terms": [dict(t) for t in self.terms],
            "hits": [dict(h) for h in self.hits],
            "facets": {f: [v.to_dict() for v in values] for f, values in self.facets.items()},
            "notices": list(self.notices),
            "sort": self.sort,
            "filters": {**{f: list(v) for f, v in p.filters().items()},
                        **({"from": p.date_from} if p.date_from else {}),
                        **({"to": p.date_to} if p.date_to else {})},
            "pages": max(1, -(-min(self.total, MAX_RESULT_DEPTH) // p.per_page)),
        }


def _describe(parsed):
    out = []
    for clause in parsed.clauses:
        for alt, term in enumerate(clause):
            out.append({"text": term.text, "words": list(term.words), "exact": term.exact,
                        "exclude": False, "or": alt > 0})
    for term in parsed.excluded:
        out.append({"text": term.text, "words": list(term.words), "exact": True, "exclude": True, "or": False})
    return tuple(out)


def _hit(searcher, docnum, parsed, tier):
    d = _stored(searcher, docnum)
    strings = _highlight_strings(parsed, d["text"]) if parsed.clauses else []
    d["snippet"] = make_snippet(d["text"], match_spans(d["text"], strings))
    d["exact"] = bool(tier >= 1) if parsed.clauses else None
    return d


def _stored(searcher, docnum):
    import json

    d = json.loads(searcher.stored_fields(int(docnum))["data"])
    d["url"] = f"/p/{d['id']}"
    return d


def run_search(searcher, params):
    """Search: the page of hits, the total, facet counts and notices for `params`.

    `searcher` is a Whoosh searcher (or an index, which is opened and closed here).
    """
    if hasattr(searcher, "searcher") and not hasattr(searcher, "stored_fields"):
        with searcher.searcher() as s:
            return run_search(s, params)
    started = time.perf_counter()
    data = index_data(searcher)
    parsed = parse_query(params.q)
    if parsed.clauses:
        text_mask, tier = _text_match(searcher, data, parsed)
    else:
        text_mask, tier = np.ones(data.n, dtype=bool), np.zeros(data.n)
        for term in parsed.excluded:
            text_mask[_exact_docs(searcher, data, term)] = False
    masks = _filter_masks(data, params)
    match = text_mask.copy()
    for m in masks.values():
        match &= m
    docs = np.nonzero(match)[0]
    total = len(docs)
    facets = _facets(data, text_mask, masks, params)
    terms = _describe(parsed)
    sort = params.sort if parsed.clauses or params.sort != "relevance" else "document"
    start = (params.page - 1) * params.per_page
    stop = min(start + params.per_page, total)
    if sort == "relevance":
        words = [w for t in parsed.positive for w in t.words]
        score = tier[docs] * TIER + _bm25(searcher, data, words, docs)
        keys = (data.rank[docs], -score)
    elif sort == "date":
        dates = data.dateint[docs]
        keys = (data.rank[docs], np.where(dates > 0, dates, 99999999))
    else:
        keys = (data.rank[docs],)
    page_docs = docs[np.lexsort(keys)[start:stop]] if start < total else docs[:0]
    hits = tuple(_hit(searcher, d, parsed, tier[d]) for d in page_docs)
    segmented = tuple(w for t in parsed.positive for w in t.words)
    return SearchResult(params, total, (time.perf_counter() - started) * 1000, segmented, terms, hits,
                        facets, parsed.notices, sort)


def warm_up(searcher):
    """Load jieba and the index's cached arrays now, so that the first request is not slow."""
    run_search(searcher, SearchParams(q="安全理事会 合作", per_page=1))


# --- records ------------------------------------------------------------------------------------


def _docnum(searcher, data, record_id):
    docs = data.term_docs(searcher, "id", record_id)
    return int(docs[0]) if len(docs) else None


def get_record(searcher, record_id):
    """One record's dict (as in hits, without snippet) with `prev`/`next` in document order, or None."""
    if not isinstance(record_id, str) or not record_id or len(record_id) > 200:
        return None
    data = index_data(searcher)
    docnum = _docnum(searcher, data, record_id)
    if docnum is None:
        return None
    d = _stored(searcher, docnum)
    rank = data.rank[docnum]
    for key, r in (("prev", rank - 1), ("next", rank + 1)):
        if 0 <= r < data.n:
            other = _stored(searcher, data.by_order[r])
            d[key] = {"id": other["id"], "kind": other["kind"], "url": other["url"]}
        else:
            d[key] = None
    return d


def _records_in_order(searcher, docs):
    data = index_data(searcher)
    docs = np.asarray(docs, dtype=np.int64)
    return [_stored(searcher, d) for d in docs[np.argsort(data.rank[docs], kind="stable")]]


def records_for_meeting(searcher, number):
    """Every record of meeting `number`, in document order ([] when there is none)."""
    data = index_data(searcher)
    return _records_in_order(searcher, data.facets["meeting"].docs_of(str(number)))


def records_citing(searcher, symbol):
    """Every record that cites document `symbol` (footnotes, and paragraphs through them), in document order."""
    data = index_data(searcher)
    if not isinstance(symbol, str):
        return []
    return _records_in_order(searcher, data.facets["symbol"].docs_of(symbol.strip()))


# --- terminal -----------------------------------------------------------------------------------


def format_result_text(result):
    """The result as plain text for `python -m search query`."""
    d = result.to_dict()
    lines = [f"{d['total']} 条结果（{d['took_ms']} ms）  分词：{' / '.join(d['segmented']) or '—'}"]
    lines += [f"注意：{n}" for n in d["notices"]]
    for i, hit in enumerate(d["hits"], (d["page"] - 1) * d["per_page"] + 1):
        where = " ".join(x for x in (f"第 {hit['meeting']} 次会议" if hit.get("meeting") else "",
                                       hit.get("date") or "", hit["kind"]) if x)
        snippet = html.unescape(hit["snippet"].replace("<mark>", "【").replace("</mark>", "】"))
        lines.append(f"\n[{i}] {hit['id']}  {where}\n    {snippet}")
    for f, values in d["facets"].items():
        if values:
            top = "，".join(f"{v['label']} {v['count']}" for v in values[:6])
            lines.append(f"\n{f}: {top}" + ("…" if len(values) > 6 else ""))
    return "\n".join(lines) + "\n"
