"""The fast peer: SQLite FTS5 written for speed, answering GET /api/search with the JSON ours answers.

    .venv/bin/python bench/fast_peer.py build --db bench/out/n100/fast_peer.sqlite FILE ...
    .venv/bin/python bench/fast_peer.py serve --db bench/out/n100/fast_peer.sqlite --port 5102
    .venv/bin/python bench/fast_peer.py query --db bench/out/n100/fast_peer.sqlite 区域组织 --country CHN
    FAST_PEER_DB=… gunicorn --chdir bench 'fast_peer:application'      # bench/load.py --scenario throughput

The same documents as our index (search.index.documents, six facets), and what a peer written
for speed does with them (issue 21):

- The database file is read once into the page cache and mapped (`mmap_size`, `immutable=1`):
  every thread's connection reads the same memory, nothing is copied per request.
- Each record's hit is stored ready to send: the record as our API decorates it (permalink,
  title, segments, meeting, footnotes with their citations resolved), as JSON, made at build time
  with our own code; a request only splices its snippet in.
- The snippet comes from the same FTS5 query that ranks (`snippet()` beside `ORDER BY rank`).
- All facets are counted in one `GROUP BY facet, value` pass over the match set when no filter
  is set; with filters, the disjunctive form groups facets by the filters they are counted under
  (a facet's counts ignore its own selection), one pass per group. The total is the sum of the
  `kind` counts (every unit has one kind), so the match set is never counted on its own.
- A plain WSGI callable: served by werkzeug's threaded server (the class `python -m search serve`
  uses) in bench/run.py, and by gunicorn with our workers and threads in bench/load.py.

Terms are substrings, ANDed (as in bench/peer.py, which stays as the second peer). A query whose
terms all have three characters or more goes through FTS5's trigram index; one with a shorter
term through a second FTS5 index whose tokens are single characters (a term is the phrase of its
characters), since the trigram index cannot look up one or two characters.
"""
import argparse
import html
import json
import multiprocessing
import os
import sqlite3
import sys
import threading
import time
from pathlib import Path
from urllib.parse import parse_qsl, quote_plus, urlencode

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent))
sys.path.insert(0, str(BENCH_DIR))
from peer import MARK_CLOSE, MARK_OPEN, SNIPPET_TOKENS, _fts_phrase, _marks  # noqa: E402
from search.engines import FACETS  # noqa: E402
from search.query.params import FACET_TITLES  # noqa: E402
from search.web import urls  # noqa: E402  (the page-level links, as ours makes them)

FACET_ID = {f: i for i, f in enumerate(FACETS)}
MAX_PER_PAGE = 100
SEPARATOR = "\x1f"
FV_SHIFT = 24

SCHEMA = """
CREATE TABLE units (
    rowid INTEGER PRIMARY KEY,  -- document order
    text TEXT NOT NULL,
    hit TEXT NOT NULL           -- the hit's JSON, ready to send but for its closing brace
);
-- A facet value is one integer, fv = facet << 24 | its number: a facet's values are a range of fv.
CREATE TABLE facets (unit INTEGER NOT NULL, fv INTEGER NOT NULL, PRIMARY KEY (unit, fv)) WITHOUT ROWID;
CREATE TABLE fvalues (fv INTEGER PRIMARY KEY, facet INTEGER NOT NULL, value TEXT NOT NULL,
                      label TEXT NOT NULL);  -- "label": …, "label_en": … as JSON members
CREATE VIRTUAL TABLE tri USING fts5(text, content='units', content_rowid='rowid', tokenize='trigram');
-- Every character a token (SEPARATOR between them, a separator to unicode61): one or two characters
-- are a phrase of one or two tokens, and snippet() gives the text back once SEPARATOR is removed.
CREATE VIRTUAL TABLE chars USING fts5(text, tokenize='unicode61 remove_diacritics 0');
"""
POST_LOAD = """
CREATE INDEX facets_by_value ON facets(fv, unit);
INSERT INTO tri(tri) VALUES ('rebuild');
INSERT INTO tri(tri) VALUES ('optimize');
INSERT INTO chars(chars) VALUES ('optimize');
ANALYZE;
"""


# ---------------------------------------------------------------- build


def _app():
    """Our app, for its url_for and JSON provider (the index is never opened)."""
    from search import create_app

    return create_app({"INDEX_DIR": "/nonexistent", "TESTING": True})


_WORKER = {}


def _chapter_rows(job):
    """Worker: one chapter -> [(text, hit JSON, {facet: values})] in document order."""
    from flask import url_for

    from search.engines import CHAPTER_SHIFT
    from search.index.documents import chapter_documents
    from search.reference.resolve import parse_chapter
    from search.web.records import decorate_record

    seq, path = job
    app = _WORKER.setdefault("app", _app())
    rows = []
    with app.test_request_context():
        for doc in chapter_documents(parse_chapter(path, order_start=seq << CHAPTER_SHIFT)):
            hit = app.json.dumps(decorate_record(json.loads(doc["data"]), url_for))
            facets = {f: doc[f] if isinstance(doc[f], list) else [doc[f]] for f in FACETS if doc[f] is not None}
            rows.append((doc["text"], hit[:-1], facets))
    return rows


def _label_json(app, facet, value):
    from search.query.facets import facet_label

    zh, en = facet_label(facet, value)
    return app.json.dumps({"label": zh, "label_en": en, "label_parts": zh.split(" · ")})[1:-1]


def build(paths, db_path, procs=2):
    """Build the database at `db_path` (replaced when complete); returns {"units", "seconds"}."""
    start = time.perf_counter()
    db_path = Path(db_path)
    tmp = db_path.with_name(db_path.name + ".building")
    tmp.unlink(missing_ok=True)
    conn = sqlite3.connect(tmp)
    conn.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-400000;" + SCHEMA)
    rowid, codes = 0, {}
    with multiprocessing.get_context("fork").Pool(max(1, procs)) as pool:
        for rows in pool.imap(_chapter_rows, list(enumerate(map(str, paths)))):
            units, facet_rows = [], []
            for text, hit, facets in rows:
                rowid += 1
                units.append((rowid, text, hit))
                for f, vs in facets.items():
                    for v in dict.fromkeys(map(str, vs)):
                        code = codes.setdefault((f, v), FACET_ID[f] << FV_SHIFT | len(codes))
                        facet_rows.append((rowid, code))
            conn.executemany("INSERT INTO units VALUES (?, ?, ?)", units)
            conn.executemany("INSERT INTO chars (rowid, text) VALUES (?, ?)",
                             [(r, SEPARATOR.join(text)) for r, text, _ in units])
            conn.executemany("INSERT INTO facets VALUES (?, ?)", facet_rows)
    app = _app()
    conn.executemany("INSERT INTO fvalues VALUES (?, ?, ?, ?)",
                     [(code, FACET_ID[f], v, _label_json(app, f, v)) for (f, v), code in codes.items()])
    conn.executescript(POST_LOAD)
    conn.commit()
    conn.close()
    os.replace(tmp, db_path)
    return {"units": rowid, "seconds": time.perf_counter() - start}


# ---------------------------------------------------------------- search


def _json_str(text):
    """A JSON string as our provider writes it (no ASCII escapes; <, > and & escaped)."""
    return (json.dumps(text, ensure_ascii=False)
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


class FastPeer:
    """The database, mapped once; a connection per thread."""

    def __init__(self, db_path):
        self.db_path = Path(db_path)
        with open(self.db_path, "rb") as f:  # into the page cache, once
            while f.read(1 << 24):
                pass
        self._local = threading.local()
        conn = self._conn()
        self.values = {}  # fv -> (facet, value, its JSON members: label, label_en, and quoted for a URL)
        self.codes = {}   # (facet, value) -> fv
        for fv, f, v, label in conn.execute("SELECT fv, facet, value, label FROM fvalues"):
            self.values[fv] = (FACETS[f], v, label, quote_plus(v))
            self.codes[FACETS[f], v] = fv

    def _conn(self):
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(f"file:{self.db_path}?mode=ro&immutable=1", uri=True, check_same_thread=False)
            conn.execute(f"PRAGMA mmap_size={1 << 40}")
            conn.execute("PRAGMA cache_size=-65536")
            conn.execute("PRAGMA temp_store=MEMORY")
            self._local.conn = conn
        return conn

    @staticmethod
    def _fts(terms):
        """(FTS5 table, MATCH expression) of the text terms (None: no text): the trigram index when
        every term has three characters or more, else the index of single characters."""
        if all(len(t) >= 3 for t in terms):
            return "tri", " AND ".join(map(_fts_phrase, terms))
        phrases = [" ".join(c for c in t if c.isalnum()) for t in terms]
        return "chars", " AND ".join(f'"{p}"' for p in phrases if p) or '""'

    def _where(self, fts, filters, column):
        """SQL conditions on the unit `column`: the text match and each filter (its values ORed)."""
        clauses = []
        if fts is not None:
            clauses.append(f"{column} IN (SELECT rowid FROM {fts[0]} WHERE {fts[0]} MATCH ?)")
        for name, values in filters.items():
            codes = ", ".join(str(self.codes.get((name, v), -1)) for v in values)
            clauses.append(f"{column} IN (SELECT unit FROM facets WHERE fv IN ({codes}))")
        return clauses

    def counts(self, fts, filters):
        """{facet: {value: count}}, disjunctive: one GROUP BY pass per set of filters counted under."""
        conn = self._conn()
        groups = {}
        for f in FACETS:
            groups.setdefault(tuple(n for n in filters if n != f), []).append(f)
        counts = {f: {} for f in FACETS}
        for others, facets in groups.items():
            clauses = self._where(fts, {n: filters[n] for n in others}, "unit")
            if len(facets) < len(FACETS):
                clauses.append("(" + " OR ".join(f"fv BETWEEN {FACET_ID[f] << FV_SHIFT} AND "
                                                 f"{(FACET_ID[f] + 1 << FV_SHIFT) - 1}" for f in facets) + ")")
            sql = ("SELECT fv, count(*) FROM facets" + (" WHERE " + " AND ".join(clauses) if clauses else "")
                   + " GROUP BY fv")
            for fv, n in conn.execute(sql, [fts[1]] if fts else []):
                f, v = self.values[fv][:2]
                counts[f][v] = n
        return counts

    def page(self, fts, filters, start, size):
        """[(rowid, snippet HTML)] of the page: by bm25 with FTS5's own snippet, else in document order."""
        conn = self._conn()
        if fts is not None:
            table, expression = fts
            # +rowid: the filters check the FTS5 matches, rather than FTS5 looking up each filtered unit
            clauses = [f"{table} MATCH ?", *self._where(None, filters, "+rowid")]
            rows = conn.execute(
                f"SELECT rowid, snippet({table}, 0, ?, ?, '…', {SNIPPET_TOKENS}) FROM {table} WHERE "
                + " AND ".join(clauses) + " ORDER BY rank LIMIT ? OFFSET ?",
                [MARK_OPEN, MARK_CLOSE, expression, size, start]).fetchall()
            return [(r, _marks(s.replace(SEPARATOR, ""))) for r, s in rows]
        clauses = self._where(None, filters, "rowid")
        rows = conn.execute("SELECT rowid, text FROM units" + (" WHERE " + " AND ".join(clauses) if clauses else "")
                            + " ORDER BY rowid LIMIT ? OFFSET ?", [size, start]).fetchall()
        return [(r, html.escape(t[: 2 * SNIPPET_TOKENS])) for r, t in rows]

    def search(self, pairs, path="/search"):
        """The /api/search body (bytes) for the request's (name, value) pairs."""
        started = time.perf_counter()
        args = {}
        for k, v in pairs:
            args.setdefault(k, []).append(v)
        q = next((v for v in args.get("q", ()) if v.strip()), "").strip()
        per_page = int(args.get("per_page", ["20"])[0])
        page = int(args.get("page", ["1"])[0])
        if not (1 <= per_page <= MAX_PER_PAGE and page >= 1):
            raise ValueError("per_page must be 1-100 and page >= 1")
        filters = {f: list(dict.fromkeys(args[f])) for f in FACETS if args.get(f)}
        terms = q.split()
        fts = self._fts(terms) if terms else None
        counts = self.counts(fts, filters)
        total = sum(n for v, n in counts["kind"].items() if "kind" not in filters or v in filters["kind"])
        rows = self.page(fts, filters, (page - 1) * per_page, per_page)
        hits = self._hits(rows, bool(terms))
        facets = self._facets(counts, filters, pairs, path)
        return self._body(q, terms, total, page, per_page, hits, facets, filters, pairs, path, started)

    def _hits(self, rows, has_text):
        if not rows:
            return ""
        ids = [r for r, _ in rows]
        stored = dict(self._conn().execute(f"SELECT rowid, hit FROM units WHERE rowid IN ({', '.join('?' * len(ids))})",
                                           ids))
        exact = "true" if has_text else "null"
        return ", ".join(f'{stored[r]}, "exact": {exact}, "snippet": {_json_str(s)}}}' for r, s in rows)

    def _facets(self, counts, filters, pairs, path):
        """Each facet's values as our API gives them: most frequent first, with their toggle URLs."""
        kept = [(k, v) for k, v in pairs if k != "page" and v != ""]
        base = _json_str(f"{path}?{urlencode(kept)}&" if kept else f"{path}?")[:-1]
        out = []
        for f in FACETS:
            selected = set(filters.get(f, ()))
            values = counts[f]
            for v in selected:
                values.setdefault(v, 0)
            items = []
            for v, n in sorted(values.items(), key=lambda vn: (-vn[1], (int(vn[0]), "") if vn[0].isdigit() else (0, vn[0]))):
                known = self.values.get(self.codes.get((f, v)))
                label = known[2] if known else (f'"label": {_json_str(v)}, "label_en": {_json_str(v)}, '
                                                f'"label_parts": [{_json_str(v)}]')
                if v in selected:
                    toggle = _json_str(urls.path_with_removed_args(path, kept, [(f, v)]))
                else:
                    toggle = f'{base}{f}={known[3] if known else quote_plus(v)}"'
                items.append(f'{{"count": {n}, {label}, "selected": {"true" if v in selected else "false"}, '
                             f'"toggle_url": {toggle}, "value": {_json_str(v)}}}')
            out.append(f'"{f}": [{", ".join(items)}]')
        return ", ".join(out)

    def _body(self, q, terms, total, page, per_page, hits, facets, filters, pairs, path, started):
        """The whole answer: the small keys through json, the hits and facets spliced in as they are."""
        pages = max(1, -(-min(total, 10000) // per_page))
        head = {
            "total": total, "page": page, "per_page": per_page, "query": q, "segmented": terms,
            "terms": [{"text": t, "words": [t], "exact": False, "exclude": False, "or": False} for t in terms],
            "query_terms": [{"text": t, "exact": False, "exclude": False, "or": False} for t in terms],
            "notices": [], "expansions": [], "sort": "relevance" if terms else "document", "filters": filters,
            "pages": pages, "facet_titles": FACET_TITLES, "chips": [], "clear_url": None,
            "sorts": urls.sort_links(path, pairs, "relevance"),
            "pagination": urls.pagination(path, pairs, page, per_page, total),
            "form_hidden": urls.hidden_inputs(pairs, exclude=("q",)), "range_hidden": [], "date_from": "",
            "date_to": "", "exports": {}, "direct_links": [], "nearest": [],
            "took_ms": round((time.perf_counter() - started) * 1000, 1),
        }
        text = json.dumps(head, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace(
            "&", "\\u0026")
        return f'{text[:-1]}, "hits": [{hits}], "facets": {{{facets}}}}}'.encode()


# ---------------------------------------------------------------- WSGI


def make_app(db_path):
    """The WSGI callable: GET /api/search, anything else 404."""
    peer = FastPeer(db_path)

    def app(environ, start_response):
        if environ.get("PATH_INFO") != "/api/search":
            return _send(start_response, "404 Not Found", b'{"error": "not found", "status": 404}')
        try:
            body = peer.search(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))
        except ValueError as exc:
            return _send(start_response, "400 Bad Request",
                         json.dumps({"error": str(exc), "status": 400}, ensure_ascii=False).encode())
        return _send(start_response, "200 OK", body)

    return app


def _send(start_response, status, body):
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def application(environ, start_response):
    """gunicorn's entry point: the database named by FAST_PEER_DB, opened as each worker imports this."""
    return _WORKER["wsgi"](environ, start_response)


if os.environ.get("FAST_PEER_DB"):  # a gunicorn worker: open (and read) the database before the first request
    _WORKER["wsgi"] = make_app(os.environ["FAST_PEER_DB"])


def main(argv=None):
    parser = argparse.ArgumentParser(prog="bench/fast_peer.py", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("build")
    p.add_argument("--db", required=True, type=Path)
    p.add_argument("--procs", type=int, default=min(2, os.cpu_count() or 1))
    p.add_argument("files", nargs="+", type=Path)
    p = sub.add_parser("serve")
    p.add_argument("--db", required=True, type=Path)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=5102)
    p = sub.add_parser("query")
    p.add_argument("--db", required=True, type=Path)
    p.add_argument("text")
    for name in FACETS:
        p.add_argument(f"--{name}", action="append", default=[])
    args = parser.parse_args(argv)
    if args.command == "build":
        stats = build(args.files, args.db, args.procs)
        print(f"indexed {stats['units']} units into {args.db} in {stats['seconds']:.1f} s", file=sys.stderr)
    elif args.command == "serve":
        from werkzeug.serving import make_server

        server = make_server(args.host, args.port, make_app(args.db), threaded=True)
        print(f"fast peer serving {args.db} on http://{args.host}:{args.port}/api/search", file=sys.stderr)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
    else:
        pairs = [("q", args.text)] + [(f, v) for f in FACETS for v in getattr(args, f)]
        body = json.loads(FastPeer(args.db).search(pairs))
        json.dump(body, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
