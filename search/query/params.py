"""Search parameters: the vocabulary of facets, kinds and sorts, and SearchParams with its validation.

This is the one source of these names: the URL helpers, the page contexts, the engines and the
benchmark's peer all take them from here.
"""
import re
from dataclasses import dataclass
from datetime import date

from ..config import MAX_FACET_VALUES, MAX_FILTER_VALUES, MAX_PAGE, MAX_PER_PAGE, MAX_RESULT_DEPTH, PAGE_SIZE
from ..errors import QueryError
from ..engines import FACETS
from ..reference import gazetteer
from ..reference.charter import charter_label, parse_charter_query
from ..reference.glossary import drop_name

DEFAULT_PER_PAGE = PAGE_SIZE
FACET_TITLES = {"country": "国家", "org": "组织", "meeting": "会议", "year": "年份", "kind": "类型",
                "charter": "《宪章》条款"}
# The date range on the meeting date (URL names).
RANGE = ("from", "to")
# Filters whose values have a closed form (a number, a year, a kind): spaces are never part of one.
CLOSED_FILTERS = ("meeting", "year", "kind")
SORTS = {"relevance": "相关度", "date": "日期（从早到晚）", "date_desc": "日期（从晚到早）", "document": "文件顺序"}
KINDS = {"heading": ("标题", "heading"), "paragraph": ("段落", "paragraph"),
         "decision": ("决定", "decision"), "footnote": ("脚注", "footnote")}


@dataclass(frozen=True)
class SearchParams:
    """A validated search request (the URL's state)."""

    q: str = ""
    country: tuple[str, ...] = ()
    org: tuple[str, ...] = ()
    meeting: tuple[str, ...] = ()
    year: tuple[str, ...] = ()
    kind: tuple[str, ...] = ()
    charter: tuple[str, ...] = ()  # Charter articles and chapters, rules of procedure: "art53", "ch8", "rule37"
    date_from: str | None = None
    date_to: str | None = None
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    sort: str = "relevance"
    notices: tuple[str, ...] = ()  # what was read otherwise than given (filters over the cap, dates swapped)
    drop: tuple[str, ...] = ()  # former bodies not to search with their successors' names (非统组织)

    @classmethod
    def from_mapping(cls, mapping, default_per_page=DEFAULT_PER_PAGE):
        """Validate request parameters (a dict, a dict of lists or a MultiDict).

        :raises QueryError: naming the bad parameter, e.g. "per_page：应在 1 到 100 之间，而不是 0".
        """
        get = _getter(mapping)
        q = first_value(get("q")) or ""
        per_page = _int(get("per_page"), "per_page", default_per_page, 1, MAX_PER_PAGE)
        page = _int(get("page"), "page", 1, 1, MAX_PAGE)  # past the last page: the last (search.query.result)
        sort = _given(get("sort")) or "relevance"
        if sort not in SORTS:
            raise QueryError(f"sort：应为 {'、'.join(SORTS)} 之一，而不是 {str(sort)[:40]!r}", "sort")
        notices = []
        date_from = _date(_given(get("from")), "from")
        date_to = _date(_given(get("to")), "to")
        if date_from and date_to and date_from > date_to:
            notices.append(f"起始日期 {date_from} 晚于截止日期 {date_to}：已按 {date_to} 至 {date_from} 检索。")
            date_from, date_to = date_to, date_from
        room = [MAX_FILTER_VALUES]
        checks = {"country": _country_code, "org": _org_code, "meeting": meeting_number, "year": _year,
                  "kind": _kind, "charter": _charter}
        filters = {name: _values(get(name), name, check, room, notices) for name, check in checks.items()}
        drop = _values(get("drop"), "drop", _drop, [MAX_FACET_VALUES], notices)
        return cls(q=str(q), **filters, date_from=date_from, date_to=date_to, page=page, per_page=per_page,
                   sort=sort, notices=tuple(notices), drop=drop)

    def last_page(self, total):
        """The last page a result of `total` hits has at this page size (within MAX_RESULT_DEPTH)."""
        return max(1, -(-min(total, MAX_RESULT_DEPTH) // self.per_page))

    def filters(self):
        """The active facet filters as {facet: values}."""
        return {f: getattr(self, f) for f in FACETS if getattr(self, f)}

    def date_range(self):
        """(lowest, highest) meeting date as yyyymmdd integers, or None when no range is asked for."""
        if not (self.date_from or self.date_to):
            return None
        lo = int(self.date_from.replace("-", "")) if self.date_from else 1
        hi = int(self.date_to.replace("-", "")) if self.date_to else 99999999
        return lo, hi


def _getter(mapping):
    if mapping is None:
        return lambda key: []
    if hasattr(mapping, "getlist"):
        return mapping.getlist

    def get(key):
        value = mapping.get(key)
        if value is None:
            return []
        return list(value) if isinstance(value, (list, tuple)) else [value]
    return get


def first_value(values):
    """The first value that is not blank: `?q=&q=和平` searches 和平, here and in the page header."""
    for v in values:
        if v is not None and str(v).strip() != "":
            return v
    return None


def _given(values):
    """The first value that is not empty, as given: for a parameter with a closed form (a number,
    a date, one of a list), where an empty field means "not set" but spaces are not the value."""
    for v in values:
        if v is not None and str(v) != "":
            return v
    return None


def _int(values, name, default, low, high):
    value = _given(values)
    if value is None:
        return default
    text = str(value)
    # ASCII digits only: int() would also take "1_0", "٣" and full-width digits.
    if not re.fullmatch(r"-?[0-9]{1,12}", text):
        raise QueryError(f"{name}：应为整数，而不是 {text[:40]!r}", name)
    n = int(text)
    if n < low or (high is not None and n > high):
        bounds = f"在 {low} 到 {high} 之间" if high is not None else f"不小于 {low}"
        raise QueryError(f"{name}：应{bounds}，而不是 {n}", name)
    return n


def _date(value, name):
    if value is None:
        return None
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise QueryError(f"{name}：应为 YYYY-MM-DD 格式的日期，而不是 {str(value)[:40]!r}", name) from None


def _values(values, name, check, room, notices):
    """The distinct valid values of a filter, at most MAX_FACET_VALUES of it and `room[0]` left of
    MAX_FILTER_VALUES in all (each asked-for value costs a link on every facet value shown)."""
    out, dropped = [], 0
    closed = name in CLOSED_FILTERS
    for v in values:
        v = None if v is None else str(v)
        if not v or (not closed and not v.strip()):
            continue  # an empty field (for a filter of free text, a blank one too)
        if closed and v != v.strip():
            raise QueryError(f"{name}：值的前后不应有空白，而不是 {v[:40]!r}", name)
        v = check(v.strip())
        if v in out:
            continue
        if len(out) >= min(MAX_FACET_VALUES, room[0]):
            dropped += 1
            continue
        out.append(v)
    room[0] -= len(out)
    if dropped:
        notices.append(f"{name}：一次最多筛选 {MAX_FACET_VALUES} 个值（所有筛选合计 {MAX_FILTER_VALUES} 个），"
                       f"其余 {dropped} 个未采用。")
    return tuple(out)


def _country_code(value):
    entity = gazetteer.lookup_country(value)
    if entity is None:
        raise QueryError(f"country：未知国家 {value[:40]!r}（请用 ISO 代码如 FRA，或中文名称）", "country")
    return entity.code


def _org_code(value):
    entity = gazetteer.lookup_org(value)
    if entity is None:
        raise QueryError(f"org：未知组织 {value[:40]!r}（请用代码如 AU，或中文名称）", "org")
    return entity.code


def meeting_number(value):
    """A meeting number as a canonical string ("05007" -> "5007").

    :raises QueryError: not a meeting number.
    """
    value = str(value).strip()
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


def _drop(value):
    name = drop_name(value)
    if name is None:
        raise QueryError(f"drop：应为可去掉的前身组织名称（如 非统组织），而不是 {value[:40]!r}", "drop")
    return name


def _charter(value):
    code = value if charter_label(value) else parse_charter_query(value)
    if code is None:
        raise QueryError(f"charter：应为《宪章》条款（如 art53、ch8、rule37），而不是 {value[:40]!r}", "charter")
    return code


def canonical_filter(name, value):
    """The canonical value of a filter (countries and organisations as codes), to compare URL values."""
    value = str(value).strip()
    lookup = {"country": gazetteer.lookup_country, "org": gazetteer.lookup_org}.get(name)
    entity = lookup(value) if lookup else None
    return entity.code if entity else value
