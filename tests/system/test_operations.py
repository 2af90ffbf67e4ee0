"""Operating an index over time: a server never builds over an index that is there, killed builds
leave no debris and never cost the previous version, and the previous version can be served again.

Every build, server and rollback here is a real process (`python -m search …`, gunicorn); the
builds are killed with a real SIGKILL at named points of the swap (REPERTOIRE_KILL_BUILD_AT).
"""
import json
import os
import signal
import subprocess
import sys

import pytest
import requests

from paths import DATA, ROOT
from servers import free_port, start_process, stop_process, wait_for_http
from search.index.build import build_index
from search.index.store import FORMAT_VERSION, current_generation, read_manifest, version_of
from search.query.params import SearchParams
from search.query.searcher import open_searcher

SMALL = DATA / "two_items.txt"
LINE = "第一个项目的段落"


def _chapter(folder, n):
    """A small chapter of its own key whose first paragraph carries the word 犀鸟<n>."""
    folder.mkdir(parents=True, exist_ok=True)
    text = SMALL.read_text(encoding="utf-8")
    path = folder / f"c{n:03d}.txt"
    path.write_text(text.replace(LINE, f"{LINE}犀鸟{n:03d}", 1), encoding="utf-8")
    return path


def _total(index_dir, q):
    searcher = open_searcher(index_dir)
    try:
        return searcher.search(SearchParams(q=q)).total
    finally:
        searcher.close()


def _cli(*args, env=None, timeout=120):
    return subprocess.run([sys.executable, "-m", "search", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout, env={**os.environ, **(env or {})})


def _listing(folder):
    """What lies beside the index: names, with the version the index points to."""
    return sorted(p.name + (f" -> {os.readlink(p)}" if p.is_symlink() else "") for p in folder.iterdir())


# --- never build over an index that is there ----------------------------------------------------


@pytest.fixture
def tantivy_index(tmp_path):
    """A tantivy index of three small chapters (the seed folder would give one)."""
    files = [_chapter(tmp_path / "src", n) for n in range(3)]
    index_dir = tmp_path / "idx" / "index"
    build_index(files, index_dir, engine="tantivy")
    return index_dir


def _gunicorn(index_dir, tmp_path, env=None):
    port = free_port()
    log = tmp_path / f"gunicorn-{port}.log"
    env = {**{k: v for k, v in os.environ.items() if k != "REPERTOIRE_ENGINE"}, "REPERTOIRE_INDEX_DIR": str(index_dir),
           "WEB_CONCURRENCY": "1", "REPERTOIRE_BIND": f"127.0.0.1:{port}", **(env or {})}
    proc = start_process([sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"),
                          "search:create_app()"], log, env=env)
    return proc, f"http://127.0.0.1:{port}", log


@pytest.mark.parametrize("server", ["serve", "gunicorn"])
def test_an_index_of_another_engine_is_served_as_it_is_not_rebuilt(tantivy_index, tmp_path, server):
    generation = current_generation(tantivy_index)
    env = {k: v for k, v in os.environ.items() if k != "REPERTOIRE_ENGINE"}
    if server == "serve":
        port = free_port()
        log = tmp_path / "serve.log"
        proc = start_process([sys.executable, "-m", "search", "serve", "--index", str(tantivy_index), "--port",
                              str(port)], log, env=env)
        base = f"http://127.0.0.1:{port}"
    else:
        proc, base, log = _gunicorn(tantivy_index, tmp_path)
    try:
        wait_for_http(base + "/api/search?q=", proc, log, timeout=120)
        answer = requests.get(base + "/api/search?q=犀鸟", timeout=10).json()
    finally:
        stop_process(proc)
    assert (answer["total"], current_generation(tantivy_index)) == (3, generation)
    assert read_manifest(version_of(tantivy_index))["engine"] == "tantivy"
    assert "building" not in log.read_text()


def _damage_manifest(index_dir, text):
    (version_of(index_dir) / "manifest.json").write_text(text, encoding="utf-8")


def _format(index_dir, value):
    manifest = read_manifest(version_of(index_dir))
    _damage_manifest(index_dir, json.dumps({**manifest, "format": value}))


def _engine(index_dir, value):
    manifest = read_manifest(version_of(index_dir))
    _damage_manifest(index_dir, json.dumps({**manifest, "engine": value}))


def _dangling(index_dir):
    target = os.readlink(index_dir)
    index_dir.unlink()
    index_dir.symlink_to(target + "-gone")


DAMAGES = {
    "damaged manifest": (lambda d: _damage_manifest(d, '{"format": 3, "engi'), "cannot read the index's manifest"),
    "unknown format": (lambda d: _format(d, 99), f"index format 99, expected {FORMAT_VERSION}"),
    "unknown engine": (lambda d: _engine(d, "lucene"), "unknown engine 'lucene'"),
    "dangling link": (_dangling, "which does not exist"),
}


@pytest.mark.parametrize("damage", sorted(DAMAGES))
@pytest.mark.parametrize("server", ["serve", "gunicorn"])
def test_an_index_that_cannot_be_served_is_refused_in_one_line_never_rebuilt(tantivy_index, tmp_path, server,
                                                                             damage):
    make, problem = DAMAGES[damage]
    make(tantivy_index)
    before = _listing(tantivy_index.parent)
    if server == "serve":
        result = _cli("serve", "--index", tantivy_index, "--port", free_port(), timeout=60)
        code, lines = result.returncode, result.stderr.splitlines()
        assert (code, len(lines)) == (2, 1), result.stderr
        said = lines[0]
    else:
        proc, _, log = _gunicorn(tantivy_index, tmp_path)
        code = proc.wait(timeout=60)
        said = [line for line in log.read_text().splitlines() if "Error" in line or "Traceback" in line]
        assert (code, len(said)) == (1, 1), log.read_text()
        said = said[0]
    assert problem in said and str(tantivy_index) in said, said
    assert _listing(tantivy_index.parent) == before


def test_serve_builds_from_the_seed_only_where_there_is_nothing(tmp_path):
    index_dir = tmp_path / "index"
    port = free_port()
    log = tmp_path / "serve.log"
    proc = start_process([sys.executable, "-m", "search", "serve", "--index", str(index_dir), "--port", str(port)],
                         log, env={**os.environ, "REPERTOIRE_SEEDS_DIR": str(DATA / "nowhere")})
    try:
        assert proc.wait(timeout=60) == 2
    finally:
        stop_process(proc)
    assert "no chapter files" in log.read_text() and not os.path.lexists(index_dir)


# --- killed builds: no debris, the right previous version --------------------------------------


@pytest.fixture
def two_builds(tmp_path):
    """An index built twice (chapters 0-1, then 0-2): its folder and the chapter files."""
    files = [_chapter(tmp_path / "src", n) for n in range(5)]
    index_dir = tmp_path / "idx" / "index"
    build_index(files[:2], index_dir)
    build_index(files[:3], index_dir)
    return index_dir, files


POINTS = ["written", "renamed", "linked", "swapped"]


@pytest.mark.parametrize("point", POINTS)
def test_a_build_killed_at_any_point_leaves_no_debris_and_keeps_the_right_previous_version(two_builds, point):
    index_dir, files = two_builds
    serving = version_of(index_dir).name
    killed = _cli("build", "--index", index_dir, *files[:4], env={"REPERTOIRE_KILL_BUILD_AT": point})
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    # Before the swap the old version serves; after it, the new one does.
    assert _total(index_dir, "犀鸟") == (4 if point == "swapped" else 3)
    now = version_of(index_dir).name
    build_index(files, index_dir)
    current = version_of(index_dir).name
    assert _listing(index_dir.parent) == sorted([".index.lock", f"index -> {current}", current, now])
    assert read_manifest(version_of(index_dir))["previous"] == now
    # The way back is the version that served before the last build.
    rolled = _cli("rollback", "--index", index_dir)
    assert rolled.returncode == 0, rolled.stderr
    assert (version_of(index_dir).name, _total(index_dir, "犀鸟")) == (now, 4 if point == "swapped" else 3)
    if point != "swapped":
        assert now == serving


@pytest.mark.parametrize("point", ["written", "linked"])
def test_server_start_removes_what_a_killed_build_left(two_builds, tmp_path, point):
    index_dir, files = two_builds
    killed = _cli("build", "--index", index_dir, *files[:4], env={"REPERTOIRE_KILL_BUILD_AT": point})
    assert killed.returncode == -signal.SIGKILL
    debris = [p for p in _listing(index_dir.parent) if p.startswith((".index.build-", ".index.link-"))]
    assert len(debris) == 1, debris
    current = version_of(index_dir).name
    previous = read_manifest(version_of(index_dir))["previous"]
    port = free_port()
    log = tmp_path / "serve.log"
    proc = start_process([sys.executable, "-m", "search", "serve", "--index", str(index_dir), "--port", str(port)],
                         log)
    try:
        wait_for_http(f"http://127.0.0.1:{port}/api/search?q=", proc, log)
    finally:
        stop_process(proc)
    assert _listing(index_dir.parent) == sorted([".index.lock", f"index -> {current}", current, previous])


def test_rollback_without_a_previous_version_says_so_in_one_line(tmp_path):
    index_dir = tmp_path / "index"
    build_index([_chapter(tmp_path / "src", 0)], index_dir)
    result = _cli("rollback", "--index", index_dir)
    assert (result.returncode, result.stderr.splitlines()) == (
        2, [f"error: {index_dir}: no previous index version to roll back to"])
