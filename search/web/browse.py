"""The pages that show what is indexed and read it as a book: the home page, the table of contents,
a chapter, part, item or section read in order, and where a record stands in it (its breadcrumbs).

Everything here comes from the index's build-time statistics (search.index.stats), so these pages
cost the same at any size; a reading page looks up its page of records one by one. Nothing here
imports Flask: links come from a `link(endpoint, **values)` callable (``url_for`` in the app).
"""
from ..query.contents import chapter_title, contents_parts, neighbours, place_of
from ..query.facets import facet_label
from . import urls
from .records import decorate_record

EXAMPLES = ("区域组织", "非洲联盟", "S/PV.5007", "5649", "维持和平", "\"稳定进程\"")
DOCUMENTS_SHOWN = 12  # the documents cited most, on the home page


def _entity_links(name, values, link):
    out = []
    for code, count in values:
        label, label_en = facet_label(name, code)
        out.append({"value": code, "label": label, "label_en": label_en, "count": count,
                    "toggle_url": link("web.search", **{name: code})})
    return out


def home_context(stats, link):
    """The home page from the index's build-time statistics: what is indexed, each with its count and
    a link (chapters, items and sections, years, meetings, documents), and the ways in."""
    documents = sorted(stats["symbols"].items(), key=lambda sc: (-sc[1], sc[0]))
    contents = link("web.contents")
    return {
        "total": stats["units"],
        "chapters": stats["chapters"],
        "holdings": [
            {"label": "章节", "count": stats["chapters"], "url": contents},
            # Parts only where chapters have them: most chapters of the Repertoire do not.
            *([{"label": "部分", "count": stats["parts"], "url": contents}] if stats.get("parts") else []),
            {"label": "项目", "count": stats["items"], "url": contents},
            {"label": "节", "count": stats["sections"], "url": contents},
            {"label": "年份", "count": len(stats["years"]), "url": "#by-year"},
            {"label": "会议", "count": len(stats["meetings"]), "url": "#by-meeting"},
            {"label": "文件", "count": len(documents), "url": "#by-document"},
        ],
        "examples": [{"q": e, "url": link("web.search", q=e)} for e in EXAMPLES],
        "years": [{"year": year, "count": count, "url": link("web.search", year=year)}
                  for year, count in stats["years"]],
        "meetings": [{"number": m["number"], "date": m["date"], "decision": "、".join(m["decisions"]) or None,
                      "count": m["paragraphs"], "url": link("web.meeting", number=m["number"])}
                     for m in stats["meetings"]],
        "documents": [{"symbol": symbol, "count": count, "url": link("web.document", symbol=symbol)}
                      for symbol, count in documents[:DOCUMENTS_SHOWN]],
        "facets": {"country": _entity_links("country", stats["countries"], link),
                   "org": _entity_links("org", stats["orgs"], link)},
    }


def part_url(part, link, **values):
    """The reading page of a chapter, part, item or section (search.query.contents.Part)."""
    if part.level == "part":
        return link("web.read", chapter=part.chapter, part=part.part, **values)
    where = {k: v for k, v in (("item", part.item), ("section", part.section)) if v is not None}
    return link("web.read", chapter=part.chapter, **where, **values)


def _part_dict(part, link):
    return {"level": part.level, "chapter": part.chapter, "part": part.part, "item": part.item,
            "section": part.section, "label": part.label, "title": part.title, "units": part.units,
            "url": part_url(part, link)}


def contents_context(stats, link):
    """The table of contents: every chapter, part, item and section in order, with their units and reading pages."""
    return {"total": stats["units"], "parts": [_part_dict(p, link) for p in contents_parts(stats["contents"])]}


def breadcrumbs(stats, chapter, seq, per_page, link, anchor=None):
    """Where position `seq` of chapter `chapter` stands: the contents, then its chapter, part, item
    and section, each linked to the page of its reading that holds it (at `anchor`)."""
    crumbs = [{"label": "目录", "title": None, "url": link("web.contents")}]
    if seq is None:
        return crumbs
    for part in place_of(stats["contents"], chapter, seq):
        page = part.page_of(seq, per_page)
        url = part_url(part, link, **({"page": page} if page > 1 else {}))
        crumbs.append({"label": part.label, "title": part.title if part.level != "chapter" else None,
                       "url": url + (f"#{anchor}" if anchor else "")})
    return crumbs


def reading_context(stats, part, records, params, path, pairs, link):
    """A chapter, part, item or section read in order, a page at a time, with its place (the parts
    it is in) and the parts next to it (the previous and next of its level)."""
    prev_part, next_part = neighbours(stats["contents"], part)
    crumbs = breadcrumbs(stats, part.chapter, part.first, params.per_page, link)
    above = place_of(stats["contents"], part.chapter, part.first).index(part)  # the parts wider than this one
    total = part.last - part.first + 1
    return {
        "part": _part_dict(part, link),
        "chapter_title": chapter_title(next(c for c in stats["contents"] if c["key"] == part.chapter)),
        "crumbs": crumbs[:1 + above],
        "prev_part": _part_dict(prev_part, link) if prev_part else None,
        "next_part": _part_dict(next_part, link) if next_part else None,
        "records": [decorate_record(r, link) for r in records], "total": total,
        "page": params.page, "per_page": params.per_page,
        "pagination": urls.pagination(path, pairs, params.page, params.per_page, total),
    }
