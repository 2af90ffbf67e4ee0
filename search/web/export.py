"""Exports of a whole result: CSV rows with citations resolved, and every hit of a search a page at a time."""
import csv
from dataclasses import replace

from ..config import EXPORT_PAGE, MAX_RESULT_DEPTH


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


def export_csv_rows(hits, base_url):
    """CSV text, a row at a time, with a byte-order mark first so that Excel opens the Chinese as UTF-8."""
    writer = csv.DictWriter(_Line(), fieldnames=EXPORT_COLUMNS, lineterminator="\r\n")
    yield "\ufeff" + writer.writeheader()
    for hit in hits:
        yield writer.writerow(export_row(hit, base_url))
