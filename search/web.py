"""The blueprint: routes only. Each page's context dict is rendered as HTML and served as JSON."""
import logging
import os
import threading
import weakref

from flask import (Blueprint, Response, current_app, g, jsonify, render_template, request,
                   url_for)
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException, NotFound

from . import pages
from .errors import QueryError, RepertoireError

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
EXAMPLES = ("区域组织", "非洲联盟", "S/PV.5007", "5649", "维持和平", "\"稳定进程\"")
EXPORT_PAGE = 100  # hits per query-layer page while exporting every page


def init_app(app):
    """Per-process state: the open index and the lock that guards reopening it."""
    app.extensions["repertoire"] = state = {"lock": threading.Lock(), "ix": None, "generation": None, "pool": []}
    weakref.finalize(app, _close_pool, state["pool"])
    app.teardown_appcontext(_close_searcher)


# --- the index: opened once per process, reopened after an atomic swap; a searcher per request ---

def _generation(index_dir):
    from . import indexer

    current = getattr(indexer, "current_generation", None)
    if current is not None:
        return current(index_dir)
    real = os.path.realpath(index_dir)
    stat = os.stat(real)
    return (real, stat.st_ino, stat.st_mtime_ns)


def get_index():
    """The process's index, reopened when a rebuild has swapped a new one in."""
    from . import indexer

    state = current_app.extensions["repertoire"]
    index_dir = current_app.config["INDEX_DIR"]
    try:
        generation = _generation(index_dir)
    except OSError as exc:
        raise RepertoireError(f"索引不存在：{index_dir}（请先运行 python -m search build）") from exc
    with state["lock"]:
        if state["ix"] is None or state["generation"] != generation:
            _close_pool(state["pool"])
            state["ix"] = indexer.open_index(index_dir)
            state["generation"] = generation
        return state["ix"]


# Opening a searcher reads every segment's term and column tables, so searchers are pooled and
# reused across requests (one request uses one at a time) until a rebuild swaps the index.
POOL_SIZE = 8


def _close_pool(pool):
    while pool:
        pool.pop()[1].close()


def get_searcher():
    """This request's searcher, taken from the process's pool and given back on teardown."""
    if "searcher" not in g:
        ix = get_index()
        state = current_app.extensions["repertoire"]
        with state["lock"]:
            pooled = state["pool"].pop() if state["pool"] else None
        if pooled is not None and pooled[0] is not ix:
            pooled[1].close()
            pooled = None
        g.searcher_ix, g.searcher = pooled or (ix, ix.searcher())
    return g.searcher


def _close_searcher(exc=None):
    searcher, ix = g.pop("searcher", None), g.pop("searcher_ix", None)
    if searcher is None:
        return
    state = current_app.extensions["repertoire"]
    with state["lock"]:
        if ix is state["ix"] and len(state["pool"]) < POOL_SIZE:
            state["pool"].append((ix, searcher))
            return
    searcher.close()


# --- responses ---

def _wants_json():
    return request.path.startswith("/api/") or request.path.endswith(".json") or request.args.get("format") == "json"


def _respond(template, ctx, json_url=None):
    if _wants_json():
        return jsonify(ctx)
    return render_template(template, json_url=json_url, **ctx)


def _link(endpoint, **values):
    return url_for(endpoint, **values)


@bp.after_app_request
def _security_headers(response):
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


@bp.app_context_processor
def _site():
    return {"site_name": "安理会惯例汇辑检索", "q": request.args.get("q", "") if request else ""}


# --- errors: one handler, error.html for pages and {"error", "status"} for the API ---

def _error(status, message):
    if _wants_json():
        response = jsonify({"error": message, "status": status})
    else:
        response = Response(render_template("error.html", status=status, message=message), mimetype="text/html")
    response.status_code = status
    return response


@bp.app_errorhandler(QueryError)
def _query_error(exc):
    if _wants_json():
        return _error(400, str(exc))
    return _error(400, f"请求参数有误：{exc}")


@bp.app_errorhandler(HTTPException)
def _http_error(exc):
    messages = {404: "找不到该页面或记录。", 405: "不支持该请求方法。", 400: "请求参数有误。"}
    message = messages.get(exc.code) or exc.description or exc.name
    if exc.code == 404 and exc.description and exc.description != NotFound.description:
        message = exc.description
    return _error(exc.code or 500, message)


@bp.app_errorhandler(RepertoireError)
def _domain_error(exc):
    log.error("index unavailable: %s", exc)
    return _error(503, str(exc))


@bp.app_errorhandler(Exception)
def _unexpected(exc):
    log.exception("unexpected error on %s", request.path)
    return _error(500, "服务器内部错误，请稍后再试。")


def _not_found(message):
    return NotFound(description=message)


# --- pages ---

@bp.route("/")
def home():
    """The search box, what the corpus is, example queries and ways in by meeting and country."""
    from . import query

    searcher = get_searcher()
    result = query.run_search(searcher, query.SearchParams.from_mapping(MultiDict({"per_page": "1"})))
    ctx = pages.search_context(result.to_dict(), url_for("web.search"), [], _link, {})
    ctx["examples"] = [{"q": e, "url": url_for("web.search", q=e)} for e in EXAMPLES]
    ctx["meetings"] = _meetings(searcher, ctx["facets"].get("meeting", []))
    return _respond("index.html", ctx, json_url=url_for("web.api_search"))


def _meetings(searcher, facet):
    """The meetings of the corpus with their dates and decisions, for the home page's list."""
    from . import query

    out = []
    for item in sorted(facet, key=lambda i: int(i["value"])):
        number = int(item["value"])
        records = query.records_for_meeting(searcher, number)
        first = records[0] if records else {}
        decision = next((r.get("decision") for r in records if r.get("decision")), None)
        out.append({"number": number, "date": first.get("date"), "decision": decision, "count": item["count"],
                    "url": url_for("web.meeting", number=number)})
    return out


def _search_context():
    from . import query

    args = MultiDict(request.args)
    if not args.get("per_page"):
        args["per_page"] = str(current_app.config["PAGE_SIZE"])
    params = query.SearchParams.from_mapping(args)
    result = query.run_search(get_searcher(), params).to_dict()
    ctx = pages.search_context(result, url_for("web.search"), request.args, _link,
                               {"csv": url_for("web.export_csv"), "json": url_for("web.export_json")})
    ctx["direct_links"] = pages.direct_links(result.get("query") or request.args.get("q", ""), _link,
                                             _meeting_exists, _symbol_exists)
    return ctx


def _meeting_exists(number):
    from . import query

    return bool(query.records_for_meeting(get_searcher(), number))


def _symbol_exists(symbol):
    from . import query

    return bool(query.records_citing(get_searcher(), symbol))


@bp.route("/search")
def search():
    """Results with facets, chips, sort, pagination and export links; all state in the URL."""
    if request.args.get("format") in ("csv", "json"):
        return export_csv() if request.args["format"] == "csv" else export_json()
    ctx = _search_context()
    json_url = pages.urls.path_with_query(url_for("web.api_search"), pages.urls.pairs_of(request.args))
    return _respond("search.html", ctx, json_url=json_url)


@bp.route("/api/search")
def api_search():
    """The JSON of /search."""
    return jsonify(_search_context())


def _all_hits():
    from . import query

    args = MultiDict(request.args)
    args.pop("format", None)
    args.setlist("per_page", [str(EXPORT_PAGE)])
    page, hits = 1, []
    while True:
        args.setlist("page", [str(page)])
        result = query.run_search(get_searcher(), query.SearchParams.from_mapping(args)).to_dict()
        hits.extend(result["hits"])
        # The query layer serves results up to MAX_RESULT_DEPTH; an export stops there too.
        limit = min(result["total"], getattr(query, "MAX_RESULT_DEPTH", result["total"]))
        if not result["hits"] or len(hits) >= limit:
            return result, hits
        page += 1


@bp.route("/search.csv")
def export_csv():
    """Every page of the result as CSV (UTF-8 with BOM), citations resolved."""
    _, hits = _all_hits()
    body = pages.export_csv(hits, request.host_url)
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": "attachment; filename=repertoire-search.csv"})


@bp.route("/search.json")
def export_json():
    """Every page of the result as JSON, citations resolved."""
    result, hits = _all_hits()
    body = {k: result.get(k) for k in ("total", "query", "segmented", "notices")}
    body["hits"] = [pages.decorate_record(h, _link) for h in hits]
    response = jsonify(body)
    response.headers["Content-Disposition"] = "attachment; filename=repertoire-search.json"
    return response


def _record_context(record_id):
    from . import query

    record = query.get_record(get_searcher(), record_id)
    if not record:
        raise _not_found(f"没有编号为“{record_id}”的段落或脚注。")
    record = record.to_dict() if hasattr(record, "to_dict") else dict(record)
    for key in ("prev", "next"):
        record[key] = _neighbour(record, key)
    if record.get("kind") == "footnote":
        # The citing paragraphs with their text, so the page can show what cites the footnote.
        citing = (query.get_record(get_searcher(), pid) for pid in record.get("cited_by") or ())
        record["cited_by"] = [p for p in citing if p]
    return {"record": pages.decorate_record(record, _link), "permalink": request.host_url.rstrip("/")
            + url_for("web.record", id=record_id)}


def _neighbour(record, key, limit=200):
    """The previous or next record of the same sort: paragraph to paragraph, footnote to footnote
    (in document order the footnotes sit between the paragraphs that cite them)."""
    from . import query

    is_note = record.get("kind") == "footnote"
    step = record.get(key)
    for _ in range(limit):
        if not step:
            return None
        if (step.get("kind") == "footnote") == is_note:
            return step
        other = query.get_record(get_searcher(), step["id"])
        step = other.get(key) if other else None
    return None


@bp.route("/p/<id>")
def record(id):
    """A paragraph's or footnote's permalink: full text, resolved footnotes, its place, prev/next."""
    return _respond("record.html", _record_context(id), json_url=url_for("web.api_record", id=id))


@bp.route("/api/p/<id>")
def api_record(id):
    """One record as JSON."""
    return jsonify(_record_context(id)["record"])


def _document_context(symbol):
    from . import query

    records = [pages.decorate_record(r, _link) for r in query.records_citing(get_searcher(), symbol)]
    if not records:
        raise _not_found(f"语料中没有引用文件“{symbol}”的段落。")
    from .citations import document_url

    return {"symbol": symbol, "url": document_url(symbol, "zh"), "url_en": document_url(symbol, "en"),
            "groups": pages.doc_groups(symbol, records), "total": len(records)}


@bp.route("/doc/<path:symbol>")
def document(symbol):
    """Every paragraph that cites a UN document, grouped by page and speaker."""
    return _respond("doc.html", _document_context(symbol), json_url=url_for("web.api_document", symbol=symbol))


@bp.route("/api/doc/<path:symbol>")
def api_document(symbol):
    """The JSON of /doc/<symbol>."""
    return jsonify(_document_context(symbol))


def _meeting_context(number):
    from . import query

    records = [pages.decorate_record(r, _link) for r in query.records_for_meeting(get_searcher(), number)
               if r.get("kind") != "footnote"]
    if not records:
        raise _not_found(f"语料中没有第 {number} 次会议。")
    decisions = [r for r in records if r.get("kind") == "decision"]
    return {"number": number, "date": records[0].get("date"),
            "decision": next((r.get("decision") for r in records if r.get("decision")), None),
            "decisions": decisions, "records": records,
            "search_url": url_for("web.search", meeting=number)}


@bp.route("/meeting/<int:number>")
def meeting(number):
    """A meeting: its date and decision, and all its paragraphs in order."""
    return _respond("meeting.html", _meeting_context(number),
                    json_url=url_for("web.api_meeting", number=number))


@bp.route("/api/meeting/<int:number>")
def api_meeting(number):
    """The JSON of /meeting/<number>."""
    return jsonify(_meeting_context(number))


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
    path = os.path.join(os.path.dirname(__file__), "data", "openapi.json")
    if not os.path.exists(path):
        raise _not_found("OpenAPI 描述尚未提供。")
    with open(path, encoding="utf-8") as f:
        return Response(f.read(), mimetype="application/json")
