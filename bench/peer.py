"""The peer: SQLite FTS5 (trigram tokenizer) over the same units, served with the same /api/search shape.

    .venv/bin/python bench/peer.py build --db bench/out/peer-1.sqlite FILE ...
    .venv/bin/python bench/peer.py serve --db bench/out/peer-1.sqlite --port 5101
    .venv/bin/python bench/peer.py query --db bench/out/peer-1.sqlite 区域组织 --country CHN

Units come from ``search.corpus.parse_corpus``, so the peer indexes exactly our headings,
paragraphs, decisions and footnotes. Queries of three characters or more go through the trigram
index (a phrase query: substring semantics); shorter ones scan with ``LIKE``. Facet counts are
``GROUP BY`` over a unit-facet table joined to the match set, disjunctive like ours (a facet's
counts ignore that facet's own selection).
"""
import argparse
import html
import json
import os
import re
import sqlite3
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

FACETS = ("country", "org", "meeting", "year", "kind")
FILTERS = {"country", "org", "meeting", "year", "kind"}
MARK_OPEN, MARK_CLOSE = "\x02", "\x03"  # markers that survive html.escape, replaced by <mark> afterwards
SNIPPET_TOKENS = 48  # trigram tokens ~ characters either side of the match, like our ~100-character fragments

SCHEMA = """
CREATE TABLE units (
    rowid INTEGER PRIMARY KEY,  -- document order
    id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    record TEXT NOT NULL        -- the record's JSON as our API returns it (footnotes, citations, ...)
);
CREATE TABLE facets (unit INTEGER NOT NULL, facet TEXT NOT NULL, value TEXT NOT NULL,
                     PRIMARY KEY (unit, facet, value)) WITHOUT ROWID;
CREATE VIRTUAL TABLE fts USING fts5(text, content='units', content_rowid='rowid', tokenize='trigram');
"""
POST_LOAD = """
CREATE INDEX facets_by_value ON facets(facet, value, unit);
INSERT INTO fts(fts) VALUES ('rebuild');
INSERT INTO fts(fts) VALUES ('optimize');
ANALYZE;
"""


# ---------------------------------------------------------------- units


def _record_dict(record):
    try:
        from search.reference.resolve import record_to_dict
    except ImportError:  # the parser has not landed its JSON shape yet
        return {"id": record.id, "kind": record.kind, "text": record.text}
    return record_to_dict(record)


def load_units(paths):
    """Parse the chapters with our parser; yields (id, kind, text, record_json, facets) per unit."""
    try:
        from search.reference.resolve import parse_corpus
    except ImportError:
        if not os.environ.get("BENCH_FALLBACK_UNITS"):
            raise
        yield from _fallback_units(paths)
        return
    corpus = parse_corpus([Path(p) for p in paths])
    # A paragraph hit carries its footnotes with their citations, as our API's hits do.
    notes = {(f.chapter, f.item, f.number): _record_dict(f) for f in corpus.footnotes}
    for record in corpus.records():
        facets = {
            "country": record.countries,
            "org": record.orgs,
            "meeting": (record.meeting,) if record.meeting is not None else (),
            "year": (record.date[:4],) if record.date else (),
            "kind": (record.kind,),
        }
        as_dict = _record_dict(record)
        if record.kind != "footnote":
            as_dict["footnotes"] = [notes.get((record.chapter, record.item, n), n) for n in record.footnotes]
        yield record.id, record.kind, record.text, json.dumps(as_dict, ensure_ascii=False), facets


def _fallback_units(paths):
    """Sentence-ish chunks, for developing the harness before the parser exists (BENCH_FALLBACK_UNITS=1)."""
    print("peer: search.corpus.parse_corpus is missing: using crude fallback units", file=sys.stderr)
    for path in paths:
        text = "".join(line.strip() for line in Path(path).read_text(encoding="utf-8").splitlines())
        for n, chunk in enumerate(re.findall(r"[^。]{1,300}。?", text), start=1):
            uid = f"{Path(path).stem}.0.p{n}"
            meeting = re.search(r"第 ?(\d{4}) ?次会议", chunk)
            facets = {"country": (), "org": (), "meeting": (meeting.group(1),) if meeting else (),
                      "year": (), "kind": ("paragraph",)}
            record = {"id": uid, "kind": "paragraph", "text": chunk}
            yield uid, "paragraph", chunk, json.dumps(record, ensure_ascii=False), facets


def build_peer(paths, db_path):
    """Build the peer database at `db_path` (replaced atomically); returns {"units", "seconds"}."""
    start = time.perf_counter()
    db_path = Path(db_path)
    tmp = db_path.with_name(db_path.name + ".building")
    for stale in (tmp, Path(str(tmp) + "-journal")):
        stale.unlink(missing_ok=True)
    conn = sqlite3.connect(tmp)
    conn.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-200000;" + SCHEMA)
    units = 0
    rows, facet_rows = [], []
    for rowid, (uid, kind, text, record, facets) in enumerate(load_units(paths), start=1):
        rows.append((rowid, uid, kind, text, record))
        facet_rows.extend((rowid, name, str(v)) for name, values in facets.items() for v in values)
        units += 1
        if len(rows) >= 5000:
            _flush(conn, rows, facet_rows)
    _flush(conn, rows, facet_rows)
    conn.executescript(POST_LOAD)
    conn.commit()
    conn.close()
    os.replace(tmp, db_path)
    return {"units": units, "seconds": time.perf_counter() - start}


def _flush(conn, rows, facet_rows):
    conn.executemany("INSERT INTO units VALUES (?, ?, ?, ?, ?)", rows)
    conn.executemany("INSERT OR IGNORE INTO facets VALUES (?, ?, ?)", facet_rows)
    rows.clear()
    facet_rows.clear()


# ---------------------------------------------------------------- search


def _labels():
    """code -> (zh, en) for countries and organisations, from our gazetteer when it is there."""
    try:
        from search.reference import gazetteer
    except ImportError:
        return lambda facet, value: (value, None)

    def label(facet, value):
        entity = gazetteer.country(value) if facet == "country" else gazetteer.org(value) if facet == "org" else None
        return (entity.zh, entity.en) if entity else (value, None)

    return label


def _fts_phrase(term):
    return '"' + term.replace('"', '""') + '"'


def _python_snippet(text, terms, width=SNIPPET_TOKENS):
    """Highlight every occurrence of `terms` in `text` and cut a fragment around the first one."""
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)))
    first = pattern.search(text)
    if first is None:
        return html.escape(text[: 2 * width])
    lo, hi = max(0, first.start() - width), min(len(text), first.end() + width)
    fragment = pattern.sub(lambda m: MARK_OPEN + m.group(0) + MARK_CLOSE, text[lo:hi])
    return ("…" if lo else "") + _marks(fragment) + ("…" if hi < len(text) else "")


def _marks(marked):
    return html.escape(marked).replace(MARK_OPEN, "<mark>").replace(MARK_CLOSE, "</mark>")


class Peer:
    """One connection (one per thread) and the search over it."""

    def __init__(self, db_path):
        self.conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, check_same_thread=False)
        self.conn.execute("PRAGMA temp_store=MEMORY")
        self.conn.execute("CREATE TEMP TABLE m (rid INTEGER PRIMARY KEY, score REAL)")
        self.label = _labels()
        self.units = self.conn.execute("SELECT max(rowid) FROM units").fetchone()[0] or 0

    def search(self, q="", filters=None, page=1, per_page=20):
        """The /api/search JSON for `q` and `filters` ({facet: [values]})."""
        start = time.perf_counter()
        filters = {k: v for k, v in (filters or {}).items() if v}
        terms = q.split()
        long_terms = [t for t in terms if len(t) >= 3]
        short_terms = [t for t in terms if len(t) < 3]
        conn = self.conn
        source, matched = "units", self.units  # no text query: every unit (then the filters)
        if terms:
            conn.execute("DELETE FROM m")
            if long_terms:
                sql = "INSERT INTO m SELECT rowid, rank FROM fts WHERE fts MATCH ?"
                args = [" AND ".join(_fts_phrase(t) for t in long_terms)]
                if short_terms:
                    sql = ("INSERT INTO m SELECT f.rowid, f.rank FROM fts f JOIN units u ON u.rowid = f.rowid "
                           "WHERE fts MATCH ?" + " AND u.text LIKE ?" * len(short_terms))
                    args += [f"%{_like(t)}%" for t in short_terms]
                    sql = sql.replace("LIKE ?", "LIKE ? ESCAPE '\\'")
            else:
                sql = ("INSERT INTO m SELECT rowid, rowid FROM units WHERE "
                       + " AND ".join(["text LIKE ? ESCAPE '\\'"] * len(short_terms)))
                args = [f"%{_like(t)}%" for t in short_terms]
            matched = conn.execute(sql, args).rowcount
            source = "m"
        rid = "rid" if source == "m" else "rowid"

        def where(skip=None, column=f"{source}.{rid}"):
            clauses, args = [], []
            for name, values in filters.items():
                if name != skip:
                    clauses.append(f"{column} IN (SELECT unit FROM facets WHERE facet = ? AND value IN "
                                   f"({', '.join('?' * len(values))}))")
                    args += [name, *values]
            return (" WHERE " + " AND ".join(clauses) if clauses else ""), args

        w, wargs = where()
        total = conn.execute(f"SELECT count(*) FROM {source}{w}", wargs).fetchone()[0]
        order = "score, rid" if source == "m" and long_terms else rid
        ids = [r[0] for r in conn.execute(
            f"SELECT {rid} FROM {source}{w} ORDER BY {order} LIMIT ? OFFSET ?", [*wargs, per_page, (page - 1) * per_page])]
        hits = self._hits(ids, long_terms, short_terms)
        facets = {}
        for name in FACETS:
            if source == "units":  # no text query: the facet table alone, filtered by the other facets
                w, wargs = where(skip=name, column="f.unit")
                sql = f"SELECT f.value, count(*) AS n FROM facets f WHERE f.facet = ?{w.replace(' WHERE ', ' AND ', 1)}"
            else:
                w, wargs = where(skip=name)
                if matched * 8 < self.units:
                    # A small match set drives: primary-key lookups of its units' facet rows (the
                    # planner would otherwise scan the whole facet, O(units), for a rare word).
                    sql = f"SELECT f.value, count(*) AS n FROM facets f WHERE f.facet = ? AND f.unit IN (SELECT rid FROM m{w})"
                else:
                    sql = f"SELECT f.value, count(*) AS n FROM m JOIN facets f ON f.unit = m.rid AND f.facet = ?{w}"
            rows = conn.execute(sql + " GROUP BY f.value ORDER BY n DESC, f.value", [name, *wargs]).fetchall()
            selected = set(filters.get(name, ()))
            facets[name] = [self._facet_value(name, v, n, v in selected) for v, n in rows]
        return {
            "total": total, "page": page, "per_page": per_page,
            "took_ms": round((time.perf_counter() - start) * 1000, 2),
            "query": q, "hits": hits, "facets": facets, "notices": [],
        }

    def _facet_value(self, name, value, count, selected):
        zh, en = self.label(name, value)
        return {"value": value, "label": zh, "label_en": en, "count": count, "selected": selected}

    def _hits(self, ids, long_terms, short_terms):
        if not ids:
            return []
        marks = ", ".join("?" * len(ids))
        snippets = {}
        if long_terms and not short_terms:
            snippets = dict(self.conn.execute(
                f"SELECT rowid, snippet(fts, 0, ?, ?, '…', {SNIPPET_TOKENS}) FROM fts "
                f"WHERE fts MATCH ? AND rowid IN ({marks})",
                [MARK_OPEN, MARK_CLOSE, " AND ".join(_fts_phrase(t) for t in long_terms), *ids]))
        records = dict(self.conn.execute(f"SELECT rowid, record FROM units WHERE rowid IN ({marks})", ids))
        hits = []
        for i in ids:
            hit = json.loads(records[i])
            if i in snippets:
                hit["snippet"] = _marks(snippets[i])
            elif long_terms or short_terms:
                hit["snippet"] = _python_snippet(hit["text"], long_terms + short_terms)
            else:
                hit["snippet"] = html.escape(hit["text"][: 2 * SNIPPET_TOKENS])
            hit["url"] = f"/p/{hit['id']}"
            hits.append(hit)
        return hits


def _like(term):
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# ---------------------------------------------------------------- HTTP


def make_server(db_path, host, port):
    """A threaded HTTP server answering GET /api/search like ours (one SQLite connection per thread)."""
    local = threading.local()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            url = urlsplit(self.path)
            if url.path != "/api/search":
                return self._send(404, {"error": f"not found: {url.path}", "status": 404})
            params = parse_qs(url.query)
            try:
                per_page = int(params.get("per_page", ["20"])[0])
                page = int(params.get("page", ["1"])[0])
                if not (1 <= per_page <= 100 and page >= 1):
                    raise ValueError
            except ValueError:
                return self._send(400, {"error": "per_page must be 1-100 and page >= 1", "status": 400})
            if not hasattr(local, "peer"):
                local.peer = Peer(db_path)
            filters = {k: params[k] for k in FILTERS if k in params}
            self._send(200, local.peer.search(params.get("q", [""])[0].strip(), filters, page, per_page))

        def _send(self, status, payload):
            body = json.dumps(payload, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):  # quiet, like a production server
            pass

    return ThreadingHTTPServer((host, port), Handler)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="bench/peer.py", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("build")
    p.add_argument("--db", required=True, type=Path)
    p.add_argument("files", nargs="+", type=Path)
    p = sub.add_parser("serve")
    p.add_argument("--db", required=True, type=Path)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=5100)
    p = sub.add_parser("query")
    p.add_argument("--db", required=True, type=Path)
    p.add_argument("text")
    for name in FILTERS:
        p.add_argument(f"--{name}", action="append", default=[])
    args = parser.parse_args(argv)
    if sqlite3.sqlite_version_info < (3, 34, 0):
        parser.error(f"SQLite {sqlite3.sqlite_version} has no trigram tokenizer (needs 3.34 or later)")
    if args.command == "build":
        stats = build_peer(args.files, args.db)
        print(f"indexed {stats['units']} units into {args.db} in {stats['seconds']:.1f} s", file=sys.stderr)
    elif args.command == "serve":
        server = make_server(args.db, args.host, args.port)
        print(f"peer serving {args.db} on http://{args.host}:{args.port}/api/search", file=sys.stderr)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
    else:
        filters = {name: getattr(args, name) for name in FILTERS}
        json.dump(Peer(args.db).search(args.text, filters), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
