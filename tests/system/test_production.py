"""Production serving: gunicorn with gunicorn.conf.py and several workers, on loopback.

    .venv/bin/gunicorn -c gunicorn.conf.py 'search:create_app()'
"""
import json
import os
import re
import signal
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from urllib.parse import quote

import pytest
import requests

from paths import ROOT
from search.index.store import FORMAT_VERSION
from servers import children, free_port, start_process, stop_process, wait_for_http

RECORD = "000_433e06851ef59419.49.p12"
PAGES = [
    "/",
    "/search?q=" + quote("区域组织"),
    "/search?q=" + quote("和平") + "&country=FRA&sort=date&page=2",
    f"/p/{RECORD}",
    "/doc/S/PV.5007",
    "/meeting/5007",
    "/api/docs",
]
OTHER = ["/api/search?q=" + quote("待命部队"), f"/api/p/{RECORD}", "/search.csv?q=" + quote("待命部队"),
         "/search.json?q=" + quote("待命部队"), "/opensearch.xml", "/static/style.css", "/favicon.ico"]
REFERRER_POLICIES = {"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"}


def _script_sources(csp):
    """The CSP source list that governs scripts: script-src, else default-src."""
    directives = {d.split()[0].lower(): d.split()[1:] for d in csp.split(";") if d.strip()}
    return directives.get("script-src", directives.get("default-src"))


class _InlineScripts(HTMLParser):
    """Collects inline <script> bodies, on* event attributes and javascript: URLs."""

    def __init__(self):
        super().__init__()
        self.found, self._in_inline = [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and not attrs.get("src"):
            self._in_inline = True
        for name, value in attrs.items():
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value}>")

    def handle_endtag(self, tag):
        self._in_inline = False

    def handle_data(self, data):
        if self._in_inline and data.strip() and "application/ld+json" not in data:
            self.found.append(f"<script>{data.strip()[:60]}")


def _assert_security_headers(r):
    csp = r.headers.get("Content-Security-Policy")
    assert csp, f"{r.url}: no Content-Security-Policy"
    scripts = _script_sources(csp)
    assert scripts is not None, f"CSP restricts no scripts: {csp}"
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts and "*" not in scripts, csp
    assert r.headers.get("X-Content-Type-Options") == "nosniff"
    assert r.headers.get("Referrer-Policy") in REFERRER_POLICIES, r.headers.get("Referrer-Policy")


def test_gunicorn_runs_several_workers(gunicorn_server):
    workers = children(gunicorn_server["proc"].pid)
    assert len(workers) == 3, workers
    log = gunicorn_server["log"].read_text(errors="replace")
    assert "warm-up" not in log, log  # every worker opened the index and jieba before serving


@pytest.mark.parametrize("path", PAGES + OTHER)
def test_pages_and_api_answer_with_security_headers(gunicorn_server, path):
    r = requests.get(gunicorn_server["base"] + path, timeout=10)
    assert r.status_code == 200, r.text[:300]
    _assert_security_headers(r)
    if path.startswith("/api/") and path != "/api/docs":  # /api/docs is the API's page for people
        assert r.headers["Content-Type"].startswith("application/json")
        r.json()


@pytest.mark.parametrize("path", PAGES)
def test_html_pages_have_no_inline_script(gunicorn_server, path):
    r = requests.get(gunicorn_server["base"] + path, timeout=10)
    parser = _InlineScripts()
    parser.feed(r.text)
    assert parser.found == []


@pytest.mark.parametrize("path, status", [("/p/nope", 404), ("/search?page=0", 400), ("/api/search?per_page=x", 400),
                                          ("/nothing/here", 404), ("/api/p/nope", 404)])
def test_errors_are_clean_pages_with_the_same_headers(gunicorn_server, path, status):
    r = requests.get(gunicorn_server["base"] + path, timeout=10)
    assert r.status_code == status
    _assert_security_headers(r)
    assert "Traceback" not in r.text
    if path.startswith("/api/"):
        assert r.json()["status"] == status


def _body(response):
    """What a response says (a requests or a Flask test response), less what may differ between two
    answers to one request (the time taken)."""
    raw = response.content if isinstance(response, requests.Response) else response.get_data()
    if not response.headers.get("Content-Type", "").startswith("application/json"):
        return raw
    data = json.loads(raw)
    return {k: v for k, v in data.items() if k != "took_ms"} if isinstance(data, dict) else data


def test_concurrent_requests_across_workers_agree(gunicorn_server, client):
    base = gunicorn_server["base"]
    # (Not opensearch.xml: its addresses are absolute, and the two servers have different hosts.)
    paths = [p for p in OTHER if "csv" not in p and not p.startswith(("/static", "/opensearch"))] * 6

    def fetch(path):
        r = requests.get(base + path, timeout=20)
        return path, r.status_code, _body(r)

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(fetch, paths))
    # Every worker gives every request the answer the app itself gives, whichever worker it reaches.
    expected = {p: (200, _body(client.get(p))) for p in set(paths)}
    assert [(s, b) for p, s, b in results] == [expected[p] for p in paths]


def test_query_lengths_at_the_request_line_limit(gunicorn_server):
    base = gunicorn_server["base"]
    # The 500 characters the app searches fit (4,500 bytes encoded, over gunicorn's default limit).
    r = requests.get(base + "/api/search?q=" + quote("和" * 500), timeout=10)
    assert r.status_code == 200 and r.json()["notices"] == []
    # A 20,000-character query is refused by gunicorn itself with a 414 that says why, at once.
    started = time.monotonic()
    r = requests.get(base + "/api/search?q=" + "a" * 20000, timeout=10)
    assert r.status_code in (400, 414), r.text
    assert "too large" in r.text.lower() or "too long" in r.text.lower(), r.text
    assert time.monotonic() - started < 2


@pytest.fixture
def broken_gunicorn(tmp_path):
    """gunicorn (1 worker, FLASK_DEBUG=1 in its environment) over a damaged index: its manifest says
    Whoosh (so no build at start), but the engine's files are missing (so every search fails)."""
    version = tmp_path / "index.v1"
    (version / "engine").mkdir(parents=True)
    (version / "manifest.json").write_text(json.dumps({"format": FORMAT_VERSION, "engine": "whoosh", "chapters": [],
                                                       "next_seq": 0}))
    (version / "stats.json").write_text('{"units": 0}')
    index_dir = tmp_path / "index"
    index_dir.symlink_to(version.name)
    port = free_port()
    log_path = tmp_path / "gunicorn.log"
    env = {**os.environ, "REPERTOIRE_INDEX_DIR": str(index_dir), "WEB_CONCURRENCY": "1",
           "REPERTOIRE_BIND": f"127.0.0.1:{port}", "FLASK_DEBUG": "1", "FLASK_ENV": "development"}
    proc = start_process([sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"),
                          "search:create_app()"], log_path, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(base + "/static/style.css", proc, log_path)
        yield base, proc
    finally:
        stop_process(proc)


@pytest.mark.parametrize("path", ["/", "/search?q=x", "/api/search?q=x", f"/p/{RECORD}"])
def test_debug_stays_off_and_a_failure_shows_no_traceback(broken_gunicorn, path):
    base, _ = broken_gunicorn
    r = requests.get(base + path, timeout=10)
    assert 500 <= r.status_code < 600
    assert "Traceback" not in r.text and not re.search(r'File "[^"]+", line \d+', r.text)
    assert "Werkzeug Debugger" not in r.text and "__debugger__" not in r.text
    _assert_security_headers(r)
    if path.startswith("/api/"):
        assert r.json()["status"] == r.status_code
    debugger = requests.get(base + "/?__debugger__=yes&cmd=resource&f=debugger.js", timeout=10)
    assert "Werkzeug" not in debugger.text and "CONSOLE_MODE" not in debugger.text


def test_gunicorn_stops_gracefully(broken_gunicorn):
    _, proc = broken_gunicorn
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 0


def test_gunicorn_and_the_cli_run_on_the_tantivy_engine(tmp_path):
    """REPERTOIRE_ENGINE=tantivy: gunicorn builds a tantivy index on first start and serves it."""
    index_dir = tmp_path / "index"
    port = free_port()
    log_path = tmp_path / "gunicorn.log"
    env = {**os.environ, "REPERTOIRE_ENGINE": "tantivy", "REPERTOIRE_INDEX_DIR": str(index_dir),
           "WEB_CONCURRENCY": "2", "REPERTOIRE_BIND": f"127.0.0.1:{port}"}
    proc = start_process([sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"),
                          "search:create_app()"], log_path, env=env)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for_http(base + "/api/search?q=", proc, log_path, timeout=120)
        answer = requests.get(base + "/api/search?q=" + quote("待命部队"), timeout=10).json()
        suggest = requests.get(base + "/api/suggest?q=fg", timeout=10).json()
    finally:
        stop_process(proc)
    import json
    import subprocess

    from search.index.store import built_with

    assert built_with(index_dir) == "tantivy"
    cli = subprocess.run([sys.executable, "-m", "search", "query", "待命部队", "--index", str(index_dir), "--json"],
                         cwd=ROOT, capture_output=True, text=True, timeout=120, env=env)
    assert cli.returncode == 0, cli.stderr
    assert [h["id"] for h in json.loads(cli.stdout)["hits"]] == [h["id"] for h in answer["hits"]][:10]
    assert [s["text"] for s in suggest["suggestions"]] == ["法国"]
