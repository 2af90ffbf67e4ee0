"""Shared fixtures: a real index built from the seed, the Flask app over it, a real server process."""
import os
import socket
import sys
import time

import pytest

from paths import DATA, ROOT, SEED_FILES
from servers import free_port, start_process, stop_process, wait_for_http


def records_without_source(corpus):
    """Every record of `corpus` as a whole dict, but for `source`: a record's file and line move with
    the layout (another wrap width, a PDF read back as one line per paragraph), nothing else may."""
    from search.reference.resolve import record_to_dict

    out = []
    for record in corpus.records():
        d = record_to_dict(record)
        del d["source"]
        out.append(d)
    return out


def searcher_of_text(folder, name, text, engine):
    """A real index of one hand-written chapter `text` (saved as `folder/name`), built with `engine`
    and opened: the searcher of a module's fixture, to be closed by it."""
    from search.index.build import build_index
    from search.query.searcher import open_searcher

    (folder / name).write_text(text, encoding="utf-8")
    build_index([folder / name], folder / "index", engine=engine)
    return open_searcher(folder / "index")


@pytest.fixture(scope="session")
def seed_corpus():
    """The parsed seed chapters (a Corpus)."""
    from search.reference.resolve import parse_corpus

    return parse_corpus(SEED_FILES)


@pytest.fixture(scope="session")
def scan(seed_corpus):
    """`scan(*strings)`: ids of the seed's units containing every string (the Ctrl-F oracle: normalised, spaces ignored)."""
    from search.text import normalize, squash

    texts = {r.id: squash(normalize(r.text)) for r in seed_corpus.records()}

    def ids_containing(*strings):
        keys = [squash(normalize(s)) for s in strings]
        return {i for i, text in texts.items() if all(k in text for k in keys)}

    return ids_containing


# --- web (tests/web/) ---

ENGINES = ("whoosh", "tantivy")
PARTS_FILES = [DATA / "chapter_13.txt", DATA / "two_parts.txt"]


def _indexes(tmp_path_factory, files, name):
    """`get(engine)`: a real index of `files` built with that engine, once."""
    from search.index.build import build_index

    built = {}

    def get(engine):
        if engine not in built:
            index_dir = tmp_path_factory.mktemp(f"{name}-index-{engine}") / "index"
            build_index(files, index_dir, engine=engine)
            built[engine] = index_dir
        return built[engine]

    return get


@pytest.fixture(scope="session")
def seed_indexes(tmp_path_factory):
    """`seed_indexes(engine)`: a real index of seeds/*.txt built with that engine, once per test session."""
    return _indexes(tmp_path_factory, SEED_FILES, "seed")


@pytest.fixture(scope="session")
def parts_indexes(tmp_path_factory):
    """`parts_indexes(engine)`: a real index of a chapter without parts and one with two parts of two
    items each (tests/data/chapter_13.txt, two_parts.txt), once per test session."""
    return _indexes(tmp_path_factory, PARTS_FILES, "parts")


@pytest.fixture(scope="session")
def parts_app(parts_indexes):
    """The app over the two-part index (Whoosh)."""
    from search import create_app

    return create_app({"TESTING": True, "INDEX_DIR": str(parts_indexes("whoosh"))})


@pytest.fixture(scope="session")
def seed_index(seed_indexes):
    """The seed index of the default engine (Whoosh)."""
    return seed_indexes("whoosh")


@pytest.fixture(scope="session", params=ENGINES)
def seed_engine(request, seed_indexes):
    """The seed index opened with each engine in turn: the contract suite runs on every engine."""
    from search.query.searcher import open_searcher

    engine = open_searcher(seed_indexes(request.param), expected=request.param)
    yield engine
    engine.close()


@pytest.fixture(scope="module")
def engines(seed_indexes):
    """The seed index opened with every engine, by name: for comparing the engines' answers."""
    from search.query.searcher import open_searcher

    opened = {name: open_searcher(seed_indexes(name), expected=name) for name in ENGINES}
    yield opened
    for engine in opened.values():
        engine.close()


@pytest.fixture(scope="session")
def app(seed_index):
    """The app over the seed index."""
    from search import create_app

    return create_app({"TESTING": True, "INDEX_DIR": str(seed_index)})


@pytest.fixture
def client(app):
    """Flask's test client."""
    return app.test_client()


@pytest.fixture(scope="session")
def live_server(seed_index, tmp_path_factory):
    """`python -m search serve` on a free loopback port; yields its base URL, terminates it after."""
    port = free_port()
    log_path = tmp_path_factory.mktemp("serve") / "serve.log"
    proc = start_process([sys.executable, "-m", "search", "serve", "--index", str(seed_index), "--host", "127.0.0.1",
                          "--port", str(port)], log_path, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(base + "/api/search?q=", proc, log_path)
        yield base
    finally:
        stop_process(proc)


# --- hostile requests, faults and production serving (tests/system/test_hostile.py, test_resilience.py,
# test_production.py) ---

class RawResponse:
    """A response read off the socket: status, headers (lower-cased names), body bytes, seconds taken."""

    def __init__(self, status, reason, headers, body, elapsed):
        self.status, self.reason, self.headers, self.body, self.elapsed = status, reason, headers, body, elapsed

    @property
    def text(self):
        return self.body.decode("utf-8", errors="replace")

    def json(self):
        import json

        return json.loads(self.body)

    def __repr__(self):
        return f"<{self.status} {self.reason} {self.headers.get('content-type')} {self.body[:120]!r}>"


def raw_request(base, target, method="GET", headers=None, timeout=30):
    """Send `target` exactly as given (bytes or str; no normalising or re-encoding) and read the response.

    requests and http.client re-quote or refuse malformed URLs; hostile tests must send them as is.
    """
    from urllib.parse import urlsplit

    url = urlsplit(base)
    target = target if isinstance(target, bytes) else target.encode("utf-8")
    lines = [method.encode() + b" " + target + b" HTTP/1.1", b"Host: " + url.netloc.encode(), b"Connection: close"]
    for name, value in (headers or {}).items():
        if name.lower() == "host":
            lines[1] = b"Host: " + (value if isinstance(value, bytes) else value.encode("utf-8"))
        else:
            lines.append(f"{name}: {value}".encode("utf-8"))
    started = time.monotonic()
    with socket.create_connection((url.hostname, url.port), timeout=timeout) as sock:
        sock.sendall(b"\r\n".join(lines) + b"\r\n\r\n")
        chunks = []
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
    elapsed = time.monotonic() - started
    data = b"".join(chunks)
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    _, status, *reason = status_line.split(" ", 2)
    hdrs = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        hdrs[name.strip().lower()] = value.strip()
    if hdrs.get("transfer-encoding", "").lower() == "chunked":
        body = _dechunk(body)
    return RawResponse(int(status), reason[0] if reason else "", hdrs, body, elapsed)


def _dechunk(body):
    out = []
    while body:
        size_line, _, body = body.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        out.append(body[:size])
        body = body[size + 2:]
    return b"".join(out)


@pytest.fixture(scope="session")
def raw_http():
    """`raw_http(base, target, method="GET", headers=None)`: one request sent byte for byte."""
    return raw_request


@pytest.fixture(scope="session")
def gunicorn_server(seed_index, tmp_path_factory):
    """gunicorn with gunicorn.conf.py and 3 workers on a free loopback port over the seed index; its base URL."""
    port = free_port()
    log_path = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "REPERTOIRE_INDEX_DIR": str(seed_index),
           "WEB_CONCURRENCY": "3", "REPERTOIRE_BIND": f"127.0.0.1:{port}"}
    proc = start_process([sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"),
                          "search:create_app()"], log_path, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(base + "/api/search?q=", proc, log_path)
        yield {"base": base, "proc": proc, "log": log_path}
    finally:
        stop_process(proc)
