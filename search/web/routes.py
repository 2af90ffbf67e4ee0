"""The blueprint: routes only. Each page's context dict is rendered as HTML and served as JSON."""
import logging
import os
import threading
from datetime import date

from flask import (Blueprint, Response, current_app, g, jsonify, redirect, render_template, request,
                   stream_with_context, url_for)
from werkzeug.exceptions import BadHost, HTTPException, NotFound, RequestURITooLarge

from ..config import DATA_DIR, MAX_QUERY, MAX_REQUEST_TARGET, MAX_SUGGEST_QUERY
from ..errors import QueryError, RepertoireError
from ..index.store import current_generation
from ..query.contents import find_part
from ..query.params import SearchParams, first_value
from ..query.searcher import open_searcher
from ..reference.citations import normalize_symbol
from ..reference.meeting_text import meeting_label
from ..reference.meetings import get_table
from ..reference.symbols import document_named
from . import api_docs, browse, pages, sources, urls
from .export import content_disposition, export_csv_rows, export_filename, export_hits, export_language
from .records import decorate_record, link_repertoire_refs

bp = Blueprint("web", __name__)
log = logging.getLogger(__name__)

# default-src 'self' covers scripts and styles: no inline <script> or style="" anywhere.
CSP = ("default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


class _Open:
    """An open index generation and how many requests are using it."""

    def __init__(self, searcher):
        self.searcher, self.users, self.retired = searcher, 0, False


def init_app(app):
    """Per-process state: the open index and the lock that guards reopening it; the templates' helpers."""
    app.extensions["repertoire"] = {"lock": threading.Lock(), "open": None, "links": {}}
    app.jinja_env.filters["meeting_label"] = meeting_label
    app.teardown_appcontext(_release_searcher)


def get_searcher():
    """The open index (a search.query.searcher.Searcher) this request uses from its first call to its
    end: the current generation, opened anew when a build has swapped another one in.

    Each generation counts the requests using it; one that a newer generation has replaced closes
    its files when its last request ends, so that a long-running server never piles up the
    descriptors of old versions (deleted files stay open for as long as someone holds them)."""
    held = g.get("repertoire_open")
    if held is not None:
        return held.searcher
    state = current_app.extensions["repertoire"]
    index_dir = current_app.config["INDEX_DIR"]
    generation = current_generation(index_dir)
    if generation is None:
        raise RepertoireError(f"索引不存在：{index_dir}（请先运行 python -m search build）")
    with state["lock"]:
        current = state["open"]
        if current is None or current.searcher.generation != generation:
            fresh = _Open(open_searcher(index_dir))
            if current is not None:
                current.retired = True
                if current.users == 0:
                    current.searcher.close()
            state["open"] = current = fresh
        current.users += 1
    g.repertoire_open = current
    return current.searcher


def _release_searcher(exc=None):
    """At the end of a request (or app context): let go of its generation; close a replaced one
    that nobody uses any more."""
    held = g.pop("repertoire_open", None)
    if held is None:
        return
    with current_app.extensions["repertoire"]["lock"]:
        held.users -= 1
        if held.retired and held.users == 0:
            held.searcher.close()


def warm_up(app):
    """Before the first request: open the index, load jieba, the meetings table and the suggestion
    index, and go once through the search and home routes (Flask, the templates, the JSON provider),
    so that the first user does not pay for any of it."""
    with app.app_context():
        get_searcher().warm_up()
    client = app.test_client()
    for path in ("/api/search?q=%E5%AE%89%E5%85%A8%E7%90%86%E4%BA%8B%E4%BC%9A+%E5%90%88%E4%BD%9C",
                 "/search?q=%E5%92%8C%E5%B9%B3&country=FRA", "/", "/api/suggest?q=an"):
        response = client.get(path)
        if response.status_code != 200:
            log.warning("warm-up: %s answered %s", path, response.status_code)


# --- responses ---

def _wants_json():
    return request.path.startswith("/api/") or request.path.endswith(".json") or request.args.get("format") == "json"


def _respond(template, ctx, json_url=None):
    if _wants_json():
        return jsonify(ctx)
    return render_template(template, json_url=json_url, **ctx)


def _pairs():
    return urls.pairs_of(request.args)


LINKS_KEPT = 50_000


def _link_function():
    """url_for for this request, remembered per app and script root: a page of hits links the same
    documents and meetings many times over, and the URL map never changes while the app runs."""
    roots = current_app.extensions["repertoire"]["links"]
    links = roots.get(request.script_root)
    if links is None:
        links = roots.setdefault(request.script_root, {})

    def link(endpoint, **values):
        key = (endpoint, *values.items())
        try:
            url = links.get(key)
        except TypeError:  # a value that cannot be a key (a list)
            return url_for(endpoint, **values)
        if url is None:
            if len(links) >= LINKS_KEPT:
                links.clear()
            url = links[key] = url_for(endpoint, **values)
        return url

    return link


@bp.after_app_request
def _security_headers(response):
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


@bp.app_context_processor
def _site():
    # The header's box shows what was searched: the first non-blank q, as SearchParams reads it.
    q = first_value(request.args.getlist("q")) if request else None
    return {"site_name": "安理会惯例汇辑检索", "q": q or "", "max_query": MAX_QUERY}


# --- errors: one handler, error.html for pages and {"error", "status", "code"} for the API ---

# The API's machine-readable error codes (search/data/openapi.json lists them).
ERROR_CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 414: "uri_too_long",
               500: "internal_error", 503: "index_unavailable"}


def _error(status, message, code=None, param=None, headers=()):
    body = {"error": message, "status": status, "code": code or ERROR_CODES.get(status, "error")}
    if param:
        body["param"] = param
    if _wants_json():
        response = jsonify(body)
    elif isinstance(request.routing_exception, BadHost):
        # No URL can be built for a host that is not one: a plain page, no template.
        response = Response(f"{status} {message}\n", mimetype="text/plain")
    else:
        response = Response(render_template("error.html", status=status, message=message), mimetype="text/html")
    for name, value in headers:
        if name.lower() != "content-type":
            response.headers[name] = value
    response.status_code = status
    return response


@bp.before_app_request
def _refuse_long_targets():
    """Requests whose target (path and query) passes MAX_REQUEST_TARGET bytes get the app's own 414,
    below the server's limit, so that the API answers it in JSON as its description says."""
    environ = request.environ
    target = environ.get("RAW_URI") or environ.get("REQUEST_URI") or request.full_path
    if len(target.encode("latin-1", "replace")) > MAX_REQUEST_TARGET:
        raise RequestURITooLarge()


@bp.app_errorhandler(QueryError)
def _query_error(exc):
    return _error(400, str(exc) if _wants_json() else f"请求参数有误：{exc}", "bad_parameter", exc.param)


@bp.app_errorhandler(HTTPException)
def _http_error(exc):
    if isinstance(exc, BadHost):
        log.warning("400 bad Host header %r on %s", request.environ.get("HTTP_HOST", "")[:100], request.path[:100])
        return _error(400, "请求的 Host 无效。", "bad_host")
    messages = {404: "找不到该页面或记录。", 405: "不支持该请求方法。", 400: "请求参数有误。",
                414: f"请求地址过长（最多 {MAX_REQUEST_TARGET} 字节）。"}
    message = messages.get(exc.code) or exc.description or exc.name
    if exc.code == 404 and exc.description and exc.description != NotFound.description:
        message = exc.description
    return _error(exc.code or 500, message, headers=exc.get_headers())


@bp.app_errorhandler(RepertoireError)
def _domain_error(exc):
    log.error("index unavailable: %s", exc)
    return _error(503, str(exc))


@bp.app_errorhandler(Exception)
def _unexpected(exc):
    log.exception("unexpected error on %s", request.path)
    return _error(500, "服务器内部错误，请稍后再试。")

# --- pages ---

@bp.route("/")
def home():
    """The search box, what the corpus holds, example queries and ways in by meeting and country."""
    ctx = browse.home_context(get_searcher().stats, url_for)
    return _respond("index.html", ctx, json_url=url_for("web.api_home"))


@bp.route("/api/home")
def api_home():
    """The JSON of the home page."""
    return jsonify(browse.home_context(get_searcher().stats, url_for))


def _search_context():
    params = SearchParams.from_mapping(request.args, current_app.config["PAGE_SIZE"])
    searcher = get_searcher()
    result = searcher.search(params).to_dict()
    link = _link_function()
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
    return _respond("search.html", ctx, json_url=urls.path_with_query(url_for("web.api_search"), _pairs()))


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
    return _respond("record.html", _record_context(id), json_url=url_for("web.api_record", id=id))


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
    return _respond("doc.html", _document_context(symbol),
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
    return _respond("meeting.html", _meeting_context(number),
                    json_url=urls.path_with_query(url_for("web.api_meeting", number=number), _pairs()))


@bp.route("/api/meeting/<int:number>")
def api_meeting(number):
    """The JSON of /meeting/<number>."""
    return jsonify(_meeting_context(number))


@bp.route("/contents")
def contents():
    """The table of contents: every chapter, item and section in order, with their units."""
    return _respond("contents.html", browse.contents_context(get_searcher().stats, url_for),
                    json_url=url_for("web.api_contents"))


@bp.route("/api/contents")
def api_contents():
    """The JSON of /contents."""
    return jsonify(browse.contents_context(get_searcher().stats, url_for))


def _reading_context(chapter, item=None, section=None):
    searcher = get_searcher()
    part = find_part(searcher.stats["contents"], chapter, item, section)
    if part is None:
        where = "".join([f"项目 {item}" if item is not None else "", f" {section} 节" if section else ""])
        raise NotFound(description=f"目录中没有“{chapter}”{('的' + where) if where else ''}。")
    params = _page()
    if params.page > part.pages(params.per_page):  # past the end: its last page
        return redirect(urls.path_with_added_args(request.path, _pairs(), {"page": str(part.pages(params.per_page))}))
    records = searcher.read(part, params.page, params.per_page)
    return browse.reading_context(searcher.stats, part, records, params, request.path, _pairs(), url_for)


@bp.route("/read/<chapter>", defaults={"item": None, "section": None})
@bp.route("/read/<chapter>/<int:item>", defaults={"section": None})
@bp.route("/read/<chapter>/<int:item>/<section>")
def read(chapter, item, section):
    """A chapter, an item or a section read in order, a page at a time."""
    ctx = _reading_context(chapter, item, section)
    if not isinstance(ctx, dict):
        return ctx
    where = {k: v for k, v in (("chapter", chapter), ("item", item), ("section", section)) if v is not None}
    return _respond("reading.html", ctx, json_url=urls.path_with_query(url_for("web.api_read", **where), _pairs()))


@bp.route("/api/read/<chapter>", defaults={"item": None, "section": None})
@bp.route("/api/read/<chapter>/<int:item>", defaults={"section": None})
@bp.route("/api/read/<chapter>/<int:item>/<section>")
def api_read(chapter, item, section):
    """The JSON of /read/…"""
    ctx = _reading_context(chapter, item, section)
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
