"""How the web layer answers: security headers on every response, HTML or JSON by the path, one
error shape (error.html for pages, {"error", "status", "code"} for the API), the app's own 414."""
import logging

from flask import Response, jsonify, render_template, request
from werkzeug.exceptions import BadHost, HTTPException, NotFound, RequestURITooLarge

from ..config import MAX_QUERY, MAX_REQUEST_TARGET
from ..errors import QueryError, RepertoireError
from ..query.params import first_value

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


def wants_json():
    return request.path.startswith("/api/") or request.path.endswith(".json") or request.args.get("format") == "json"


def respond(template, ctx, json_url=None):
    if wants_json():
        return jsonify(ctx)
    return render_template(template, json_url=json_url, **ctx)


def security_headers(response):
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def site_context():
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
    if wants_json():
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


def refuse_long_targets():
    """Requests whose target (path and query) passes MAX_REQUEST_TARGET bytes get the app's own 414,
    below the server's limit, so that the API answers it in JSON as its description says."""
    environ = request.environ
    target = environ.get("RAW_URI") or environ.get("REQUEST_URI") or request.full_path
    if len(target.encode("latin-1", "replace")) > MAX_REQUEST_TARGET:
        raise RequestURITooLarge()


def query_error(exc):
    return _error(400, str(exc) if wants_json() else f"请求参数有误：{exc}", "bad_parameter", exc.param)


def http_error(exc):
    if isinstance(exc, BadHost):
        log.warning("400 bad Host header %r on %s", request.environ.get("HTTP_HOST", "")[:100], request.path[:100])
        return _error(400, "请求的 Host 无效。", "bad_host")
    messages = {404: "找不到该页面或记录。", 405: "不支持该请求方法。", 400: "请求参数有误。",
                414: f"请求地址过长（最多 {MAX_REQUEST_TARGET} 字节）。"}
    message = messages.get(exc.code) or exc.description or exc.name
    if exc.code == 404 and exc.description and exc.description != NotFound.description:
        message = exc.description
    return _error(exc.code or 500, message, headers=exc.get_headers())


def domain_error(exc):
    log.error("index unavailable: %s", exc)
    return _error(503, str(exc))


def unexpected(exc):
    log.exception("unexpected error on %s", request.path)
    return _error(500, "服务器内部错误，请稍后再试。")


def register(bp):
    """Attach the headers, the site's template values and the error handlers to the blueprint."""
    bp.after_app_request(security_headers)
    bp.app_context_processor(site_context)
    bp.before_app_request(refuse_long_targets)
    bp.app_errorhandler(QueryError)(query_error)
    bp.app_errorhandler(HTTPException)(http_error)
    bp.app_errorhandler(RepertoireError)(domain_error)
    bp.app_errorhandler(Exception)(unexpected)
