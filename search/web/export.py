"""Exports of a whole result: CSV rows with citations resolved, and every hit of a search a page at a
time, in files named after the search."""
import csv
import re
from dataclasses import replace
from urllib.parse import quote

from ..config import EXPORT_PAGE, MAX_RESULT_DEPTH
from ..errors import QueryError
from ..query.facets import facet_label


def export_hits(searcher, params):
    """(first result, iterator of every hit's dict): the search `params` (a SearchParams) a page of
    EXPORT_PAGE hits at a time, so memory stays flat however many there are."""
    params = replace(params, page=1, per_page=EXPORT_PAGE)
    first = searcher.search(params)

    def hits():
        result = first
        while True:
            yield from result.to_dict()["hits"]
            page = result.params.page
            if page * EXPORT_PAGE >= min(result.total, MAX_RESULT_DEPTH):
                return
            result = searcher.search(replace(params, page=page + 1))

    return first, hits()


EXPORT_COLUMNS = ("id", "kind", "item", "section", "section_title", "meeting", "date", "decision", "text",
                  "countries", "orgs", "footnotes", "citations", "url")
# The CSV's column headers in the page's language (`lang`: zh, the site's; en for scripts that want it).
EXPORT_HEADERS = {
    "zh": ("编号", "类型", "项目", "节", "节标题", "会议", "会议日期", "决定", "文本", "国家", "组织", "脚注", "引文", "链接"),
    "en": EXPORT_COLUMNS,
}
_NOT_IN_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
_NAME_LENGTH = 60


def export_language(value):
    """The language of an export's headers: `value` (the request's `lang`), else the site's.
    :raises QueryError: not one of EXPORT_HEADERS."""
    value = (value or "zh").strip()
    if value not in EXPORT_HEADERS:
        raise QueryError(f"lang：应为 {'、'.join(EXPORT_HEADERS)} 之一，而不是 {value[:40]!r}", "lang")
    return value


def export_filename(params, day, ext):
    """The export's file name: the query (else the filters), and the day, e.g. 区域组织-2026-12-06.csv.

    >>> from search.query.params import SearchParams
    >>> export_filename(SearchParams(q=" 区域组织 "), "2026-12-06", "csv")
    '区域组织-2026-12-06.csv'
    >>> export_filename(SearchParams(q="a/b: c", country=("FRA",)), "2026-12-06", "json")
    'a_b_ c-2026-12-06.json'
    >>> export_filename(SearchParams(country=("FRA",), year=("2005",)), "2026-12-06", "csv")
    '法国 2005 年-2026-12-06.csv'
    """
    name = params.q.strip() or " ".join(facet_label(f, v)[0] for f, values in params.filters().items()
                                        for v in values)
    name = " ".join(_NOT_IN_NAME.sub("_", name).split())[:_NAME_LENGTH].strip(" .") or "安理会惯例汇辑"
    return f"{name}-{day}.{ext}"


def content_disposition(filename, fallback):
    """An attachment header that keeps a Chinese file name (RFC 6266), and `fallback` (ASCII) for old clients.

    >>> print(content_disposition("法国-2026-12-06.csv", "repertoire-2026-12-06.csv"))
    attachment; filename="repertoire-2026-12-06.csv"; filename*=UTF-8''%E6%B3%95%E5%9B%BD-2026-12-06.csv
    """
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def export_row(hit, base_url):
    """One CSV row of a hit: lists joined with '；', citations resolved to their symbols and pages."""
    citations = list(hit.get("citations") or ())
    for fn in hit.get("footnotes") or ():
        citations.extend(fn.get("citations") or ())
    return {
        "id": hit.get("id"),
        "kind": hit.get("kind"),
        "item": hit.get("item"),
        "section": hit.get("section"),
        "section_title": hit.get("section_title"),
        "meeting": hit.get("meeting"),
        "date": hit.get("date"),
        "decision": hit.get("decision"),
        "text": hit.get("text"),
        "countries": "；".join(c.get("zh") or c.get("code") for c in hit.get("countries") or ()),
        "orgs": "；".join((o.get("zh") or o.get("code")) if isinstance(o, dict) else str(o)
                         for o in hit.get("orgs") or ()),
        "footnotes": "；".join(f"{fn.get('number')}. {fn.get('text')}" for fn in hit.get("footnotes") or ()),
        "citations": "；".join(_citation_text(c) for c in citations),
        "url": base_url.rstrip("/") + "/p/" + str(hit.get("id")),
    }


def _citation_text(c):
    parts = [c.get("symbol") or "?"]
    if c.get("pages"):
        parts.append("第 " + ", ".join(c["pages"]) + " 页")
    if c.get("speakers"):
        parts.append("(" + "、".join(c["speakers"]) + ")")
    if c.get("url"):
        parts.append(c["url"])
    return " ".join(parts)


class _Line:
    """A file-like object whose write() returns what was written, for csv.writer to stream through."""

    def write(self, text):
        return text


def export_csv_rows(hits, base_url, lang="zh"):
    """CSV text, a row at a time, with a byte-order mark first so that Excel opens the Chinese as UTF-8,
    and headers in `lang`."""
    writer = csv.DictWriter(_Line(), fieldnames=EXPORT_COLUMNS, lineterminator="\r\n")
    yield "\ufeff" + writer.writerow(dict(zip(EXPORT_COLUMNS, EXPORT_HEADERS[lang])))
    for hit in hits:
        yield writer.writerow(export_row(hit, base_url))
