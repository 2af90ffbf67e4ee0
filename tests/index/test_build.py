"""Building generations: the manifest, incremental builds against full ones, the swap, progress output."""
import json
import os
import pty
import re
import subprocess
import sys

import pytest

from conftest import ENGINES, ROOT, SEED_FILES
from servers import kill_build_when
from search.index.build import build_index
from search.query.searcher import open_searcher
from search.errors import CorpusError, IndexError_
from search.query.params import FACETS, SearchParams
from search.index.store import current_generation, read_manifest, version_of

SEED = SEED_FILES[0]
LINE = "讨论重点主要集中在改进联合国与"  # a line of the seed, changed in the "edited" chapter
QUERIES = ("区域组织", "犀鸟", "和", "非洲联盟 OR 欧洲联盟", "安全 -合作", "")


def _chapter(folder, name, edit=None):
    """A copy of the seed chapter named `name` (its key), with `edit` put in front of LINE."""
    folder.mkdir(parents=True, exist_ok=True)
    text = SEED.read_text(encoding="utf-8")
    assert LINE in text
    if edit:
        text = text.replace(LINE, edit + LINE, 1)
    path = folder / f"{name}.txt"
    path.write_text(text, encoding="utf-8")
    return path


def _answers(index_dir):
    """Everything a user can see of an index: each query's hits (ids, order, groups) and facets, and
    every record by id."""
    engine = open_searcher(index_dir)
    try:
        out = {}
        for q in QUERIES:
            result = engine.search(SearchParams(q=q, per_page=100)).to_dict()
            out[q] = (result["total"], [(h["id"], h["exact"], h["snippet"]) for h in result["hits"]],
                      {f: result["facets"][f] for f in FACETS})
        records = {}
        for chapter in engine.chapters:
            total, page = engine.records_of("chapter", chapter["key"], 1, 10000)
            records.update({r["id"]: engine.record(r["id"]) for r in page})
        return out, records, engine.stats
    finally:
        engine.close()


@pytest.mark.parametrize("engine", ENGINES)
def test_incremental_build_adds_changes_and_removes_chapters_like_a_full_build(tmp_path, engine):
    src = tmp_path / "src"
    a, b, c = _chapter(src, "a"), _chapter(src, "b"), _chapter(src, "c")
    index_dir = tmp_path / "inc" / "index"
    first = build_index([a, b, c], index_dir, engine=engine)
    assert (first["added"], first["changed"], first["removed"], first["unchanged"]) == (3, 0, 0, 0)

    b2 = _chapter(src, "b", edit="犀鸟")
    d = _chapter(src, "d")
    second = build_index([a, b2, d], index_dir, engine=engine)
    assert (second["added"], second["changed"], second["removed"], second["unchanged"]) == (1, 1, 1, 1)

    full_dir = tmp_path / "full" / "index"
    build_index([a, b2, d], full_dir, engine=engine, full=True)
    incremental, full = _answers(index_dir), _answers(full_dir)
    assert incremental[0]["犀鸟"][0] == 1
    assert incremental[0] == full[0]
    assert incremental[2] == full[2]
    # The same records with the same neighbours. Chapter d comes after a and b either way; its
    # number in the manifest is the next free one (3), where a full build numbers a, b, d 0, 1, 2.
    assert incremental[1] == full[1]
    manifest = read_manifest(version_of(index_dir))
    assert [(c["key"], c["seq"], c["units"]) for c in manifest["chapters"]] == [
        ("a", 0, 232), ("b", 1, 232), ("d", 3, 232)]


def test_unchanged_chapters_are_neither_parsed_nor_indexed_again(tmp_path):
    src = tmp_path / "src"
    a, b = _chapter(src, "a"), _chapter(src, "b")
    index_dir = tmp_path / "index"
    build_index([a, b], index_dir)
    stats = build_index([a, b, _chapter(src, "c")], index_dir)
    assert (stats["indexed"], stats["added"], stats["unchanged"], stats["units"]) == (["c"], 1, 2, 696)
    assert build_index([a, b, src / "c.txt"], index_dir)["indexed"] == []
    assert build_index([a, b, src / "c.txt"], index_dir, full=True)["indexed"] == ["a", "b", "c"]


def test_the_previous_version_still_answers_after_an_incremental_build(tmp_path):
    src = tmp_path / "src"
    a, b = _chapter(src, "a"), _chapter(src, "b")
    index_dir = tmp_path / "index"
    build_index([a, b], index_dir)
    old = open_searcher(index_dir)
    before = old.search(SearchParams(q="区域组织")).total
    build_index([a], index_dir)
    assert old.search(SearchParams(q="区域组织")).total == before
    assert open_searcher(index_dir).search(SearchParams(q="区域组织")).total == before // 2
    old.close()


def test_build_writes_a_manifest_and_build_time_statistics(tmp_path):
    index_dir = tmp_path / "index"
    build_index(SEED_FILES, index_dir)
    version = version_of(index_dir)
    assert index_dir.is_symlink() and os.readlink(index_dir) == version.name == current_generation(index_dir)
    manifest = read_manifest(version)
    [chapter] = manifest["chapters"]
    assert (manifest["engine"], chapter["key"], chapter["path"], chapter["seq"], chapter["units"]) == (
        "whoosh", SEED.stem, str(SEED), 0, 232)
    import hashlib

    assert chapter["sha256"] == hashlib.sha256(SEED.read_bytes()).hexdigest()
    stats = json.loads((version / "stats.json").read_text(encoding="utf-8"))
    assert [(m["number"], m["date"], m["decisions"]) for m in stats["meetings"]] == [
        (5007, "2004-07-20", ["主席声明"]), (5041, "2004-09-22", ["主席声明"]),
        (5282, "2005-10-17", ["第 1631(2005)号决议"]), (5529, "2006-09-20", ["主席声明"]),
        (5649, "2007-03-28", ["主席声明"]), (5776, "2007-11-06", ["主席声明"])]
    assert (stats["units"], stats["chapters"]) == (232, 1)
    # The contents: items and sections with the positions of their headings, paragraphs and
    # decisions (A runs from its heading, the 2nd record of item 49, to just before B's), and units.
    assert [(e["item"], e["section"], e["first"], e["last"], e["units"]) for e in chapter["stats"]["contents"]] == [
        (49, None, 0, 113, 222), (49, "A", 1, 23, 47), (49, "B", 24, 70, 101), (49, "C", 71, 91, 44),
        (49, "D", 92, 113, 29), (50, None, 114, 120, 10)]
    assert (stats["items"], stats["sections"], stats["years"]) == (
        2, 4, [["2004", 53], ["2005", 43], ["2006", 56], ["2007", 69]])
    assert stats["contents"] == [{"key": SEED.stem, "repertoire_chapter": None, "units": 232,
                                  "entries": chapter["stats"]["contents"]}]
    assert [(m["number"], m["units"], m["paragraphs"]) for m in stats["meetings"]] == [
        (5007, 45, 21), (5041, 8, 5), (5282, 43, 23), (5529, 56, 22), (5649, 42, 19), (5776, 27, 20)]


def test_a_chapter_counted_by_an_older_version_of_the_statistics_is_counted_again(tmp_path):
    """An index built before a field was added to the chapters' statistics gains it on its next
    build, incrementally: those chapters only are parsed again; the rest of the index stays."""
    from search.index.stats import STATS_VERSION
    from search.index.store import MANIFEST, write_json

    src = tmp_path / "src"
    a, b, c = _chapter(src, "a"), _chapter(src, "b"), _chapter(src, "c")
    index_dir = tmp_path / "index"
    build_index([a, b, c], index_dir)
    version = version_of(index_dir)
    manifest = read_manifest(version)
    for chapter in manifest["chapters"][:2]:  # a and b as an older build counted them
        del chapter["stats_version"], chapter["stats"]["contents"], chapter["stats"]["years"]
    write_json(version / MANIFEST, manifest)
    again = build_index([a, b, c], index_dir)
    assert (again["indexed"], again["unchanged"], again["units"]) == (["a", "b"], 1, 696)
    full_dir = tmp_path / "full"
    build_index([a, b, c], full_dir)
    assert _answers(index_dir) == _answers(full_dir)
    assert [c["stats_version"] for c in read_manifest(version_of(index_dir))["chapters"]] == [STATS_VERSION] * 3
    assert build_index([a, b, c], index_dir)["indexed"] == []


def test_rebuild_changes_generation_and_keeps_one_previous_version(tmp_path):
    index_dir = tmp_path / "index"
    generations = []
    for _ in range(3):
        build_index(SEED_FILES, index_dir)
        generations.append(current_generation(index_dir))
    assert len(set(generations)) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([".index.lock", "index", *generations[1:]])


def test_failed_build_leaves_the_old_index_serving_and_no_debris(tmp_path):
    index_dir = tmp_path / "index"
    build_index(SEED_FILES, index_dir)
    before = current_generation(index_dir)
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01binary")
    with pytest.raises(CorpusError, match="bad.txt"):
        build_index([*SEED_FILES, bad], index_dir)
    with pytest.raises(CorpusError, match="missing.txt: no such file"):
        build_index([tmp_path / "missing.txt"], index_dir)
    with pytest.raises(CorpusError, match="no chapter files"):
        build_index([], index_dir)
    assert current_generation(index_dir) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".index.build")] == []


def test_stale_temp_folder_of_a_killed_build_is_removed(tmp_path):
    index_dir = tmp_path / "index"
    dead_pid = 2 ** 22 + 12345  # above pid_max on Linux: no such process
    stale = tmp_path / f".index.build-{dead_pid}-1"
    stale.mkdir()
    (stale / "manifest.json").write_bytes(b"half")
    build_index(SEED_FILES, index_dir)
    assert not stale.exists() and version_of(index_dir) is not None


def test_legacy_plain_folder_is_replaced_by_the_versioned_layout(tmp_path):
    index_dir = tmp_path / "index"
    index_dir.mkdir()
    (index_dir / "junk").write_text("x")
    build_index(SEED_FILES, index_dir)
    assert index_dir.is_symlink() and version_of(index_dir) is not None


@pytest.mark.parametrize("make", [
    lambda p: None,                       # nothing there
    lambda p: p.mkdir(),                  # an empty folder
    lambda p: p.write_text("not an index"),
])
def test_opening_without_an_index_is_a_clear_error(tmp_path, make):
    path = tmp_path / "index"
    make(path)
    assert version_of(path) is None and current_generation(path) is None
    with pytest.raises(IndexError_, match="python -m search build"):
        open_searcher(path)


def test_parallel_build_gives_the_same_answers_as_one_process(tmp_path, monkeypatch):
    files = [_chapter(tmp_path / "src", f"c{i}") for i in range(8)]
    monkeypatch.setenv("REPERTOIRE_BUILD_PROCS", "1")
    build_index(files, tmp_path / "one" / "index")
    monkeypatch.setenv("REPERTOIRE_BUILD_PROCS", "2")
    build_index(files, tmp_path / "two" / "index")
    assert _answers(tmp_path / "one" / "index") == _answers(tmp_path / "two" / "index")


# --- out of disk space: a real, small tmpfs ----------------------------------------------------

@pytest.fixture
def small_disk(tmp_path):
    """A 3 MB tmpfs (the tests run as root, on CI too): room for one seed index, not for six."""
    mount = tmp_path / "disk"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)], check=True)
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=True)


def test_a_build_that_runs_out_of_disk_space_leaves_the_old_index_serving_and_no_debris(small_disk, tmp_path):
    index_dir = small_disk / "index"
    build_index(SEED_FILES, index_dir)
    before = current_generation(index_dir)
    answer = _answers(index_dir)
    more = [_chapter(tmp_path / "src", f"c{i}") for i in range(6)]
    with pytest.raises(IndexError_, match="No space left on device"):
        build_index(more, index_dir)
    assert current_generation(index_dir) == before
    assert _answers(index_dir) == answer
    assert sorted(p.name for p in small_disk.iterdir()) == sorted([".index.lock", "index", before])


# --- a build killed during an incremental update ------------------------------------------------

def test_a_build_killed_during_an_incremental_update_leaves_the_index_serving(tmp_path):
    src = tmp_path / "src"
    files = [_chapter(src, f"c{i:02d}") for i in range(4)]
    index_dir = tmp_path / "index"
    build_index(files, index_dir)
    generation, answer = current_generation(index_dir), _answers(index_dir)
    more = files + [_chapter(src, f"n{i:02d}") for i in range(12)]
    # Killed once a new chapter's texts file is in the build folder: the update is under way, in its
    # hard-linked copy.
    kill_build_when(["--index", index_dir, *more],
                    lambda pid: bool(list(tmp_path.glob(f".index.build-{pid}-*/engine/texts/n*.txt"))))
    assert current_generation(index_dir) == generation
    assert _answers(index_dir) == answer
    # The next build clears the killed one's folder and applies the update.
    stats = build_index(more, index_dir)
    assert (stats["added"], stats["unchanged"]) == (12, 4)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".index.build")] == []


# --- progress ------------------------------------------------------------------------------------

def _run_build(args, tty, command="build"):
    """`python -m search COMMAND ARGS`: (exit code, its stderr) through a pipe, or (exit code,
    everything shown) on a terminal."""
    cmd = [sys.executable, "-m", "search", command, *map(str, args)]
    if not tty:
        result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
        return result.returncode, result.stderr
    controller, terminal = pty.openpty()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdin=terminal, stdout=terminal, stderr=terminal)
    os.close(terminal)
    chunks = []
    while True:
        try:
            data = os.read(controller, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(controller)
    return proc.wait(timeout=120), b"".join(chunks).decode("utf-8", errors="replace")


def test_build_prints_one_line_per_stage_without_a_terminal(tmp_path):
    files = [_chapter(tmp_path / "src", f"c{i}") for i in range(2)]
    code, err = _run_build([*files, "--index", tmp_path / "index"], tty=False)
    assert code == 0
    [line] = err.splitlines()
    assert re.fullmatch(rf"whoosh: 464 units in {re.escape(str(tmp_path / 'index'))}: 2 chapters added, "
                        r"0 changed, 0 removed, 0 unchanged, in \d+\.\d s", line)
    assert "\r" not in err


def test_build_draws_a_progress_bar_on_a_terminal(tmp_path):
    files = [_chapter(tmp_path / "src", f"c{i}") for i in range(3)]
    code, out = _run_build([*files, "--index", tmp_path / "index"], tty=True)
    assert code == 0
    assert out.startswith("whoosh: 3 chapters to index (0 changed), 0 to remove, 0 unchanged\r\n")
    assert "\r[########################] 3/3 章  696 units" in out and "units/s" in out


def test_quiet_build_prints_nothing(tmp_path):
    code, err = _run_build([SEED, "--index", tmp_path / "index", "--quiet"], tty=False)
    assert (code, err) == (0, "")


def test_parse_shows_progress_on_a_terminal_and_one_line_without(tmp_path):
    files = [_chapter(tmp_path / "src", f"c{i}") for i in range(2)]
    code, out = _run_build(files, tty=True, command="parse")
    assert code == 0 and "\r[########################] 2/2 章  464 units" in out
    code, err = _run_build(files, tty=False, command="parse")
    assert (code, err) == (0, "parsed 2 chapters: 464 units\n")


def test_whoosh_is_changed_in_build_workers_only(tmp_path):
    """A build's speed-up of Whoosh's writer (a remembered column look-up) stays in its worker
    processes: the process that builds, and a server that reads, keep Whoosh's own class."""
    from whoosh.codec.whoosh3 import W3PerDocReader

    original = W3PerDocReader.has_column
    build_index(SEED_FILES, tmp_path / "index", engine="whoosh")
    assert (W3PerDocReader.has_column, getattr(W3PerDocReader, "_repertoire_memo", False)) == (original, False)
