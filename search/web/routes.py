"""The blueprint: routes only. Each page's context dict is rendered as HTML and served as JSON."""
import os
from datetime import date

from flask import (Blueprint, Response, current_app, jsonify, redirect, render_template, request,
                   stream_with_context, url_for)
from werkzeug.exceptions import NotFound

from ..config import DATA_DIR, MAX_SUGGEST_QUERY
from ..errors import QueryError
from ..query.contents import find_part
from ..query.params import SearchParams
from ..reference.citations import normalize_symbol
from ..reference.meeting_text import meeting_label
from ..reference.meetings import get_table
from ..reference.symbols import document_named
from . import api_docs, browse, pages, responses, sources, state, urls
from .state import get_searcher
from .export import content_disposition, export_csv_rows, export_filename, export_hits, export_language
from .records import decorate_record, link_repertoire_refs

bp = Blueprint("web", __name__)
responses.register(bp)


def _pairs():
    return urls.pairs_of(request.args)


# --- pages ---

@bp.route("/")
def home():
    """The search box, what the corpus holds, example queries and ways in by meeting and country."""
    ctx = browse.home_context(get_searcher().stats, url_for)
    return responses.respond("index.html", ctx, json_url=url_for("web.api_home"))


@bp.route("/api/home")
def api_home():
    """The JSON of the home page."""
    return jsonify(browse.home_context(get_searcher().stats, url_for))


def _search_context():
    params = SearchParams.from_mapping(request.args, current_app.config["PAGE_SIZE"])
    searcher = get_searcher()
    result = searcher.search(params).to_dict()
    link = state.link_function()
    ctx = pages.search_context(result, url_for("web.search"), _pairs(), link,
                               {"csv": url_for("web.export_csv"), "json": url_for("web.export_json")})
    ctx["direct_links"] = pages.direct_links(params.q, link, searcher.count_of)
    pages.expansion_counts(ctx["expansions"], result["total"], lambda f, v: searcher.count_filtered(params, f, v))
    alternatives = searcher.alternatives(params) if not result["total"] else []
    ctx["nearest"] = pages.alternatives_context(alternatives, ctx["chips"], url_for("web.search"), _pairs())
    return ctx


@bp.route("/search")
def search():
    """Results with facets, chips, sort, pagination and export links; all state in the URL."""
    if request.args.get("format") in ("csv", "json"):
        return export_csv() if request.args["format"] == "csv" else export_json()
    ctx = _search_context()
    # The page's own address, for its copy button (absolute, so not in the JSON: it names the host).
    ctx["permalink"] = request.host_url.rstrip("/") + urls.path_with_query(url_for("web.search"), _pairs())
    return responses.respond("search.html", ctx, json_url=urls.path_with_query(url_for("web.api_search"), _pairs()))


@bp.route("/api/search")
def api_search():
    """The JSON of /search."""
    return jsonify(_search_context())


def _export(ext):
    """(first result, every hit, the Content-Disposition) of the request's search, whatever its page
    and page size, in a file named after it and the day (区域组织-2026-12-06.csv)."""
    pairs = [(k, v) for k, v in _pairs() if k not in ("format", "page", "per_page", "lang")]
    params = SearchParams.from_mapping(urls.multi(pairs))
    first, hits = export_hits(get_searcher(), params)
    day = date.today().isoformat()
    return first, hits, content_disposition(export_filename(params, day, ext), f"repertoire-search-{day}.{ext}")


@bp.route("/search.csv")
def export_csv():
    """Every page of the result as CSV (UTF-8 with BOM, headers in the page's language), citations
    resolved, streamed."""
    lang = export_language(request.args.get("lang"))
    _, hits, disposition = _export("csv")
    body = stream_with_context(export_csv_rows(hits, request.host_url, lang))
    return Response(body, mimetype="text/csv", headers={"Content-Disposition": disposition})


@bp.route("/search.json")
def export_json():
    """Every page of the result as JSON, with the filters applied, citations resolved, streamed."""
    first, hits, disposition = _export("json")
    head = {k: v for k, v in first.to_dict().items()
            if k in ("total", "query", "segmented", "notices", "filters", "sort")}

    def body():
        dumps = current_app.json.dumps
        yield dumps(head)[:-1] + ', "hits": ['
        for n, hit in enumerate(hits):
            yield ("," if n else "") + dumps(decorate_record(hit, url_for))
        yield "]}"

    return Response(stream_with_context(body()), mimetype="application/json",
                    headers={"Content-Disposition": disposition})


def _record_context(record_id):
    searcher = get_searcher()
    record = searcher.record(record_id)
    if not record:
        raise NotFound(description=f"没有编号为“{record_id}”的段落或脚注。")
    if record.get("kind") == "footnote":
        # The citing paragraphs with their text, so the page can show what cites the footnote.
        record["cited_by"] = [p for p in map(searcher.record, record.get("cited_by") or ()) if p]
    decorated = link_repertoire_refs(decorate_record(record, url_for),
                                     searcher.stats.get("repertoire_chapters", {}), url_for)
    # On a reading page a footnote stands under the paragraph that first cites it.
    citer = (record.get("cited_by") or [None])[0] if record.get("kind") == "footnote" else None
    anchor = f"r-{citer['id']}-fn{record['number']}" if citer else f"r-{record_id}"
    decorated["crumbs"] = browse.breadcrumbs(searcher.stats, record["chapter"], record.get("position"),
                                             current_app.config["PAGE_SIZE"], url_for, anchor=anchor)
    decorated["similar"] = pages.similar_context(searcher.similar(record_id), url_for)
    return {"record": decorated, "permalink": request.host_url.rstrip("/") + url_for("web.record", id=record_id)}


@bp.route("/p/<id>")
def record(id):
    """A paragraph's or footnote's permalink: full text, resolved footnotes, its place, prev/next."""
    return responses.respond("record.html", _record_context(id), json_url=url_for("web.api_record", id=id))


@bp.route("/api/p/<id>")
def api_record(id):
    """One record as JSON."""
    return jsonify(_record_context(id)["record"])


def _page():
    return SearchParams.from_mapping(request.args, current_app.config["PAGE_SIZE"])


def _document_context(symbol):
    params = _page()
    symbol = normalize_symbol(symbol)  # S/RES/1631 (2005) and S/RES/1631(2005) are one document
    total, records = get_searcher().records_of("symbol", symbol, params.page, params.per_page)
    if not total and get_table().by_document(symbol) is None:
        raise NotFound(description=f"语料中没有引用文件“{symbol}”的段落，联合国会议表中也没有该文件。")
    return sources.document_context(symbol, records, total, params, request.path, _pairs(), url_for)


def _canonical_document(symbol, endpoint):
    """A redirect to the document's own address when `symbol` names it in another spelling the
    search reads (S/RES/1631 without its year, 第1631(2005)号决议), else None."""
    named = document_named(symbol)
    if named is None or not named.symbol or named.symbol == normalize_symbol(symbol):
        return None
    return redirect(urls.path_with_query(url_for(endpoint, symbol=named.symbol), _pairs()))


@bp.route("/doc/<path:symbol>")
def document(symbol):
    """Every paragraph that cites a UN document, grouped by page and speaker, a page at a time."""
    moved = _canonical_document(symbol, "web.document")
    if moved is not None:
        return moved
    return responses.respond("doc.html", _document_context(symbol),
                    json_url=urls.path_with_query(url_for("web.api_document", symbol=symbol), _pairs()))


@bp.route("/api/doc/<path:symbol>")
def api_document(symbol):
    """The JSON of /doc/<symbol>."""
    moved = _canonical_document(symbol, "web.api_document")
    if moved is not None:
        return moved
    return jsonify(_document_context(symbol))


def _meeting_context(number):
    params = _page()
    total, records = get_searcher().records_of("meeting", str(number), params.page, params.per_page,
                                                kinds=sources.MEETING_KINDS)
    meeting = get_table().get(number)
    if not total and meeting is None:
        raise NotFound(description=f"没有{meeting_label(number)}：联合国会议表和本汇辑所收章节中都没有。")
    return sources.meeting_context(number, meeting, records, total, params, request.path, _pairs(), url_for)


@bp.route("/meeting/<int:number>")
def meeting(number):
    """A meeting: its date and decision, and its paragraphs in order, a page at a time."""
    return responses.respond("meeting.html", _meeting_context(number),
                    json_url=urls.path_with_query(url_for("web.api_meeting", number=number), _pairs()))


@bp.route("/api/meeting/<int:number>")
def api_meeting(number):
    """The JSON of /meeting/<number>."""
    return jsonify(_meeting_context(number))


@bp.route("/contents")
def contents():
    """The table of contents: every chapter, item and section in order, with their units."""
    return responses.respond("contents.html", browse.contents_context(get_searcher().stats, url_for),
                    json_url=url_for("web.api_contents"))


@bp.route("/api/contents")
def api_contents():
    """The JSON of /contents."""
    return jsonify(browse.contents_context(get_searcher().stats, url_for))


def _reading_context(chapter, item=None, section=None, part=None):
    searcher = get_searcher()
    found = find_part(searcher.stats["contents"], chapter, item, section, part)
    if found is None:
        where = "".join([f"第 {part} 部分" if part is not None else "", f"项目 {item}" if item is not None else "",
                         f" {section} 节" if section else ""])
        raise NotFound(description=f"目录中没有“{chapter}”{('的' + where) if where else ''}。")
    params = _page()
    if params.page > found.pages(params.per_page):  # past the end: its last page
        return redirect(urls.path_with_added_args(request.path, _pairs(), {"page": str(found.pages(params.per_page))}))
    records = searcher.read(found, params.page, params.per_page)
    return browse.reading_context(searcher.stats, found, records, params, request.path, _pairs(), url_for)


@bp.route("/read/<chapter>", defaults={"item": None, "section": None, "part": None})
@bp.route("/read/<chapter>/part/<int:part>", defaults={"item": None, "section": None})
@bp.route("/read/<chapter>/<int:item>", defaults={"section": None, "part": None})
@bp.route("/read/<chapter>/<int:item>/<section>", defaults={"part": None})
def read(chapter, item, section, part):
    """A chapter, a part, an item or a section read in order, a page at a time."""
    ctx = _reading_context(chapter, item, section, part)
    if not isinstance(ctx, dict):
        return ctx
    where = {k: v for k, v in (("chapter", chapter), ("part", part), ("item", item), ("section", section))
             if v is not None}
    return responses.respond("reading.html", ctx, json_url=urls.path_with_query(url_for("web.api_read", **where), _pairs()))


@bp.route("/api/read/<chapter>", defaults={"item": None, "section": None, "part": None})
@bp.route("/api/read/<chapter>/part/<int:part>", defaults={"item": None, "section": None})
@bp.route("/api/read/<chapter>/<int:item>", defaults={"section": None, "part": None})
@bp.route("/api/read/<chapter>/<int:item>/<section>", defaults={"part": None})
def api_read(chapter, item, section, part):
    """The JSON of /read/…"""
    ctx = _reading_context(chapter, item, section, part)
    return jsonify(ctx) if isinstance(ctx, dict) else ctx


@bp.route("/api/suggest")
def api_suggest():
    """Completions of what is being typed: names, meetings, documents, Charter articles, phrases."""
    q = request.args.get("q", "")
    if len(q) > MAX_SUGGEST_QUERY:
        raise QueryError(f"q：补全只看前 {MAX_SUGGEST_QUERY} 个字符，而这里有 {len(q)} 个", "q")
    found = get_searcher().complete(q)
    return jsonify({"query": q, "suggestions": [pages.suggestion_to_dict(s, n, url_for) for s, n in found]})


@bp.route("/opensearch.xml")
def opensearch():
    """OpenSearch description, so browsers can add the site as a search engine."""
    body = render_template("opensearch.xml", search_url=url_for("web.search", _external=True),
                           icon_url=url_for("web.favicon", _external=True),
                           suggest_url=url_for("web.api_search", _external=True))
    return Response(body, mimetype="application/opensearchdescription+xml")


@bp.route("/favicon.ico")
def favicon():
    """The favicon browsers ask for at the root."""
    with open(os.path.join(current_app.static_folder, "favicon.ico"), "rb") as f:
        icon = f.read()
    response = Response(icon, mimetype="image/x-icon")
    response.cache_control.max_age = 86400
    return response


@bp.route("/api/openapi.json")
def openapi():
    """The OpenAPI description of the JSON API (search/data/openapi.json)."""
    return Response((DATA_DIR / "openapi.json").read_text(encoding="utf-8"), mimetype="application/json")


@bp.route("/api/docs")
def docs():
    """The OpenAPI description as a page to read: every operation, its parameters, answers and shapes."""
    return render_template("api_docs.html", json_url=url_for("web.openapi"),
                           **api_docs.docs_context(api_docs.load_description()))
