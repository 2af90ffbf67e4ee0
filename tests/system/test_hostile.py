"""Hostile requests against the real server processes (`python -m search serve` and gunicorn), sent byte for byte.

Whatever is pasted into the search box or the URL, the answer is a 400 with a clear message or
a normal page (with a notice when part of the query was not searched as typed), in bounded
time; never a 5xx, a traceback, a file outside static/, or an unescaped echo.
"""
import json
import re
from urllib.parse import quote

import pytest
from markupsafe import escape

SLOW = 5.0  # seconds: every answer must come well within this on a 2-core CI machine
SECURITY_HEADERS = ("content-security-policy", "x-content-type-options", "referrer-policy")
RECORD = "000_433e06851ef59419.49.p12"

XSS = [
    "<script>alert(1)</script>",
    "\"><script>alert(1)</script>",
    "'><img src=x onerror=alert(1)>",
    "</title><svg/onload=alert(1)>",
    "</textarea><script>alert(1)</script>",
    "\" autofocus onfocus=\"alert(1)",
    "javascript:alert(1)",
    "<iframe srcdoc=\"<script>alert(1)</script>\">",
    "]]><x>&lt;",
    "{{7*7}}${7*7}<%= 7*7 %>",
]
# The payloads' markup, which must never reach an HTML page raw (escaped, it is harmless text).
RAW_MARKUP = re.compile(r"<script>alert|<img[ /]src=x|<svg/onload|<iframe srcdoc|<x>|"
                        r"\bon(error|load|focus)=\"|href=\"javascript:", re.I)
ECHOED = ["q", "country", "org", "meeting", "year", "kind", "from", "to", "sort", "page", "per_page"]


@pytest.fixture(scope="session", params=["serve", "gunicorn"])
def server(request):
    """The base URL of `python -m search serve`, then of gunicorn with gunicorn.conf.py (both on the seed)."""
    if request.param == "serve":
        return request.getfixturevalue("live_server")
    return request.getfixturevalue("gunicorn_server")["base"]


def _q(value):
    return quote(value, safe="")


def _check(r, *, html_page=None):
    """What holds for every answer: no 5xx, bounded time, security headers, no traceback."""
    assert r.status < 500, r
    assert r.elapsed < SLOW, f"{r.elapsed:.1f} s"
    text = r.text
    assert "Traceback" not in text and "werkzeug.debug" not in text.lower(), text[:500]
    ctype = r.headers.get("content-type", "")
    if r.status not in (414, 431):  # refused by the HTTP server itself, before the app
        for name in SECURITY_HEADERS:
            assert name in r.headers, f"missing {name}: {r.headers}"
        assert r.headers["x-content-type-options"] == "nosniff"
    if html_page is True or (html_page is None and ctype.startswith("text/html")):
        assert ctype.startswith("text/html"), ctype
        match = RAW_MARKUP.search(text)
        assert match is None, f"raw markup {match.group(0)!r} in {text[max(0, match.start() - 200):match.end() + 200]}"
    return text


def _check_json(r, expect_status=None):
    _check(r, html_page=False)
    assert r.headers["content-type"].startswith("application/json"), r
    body = r.json()
    if expect_status:
        assert r.status == expect_status, body
    if r.status >= 400:
        assert set(body) >= {"error", "status"} and body["status"] == r.status, body
        assert isinstance(body["error"], str) and len(body["error"]) > 5, body
    return body


# --- the query: what people paste into the search box -------------------------------------

AS_SENT = None
QUERIES = [
    # (id, q as sent on the wire (already percent-encoded), a notice is expected, the plain query that
    # gives the same hits: what is searched once the hostile part is dropped; AS_SENT: itself, as decoded)
    ("unbalanced-quote", _q("\"区域组织"), True, "区域组织"),
    ("unbalanced-fullwidth-quote", _q("＂区域组织 合作"), True, "区域组织 合作"),
    ("three-quotes", _q("\"\"\""), True, ""),
    ("unbalanced-brackets", _q("((区域组织] {合作"), False, AS_SENT),
    ("only-brackets", _q(")))((("), False, AS_SENT),
    ("lone-AND", _q("AND"), True, ""),
    ("lone-OR", _q("OR"), True, ""),
    ("lone-NOT", _q("NOT"), True, ""),
    ("operators-only", _q("AND OR NOT"), True, ""),
    ("trailing-OR", _q("区域组织 OR"), True, "区域组织"),
    ("lone-minus", _q("-"), True, ""),
    ("double-minus", _q("--区域"), False, "区域"),
    ("star-run", _q("*" * 200), True, AS_SENT),
    ("question-run", _q("?" * 200), True, AS_SENT),
    ("wildcards-mixed", _q("区*组? *和平*"), True, AS_SENT),
    ("field-syntax", _q("meeting:5007 country:FRA"), True, AS_SENT),
    ("nul", "%00", True, ""),
    ("nul-inside", _q("区域\x00组织"), True, "区域 组织"),
    ("control-chars", _q("".join(chr(c) for c in range(1, 32))), True, ""),
    ("escape-and-del", _q("\x1b[31m区域\x7f"), True, AS_SENT),
    ("crlf", _q("区域\r\nSet-Cookie: x=1"), False, AS_SENT),
    ("bidi-and-zero-width", _q("\u202e区域\u200b组织\ufeff"), True, "区域 组织"),
    ("long-ascii-20000", "a" * 20000, True, "a" * 500),
    ("long-han-20000", _q("和" * 20000), True, "和" * 500),
    ("long-words-2000", _q("区域 " * 2000), True, "区域"),
    ("emoji", _q("😀🇫🇷👍🏽"), False, AS_SENT),
    ("emoji-with-han", _q("安全理事会🙂"), False, AS_SENT),
    ("lone-surrogate-utf8", "%ED%A0%80", False, AS_SENT),
    ("invalid-percent", "%ZZ", False, AS_SENT),
    ("lone-percent", "%", False, AS_SENT),
    ("percent-run", "%%%25%", False, AS_SENT),
    ("overlong-slash", "%C0%AF", False, AS_SENT),
    ("overlong-dot", "%C0%AE%C0%AE", False, AS_SENT),
    ("truncated-utf8", "%E4", False, AS_SENT),
    ("truncated-utf8-2", "%E4%B8", False, AS_SENT),
    ("five-byte-utf8", "%F8%88%80%80%80", False, AS_SENT),
    ("bom-bytes", "%FF%FE%00", True, AS_SENT),
    ("percent-u", "%u5B89", False, AS_SENT),
    ("plus-and-spaces", "+++%20%20+", False, ""),
    ("regex-and-sql", _q(".*' OR 1=1; DROP TABLE x; -- [a-z]+ \\d"), False, AS_SENT),
    ("whoosh-syntax", _q("text:a^2 b~3 [a TO z] <x> {y TO}"), True, AS_SENT),
    ("many-terms", _q(" ".join(f"词{i}" for i in range(300))), True, AS_SENT),
    ("many-ors", _q(" OR ".join(["区域"] * 300)), False, "区域"),
    ("many-excludes", _q(" ".join(f"-排{i}" for i in range(300))), True, ""),
]


@pytest.mark.parametrize("q, notice, same_as", [pytest.param(q, n, same, id=i) for i, q, n, same in QUERIES])
def test_hostile_query_gets_a_normal_result_in_bounded_time(server, raw_http, client, q, notice, same_as):
    r = raw_http(server, f"/api/search?q={q}")
    if r.status == 414:  # a URL beyond the HTTP server's request-line limit (8 kB under gunicorn)
        assert len(q) > 8000
        return
    body = _check_json(r, expect_status=200)
    # The same hits as the plain query, asked in-process through Flask's test client.
    plain = (client.get("/api/search?q=" + q) if same_as is AS_SENT
             else client.get("/api/search", query_string={"q": same_as})).get_json()
    assert (body["total"], [h["id"] for h in body["hits"]]) == (plain["total"], [h["id"] for h in plain["hits"]])
    if notice:
        assert body["notices"], f"no notice for {q[:60]!r}"
    page = raw_http(server, f"/search?q={q}")
    text = _check(page, html_page=True)
    assert page.status == 200
    for n in body["notices"]:
        assert str(escape(n)) in text, f"notice {n!r} not on the page"


def test_query_cut_to_its_limit_says_so(server, raw_http):
    body = raw_http(server, "/api/search?q=" + _q("安" * 600)).json()
    assert any("500" in n for n in body["notices"]), body["notices"]


def test_raw_non_ascii_bytes_in_the_query_string(server, raw_http):
    # Browsers percent-encode, but a client can put raw bytes (and markup) on the request line. The
    # HTTP server may refuse the line itself (400 "Bad request syntax"); it must escape what it echoes.
    for raw in (b"\xe5\xae\x89\xe5\x85\xa8", b"\xc0\xaf", b"\xe4", b"\xff\xfe", b"\x80\x81",
                b"<script>alert(1)</script>", b"\"><img/src=x/onerror=alert(1)>"):
        r = raw_http(server, b"/api/search?q=" + raw)
        assert r.status in (200, 400), r
        assert r.elapsed < SLOW
        if r.headers.get("content-type", "").startswith("application/json"):
            _check_json(r)
        else:
            assert RAW_MARKUP.search(r.text) is None, r.text


# --- every parameter: unknown values, out of range, not numbers, repeated --------------------

BAD_PARAMS = [
    # (query string, status, word the error message must contain)
    ("country=XXX", 400, "country"),
    ("country=ZZZ&country=FRA", 400, "country"),
    ("country=" + _q("火星"), 400, "country"),
    ("org=NOPE", 400, "org"),
    ("kind=other", 400, "kind"),
    ("kind=PARAGRAPH", 400, "kind"),
    ("meeting=abc", 400, "meeting"),
    ("meeting=0", 400, "meeting"),
    ("meeting=-5007", 400, "meeting"),
    ("meeting=" + _q("５００７"), 400, "meeting"),
    ("meeting=" + "9" * 400, 400, "meeting"),
    ("year=1800", 400, "year"),
    ("year=20x4", 400, "year"),
    ("from=2004-02-30", 400, "from"),
    ("from=yesterday", 400, "from"),
    ("to=2004-13-01", 400, "to"),
    ("from=2008-01-01&to=2004-01-01", 200, None),  # read as 2004 to 2008, with a notice
    ("sort=random", 400, "sort"),
    ("sort=relevance&sort=evil", 200, None),  # the first value counts
    ("page=0", 400, "page"),
    ("page=-1", 400, "page"),
    ("page=abc", 400, "page"),
    ("page=1.5", 400, "page"),
    ("page=1e3", 400, "page"),
    ("page=0x10", 400, "page"),
    ("page=%00", 400, "page"),
    ("page=" + "9" * 40, 400, "page"),
    ("page=501", 200, None),  # past the last page: the last, with a notice
    ("page=101&per_page=100", 200, None),
    ("page=10001", 400, "page"),  # beyond the highest page number a request may give
    ("per_page=0", 400, "per_page"),
    ("per_page=101", 400, "per_page"),
    ("per_page=100000", 400, "per_page"),
    ("per_page=-5", 400, "per_page"),
    ("per_page=abc", 400, "per_page"),
    ("per_page=" + "9" * 5000, 400, "per_page"),
    ("page=2&page=abc", 200, None),
    ("page=", 200, None),
    ("per_page=&page=&sort=&kind=&country=&from=&to=", 200, None),
    ("page=500&per_page=20", 200, None),
    ("page=99&q=" + _q("待命部队"), 200, None),  # past the last page: an empty page
    ("q=a&q=b&q=" + _q("<script>"), 200, None),
    ("country=FRA&country=FRA&country=" + _q("法国") + "&country=fra", 200, None),
    ("meeting=99999", 200, None),  # a meeting the corpus does not have: no hits
    ("country=" + "&country=".join(["FRA"] * 500), 200, None),
    ("unknown=1&" + "&".join(f"x{i}={i}" for i in range(200)), 200, None),
    ("country", 200, None),  # a name without '='
    ("&&&==&=&", 200, None),
    ("q=%ZZ&country=%C0%AF", 400, "country"),
    ("kind=%E4", 400, "kind"),
]


@pytest.mark.parametrize("query, status, word", [pytest.param(*row, id=row[0][:50]) for row in BAD_PARAMS])
def test_bad_parameter_gets_400_naming_it_or_a_normal_page(server, raw_http, query, status, word):
    r = raw_http(server, f"/api/search?{query}")
    body = _check_json(r, expect_status=status)
    if word:
        assert word in body["error"], body["error"]
        assert len(body["error"]) < 400, "the message quotes the whole bad value"
    page = raw_http(server, f"/search?{query}")
    text = _check(page, html_page=True)
    assert page.status == status
    if status == 400:
        # The HTML error page carries the same message, escaped.
        assert str(escape(body["error"])) in text


# --- XSS: payloads in every parameter that is echoed back --------------------------------------

@pytest.mark.parametrize("payload", XSS, ids=[f"xss{i}" for i in range(len(XSS))])
@pytest.mark.parametrize("name", ECHOED)
def test_payload_in_any_parameter_is_never_echoed_unescaped(server, raw_http, name, payload):
    query = f"{name}={_q(payload)}" + ("" if name == "q" else "&q=" + _q("区域组织"))
    page = raw_http(server, f"/search?{query}")
    text = _check(page, html_page=True)
    assert payload not in text or "<" not in payload and '"' not in payload and "'" not in payload
    if name == "q":
        assert page.status == 200
        assert str(escape(payload)) in text  # said back, escaped
    api = raw_http(server, f"/api/search?{query}")
    _check_json(api)
    for export in ("/search.csv", "/search.json"):
        r = raw_http(server, f"{export}?{query}")
        _check(r)
        assert not r.headers.get("content-type", "").startswith("text/html") or r.status >= 400


@pytest.mark.parametrize("payload", XSS[:5], ids=[f"xss{i}" for i in range(5)])
@pytest.mark.parametrize("route", ["/p/", "/doc/", "/meeting/", "/api/p/", "/api/doc/", "/static/"])
def test_payload_in_the_path_is_never_echoed_unescaped(server, raw_http, route, payload):
    r = raw_http(server, route + _q(payload))
    assert r.status in (400, 404), r
    _check(r)
    if route.startswith("/api/"):
        _check_json(r)


@pytest.mark.parametrize("host", ["\"><script>alert(1)</script>", "evil.example\"onload=\"x", "a b"])
@pytest.mark.parametrize("path", ["/opensearch.xml", f"/p/{RECORD}", "/"])
def test_host_header_is_escaped_where_absolute_urls_are_built(server, raw_http, host, path):
    r = raw_http(server, path, headers={"Host": host})
    _check(r)
    assert "<script>alert" not in r.text and "\"onload=\"" not in r.text


def test_crlf_in_a_parameter_never_reaches_a_header(server, raw_http):
    r = raw_http(server, "/search.csv?q=%0D%0ASet-Cookie:%20pwned=1&country=%0D%0AX-Evil:%201")
    _check(r)
    assert "set-cookie" not in r.headers and "x-evil" not in r.headers


# --- path traversal -----------------------------------------------------------------------------

TRAVERSALS = [
    "../../../../../../etc/passwd",
    "..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
    "%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "..\\..\\..\\..\\..\\etc\\passwd",
    "..%5c..%5c..%5c..%5c..%5cetc%5cpasswd",
    "%252e%252e%252f%252e%252e%252fetc%252fpasswd",
    "....//....//....//....//etc/passwd",
    "%c0%ae%c0%ae/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd",
    "..%c0%af..%c0%af..%c0%afetc%c0%afpasswd",
    "/etc/passwd",
    "%2fetc%2fpasswd",
    "..%00/etc/passwd",
    "../pyproject.toml",
    "..%2fpyproject.toml",
    "..%5cpyproject.toml",
    "../search/__init__.py",
    "%2e%2e/search/__init__.py",
    "../.git/config",
    ".",
    "..",
]
SECRETS = ("root:x:0:0", "root:*:0:0", "repertoire-search", "def create_app", "[core]")


@pytest.mark.parametrize("target", TRAVERSALS)
@pytest.mark.parametrize("route", ["/static/", "/p/", "/doc/", "/api/p/", "/api/doc/", "/meeting/"])
def test_path_traversal_never_serves_a_file_outside_static(server, raw_http, route, target):
    r = raw_http(server, route + target)
    _check(r)
    assert r.status in (200, 308, 400, 404), r
    for secret in SECRETS:
        assert secret not in r.text, f"{route}{target} served {secret!r}"
    if r.status == 200:  # only ever a page of the app (e.g. /static/../../p/... resolving to a route)
        assert r.headers["content-type"].startswith(("text/html", "application/json")), r


def test_static_files_are_still_served(server, raw_http):
    r = raw_http(server, "/static/style.css")
    assert r.status == 200 and r.headers["content-type"].startswith("text/css")


# --- methods ------------------------------------------------------------------------------------

@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "TRACE", "PROPFIND"])
@pytest.mark.parametrize("path", ["/search?q=x", "/api/search?q=x", f"/api/p/{RECORD}", "/static/style.css"])
def test_other_methods_are_refused_cleanly(server, raw_http, method, path):
    r = raw_http(server, path, method=method, headers={"Content-Length": "0"})
    _check(r)
    assert r.status in (400, 405, 501), r
    if path.startswith("/api/") and r.status == 405:
        _check_json(r)


def test_head_request_has_no_body_and_no_error(server, raw_http):
    r = raw_http(server, "/search?q=%E5%8C%BA%E5%9F%9F", method="HEAD")
    assert r.status == 200 and r.body == b""


# --- the JSON API's error shape -----------------------------------------------------------------

@pytest.mark.parametrize("path, status, error", [
    ("/api/p/nope", 404, "没有编号为“nope”的段落或脚注。"),
    ("/api/doc/S%2FNOPE", 404, "语料中没有引用文件“S/NOPE”的段落，联合国会议表中也没有该文件。"),
    ("/api/meeting/99998", 404, "没有第 99998 次会议：联合国会议表和本汇辑所收章节中都没有。"),
    ("/api/nothing", 404, "找不到该页面或记录。"),
    ("/api/search?page=x", 400, "page：应为整数，而不是 'x'"),
])
def test_api_errors_are_json_with_error_and_status(server, raw_http, path, status, error):
    r = raw_http(server, path)
    _check_json(r)
    code = {404: "not_found", 400: "bad_parameter"}[status]
    expected = {"error": error, "status": status, "code": code, **({"param": "page"} if status == 400 else {})}
    assert (r.status, json.loads(r.body)) == (status, expected)
