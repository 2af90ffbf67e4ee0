"""What the benchmark measures: each target, the build it serves, how it is started and asked.

bench/run.py (latency), bench/throughput.py (load) and bench/report.py (tables) take their targets
from here, so a new row in the tables (another engine, issue 20's fused search or similar
practice) is one more `Target`: an "ours" target with its own `params` is our app asked
`/api/search?...&<params>`; the tables, ratios and agreement checks follow.
"""
from dataclasses import dataclass
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Target:
    name: str
    label: str               # as the tables name it
    kind: str                # "ours": our app, every route; "peer": /api/search of a peer; "limit": in-process
    build: str               # the build it serves ("limit" serves tantivy's)
    substring: bool = False  # answers as the peers do (a term is a substring): asked the peer set, unquoted
    params: tuple = ()       # more (name, value) pairs for /api/search (an "ours" target's mode)


TARGETS = {t.name: t for t in (
    Target("whoosh", "ours, Whoosh", "ours", "whoosh"),
    Target("tantivy", "ours, tantivy", "ours", "tantivy"),
    Target("limit", "bare tantivy in-process (the limit)", "limit", "tantivy", substring=True),
    Target("fast_peer", "fast peer (SQLite FTS5, written for speed)", "peer", "fast_peer", substring=True),
    Target("peer", "peer (SQLite FTS5, bench/peer.py)", "peer", "peer", substring=True),
)}
BASELINE = "fast_peer"  # the faster peer: every ratio is to it
OURS = tuple(t for t, spec in TARGETS.items() if spec.kind == "ours")
ENGINES = ("whoosh", "tantivy")  # the builds of our app (one index each)


def ordered(names):
    """Target names in the tables' order; names not registered (an older result's) at the end."""
    names = list(dict.fromkeys(names))
    return [t for t in TARGETS if t in names] + [t for t in names if t not in TARGETS]


def label(name):
    return TARGETS[name].label if name in TARGETS else name


def is_ours(name):
    return name in TARGETS and TARGETS[name].kind == "ours"


def asks(name, spec):
    """The q a target is sent for a query spec (queries.py), or None when it cannot ask it."""
    target = TARGETS[name]
    if target.substring:
        return spec["peer_q"] if spec["peer"] is not None else None
    return spec["q"]


def built_at(work, build):
    """Where a build lives in a size's work folder."""
    return work / (f"{build}.sqlite" if build in ("peer", "fast_peer") else build)


def build_command(python, build, work, files):
    """The command that builds `build` from `files` into the work folder."""
    if build in ENGINES:
        return [python, "-m", "search", "build", "--index", str(built_at(work, build)), "--engine", build,
                "--quiet", "--full", *map(str, files)]
    return [python, f"bench/{build}.py", "build", "--db", str(built_at(work, build)), *map(str, files)]


def serve_command(python, name, work, port):
    """The command that serves target `name` on `port` (Flask's threaded server for ours, werkzeug's
    threaded server for the fast peer: the same server class; http.server for the old peer)."""
    target = TARGETS[name]
    if target.kind == "ours":
        return [python, "-m", "search", "serve", "--index", str(built_at(work, target.build)), "--port", str(port),
                "--engine", target.build]
    if target.kind == "limit":
        return [python, "bench/limit.py", "--serve", "--index", str(built_at(work, target.build))]
    return [python, f"bench/{name}.py", "serve", "--db", str(built_at(work, target.build)), "--port", str(port)]


# Code a build does not run: changing it keeps a saved build (a digest of the rest decides).
NOT_BUILT = {
    "whoosh": ("search/query/", "search/web/", "search/engines/whoosh.py", "search/engines/tantivy.py"),
    "tantivy": ("search/query/", "search/web/", "search/engines/whoosh.py", "search/engines/whoosh_write.py"),
    "peer": ("search/query/", "search/web/", "search/engines/", "search/index/"),
    "fast_peer": ("search/engines/",),
}
BUILD_SCRIPTS = {"peer": ("peer.py",), "fast_peer": ("fast_peer.py", "peer.py")}
