"""Corpus faults, a killed build and a rebuild under a running server: the serving index survives.

Each build here is a real `python -m search build` process, as an operator would run it.
"""
import os
import shutil
import subprocess
import sys
import threading
import time

import pytest
import requests

from conftest import SEED_FILES
from paths import ROOT
from servers import free_port, kill_build_when, start_process, stop_process, wait_for_http
from search.index.build import build_index
from search.reference.resolve import parse_corpus
from search.query.searcher import open_searcher
from search.query.params import SearchParams
from search.index.store import current_generation

SEED = SEED_FILES[0]
PROBE = "区域组织"
UNIQUE = "犀鸟计划"  # in no chapter of the seed
UNIQUE_LINE = "一些发言者重申，归根结底"


def _build(files, index_dir, timeout=120):
    """`python -m search build --index DIR FILE ...` as a subprocess."""
    return subprocess.run([sys.executable, "-m", "search", "build", "--index", str(index_dir), *map(str, files)],
                          cwd=ROOT, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "PYTHONUNBUFFERED": "1"})


def _answer(index_dir, q=PROBE):
    """(total, hit ids of the first page) for `q` on the index `index_dir` points to now."""
    engine = open_searcher(index_dir)
    result = engine.search(SearchParams.from_mapping({"q": q, "per_page": "50"}))
    engine.close()
    return result.total, [h["id"] for h in result.hits]


def _copies(folder, n):
    """`n` copies of the seed chapter under distinct names (so distinct chapter keys and ids)."""
    folder.mkdir(parents=True, exist_ok=True)
    data = SEED.read_bytes()
    paths = []
    for i in range(n):
        path = folder / f"{i:03d}_copy{i:012d}.txt"
        path.write_bytes(data)
        paths.append(path)
    return paths


def _extra_chapter(folder):
    """A chapter like the seed with UNIQUE added to one paragraph."""
    text = SEED.read_text(encoding="utf-8")
    assert UNIQUE not in text and UNIQUE_LINE in text
    path = folder / "999_extra00000000000.txt"
    path.write_text(text.replace(UNIQUE_LINE, UNIQUE + UNIQUE_LINE, 1), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    """An index of the seed, built once: (its folder, the index_dir inside it)."""
    folder = tmp_path_factory.mktemp("pristine")
    build_index(SEED_FILES, folder / "index")
    return folder


@pytest.fixture
def serving(pristine, tmp_path):
    """A copy of the pristine index for one test: (index_dir, generation, answer to PROBE)."""
    folder = tmp_path / "serving"
    shutil.copytree(pristine, folder, symlinks=True)
    index_dir = folder / "index"
    return index_dir, current_generation(index_dir), _answer(index_dir)


def _assert_untouched(serving):
    index_dir, generation, answer = serving
    assert current_generation(index_dir) == generation
    assert _answer(index_dir) == answer
    assert not list(index_dir.parent.glob(f".{index_dir.name}.build-*")), "a temp build folder was left"


# --- corpus faults ------------------------------------------------------------------------------

def _fault_files():
    seed = SEED.read_bytes()
    utf8 = seed.decode("utf-8")
    return {
        "empty": ("empty.txt", b""),
        "blank-lines": ("blank.txt", b"\n \n\t\n\n"),
        "binary-with-nul": ("binary.txt", bytes(range(256)) * 20),
        "binary-png": ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + os.urandom(2000)),
        "utf16": ("utf16.txt", utf8.encode("utf-16")),
        "latin1-bytes-inside": ("latin1.txt", seed[:5000] + "café ñ".encode("latin-1") + seed[5000:]),
        "big5": ("big5.txt", "安理会".encode("big5", errors="replace") + b"\xff\xfe\xfd" + seed[:3000]),
        "not-a-chapter": ("notes.txt", "这是一份普通的笔记，没有任何条目标题。\n第二行。\n".encode()),
        "truncated-to-3-bytes": ("head.txt", seed[:3]),
    }


FAULTS = ["empty", "blank-lines", "binary-with-nul", "binary-png", "utf16", "latin1-bytes-inside", "big5",
          "not-a-chapter", "truncated-to-3-bytes"]


def _assert_one_line_error(result, name):
    assert result.returncode != 0, result
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, f"expected one line, got:\n{result.stderr}"
    assert lines[0].startswith("error: ") and name in lines[0], lines[0]


@pytest.mark.parametrize("fault", FAULTS)
def test_bad_chapter_file_is_refused_in_one_line_and_the_index_keeps_serving(serving, tmp_path, fault):
    name, data = _fault_files()[fault]
    path = tmp_path / name
    path.write_bytes(data)
    result = _build([path], serving[0])
    _assert_one_line_error(result, name)
    _assert_untouched(serving)


def test_a_bad_file_among_good_ones_fails_the_whole_build(serving, tmp_path):
    bad = tmp_path / "zz_bad.txt"
    bad.write_bytes(b"\x00\x01\x02")
    result = _build([SEED, bad], serving[0])
    _assert_one_line_error(result, "zz_bad.txt")
    _assert_untouched(serving)


@pytest.mark.parametrize("what", ["missing-file", "directory", "missing-folder"])
def test_missing_input_is_refused_in_one_line(serving, tmp_path, what):
    target = {"missing-file": tmp_path / "nope.txt", "directory": tmp_path,
              "missing-folder": tmp_path / "no" / "such" / "chapter.txt"}[what]
    result = _build([target], serving[0])
    _assert_one_line_error(result, target.name)
    _assert_untouched(serving)


def test_unwritable_index_location_is_refused_in_one_line(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = _build([SEED], blocker / "index")
    _assert_one_line_error(result, "a-file")


def test_file_cut_inside_a_character_is_indexed_up_to_the_cut_with_a_warning(serving, tmp_path):
    # The README: "A file cut off in the middle is read up to where it stops, with a warning."
    seed = SEED.read_bytes()
    cut = seed.index(UNIQUE_LINE.encode()) + 1  # inside the first character of that line
    path = tmp_path / "cut.txt"
    path.write_bytes(seed[:cut])
    index_dir = tmp_path / "index"
    build_index(SEED_FILES, index_dir)
    before = current_generation(index_dir)
    result = _build([path], index_dir)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert warnings and "cut.txt" in warnings[0], f"no warning naming the file on stderr:\n{result.stderr}"
    assert current_generation(index_dir) != before
    total, _ = _answer(index_dir, "区域组织")
    assert 0 < total < _answer(serving[0])[0]


# --- a build killed halfway --------------------------------------------------------------------

def test_build_killed_halfway_leaves_the_serving_index_intact(serving, tmp_path):
    index_dir, generation, answer = serving
    files = _copies(tmp_path / "big", 30)

    def writing(pid):  # a temp build folder with something in it
        return any(any(f.iterdir()) for f in index_dir.parent.glob(f".{index_dir.name}.build-{pid}-*"))

    proc = kill_build_when(["--index", index_dir, *files], writing, after=1.0)  # well into writing segments
    assert current_generation(index_dir) == generation
    assert _answer(index_dir) == answer
    [temp] = index_dir.parent.glob(f".{index_dir.name}.build-{proc.pid}-*")
    assert temp.exists()  # the killed build's half-written folder, next to the serving one

    # The next build clears the dead build's folder and swaps in normally.
    result = _build(SEED_FILES, index_dir)
    assert result.returncode == 0, result.stderr
    assert not temp.exists()
    assert current_generation(index_dir) != generation
    assert _answer(index_dir) == answer
    serving_now = (index_dir, current_generation(index_dir), answer)
    _assert_untouched(serving_now)


# --- a rebuild under a running server ----------------------------------------------------------

@pytest.fixture
def server_on_fresh_index(tmp_path):
    """`python -m search serve` over an index of the seed in tmp_path; yields (base URL, index_dir)."""
    index_dir = tmp_path / "live" / "index"
    build_index(SEED_FILES, index_dir)
    port = free_port()
    log_path = tmp_path / "serve.log"
    proc = start_process([sys.executable, "-m", "search", "serve", "--index", str(index_dir),
                          "--host", "127.0.0.1", "--port", str(port)], log_path,
                         env={**os.environ, "PYTHONUNBUFFERED": "1"})
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(base + "/api/search?q=", proc, log_path)
        yield base, index_dir, proc, log_path
    finally:
        stop_process(proc)


class Poller:
    """Threads that keep asking the server while something else happens; they record every failure."""

    PATHS = ("/api/search?q=%E5%8C%BA%E5%9F%9F%E7%BB%84%E7%BB%87", "/search?q=%E5%92%8C%E5%B9%B3&country=FRA",
             "/api/search?meeting=5007&sort=date", "/api/p/{record}", "/", "/meeting/5007")

    def __init__(self, base, record, threads=2):
        self.base, self.record = base, record
        self.stop = threading.Event()
        self.ok, self.errors, self.totals = 0, [], set()
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self._run, args=(i,), daemon=True) for i in range(threads)]

    def _run(self, offset):
        session = requests.Session()
        i = offset
        while not self.stop.is_set():
            path = self.PATHS[i % len(self.PATHS)].format(record=self.record)
            i += 1
            try:
                r = session.get(self.base + path, timeout=10)
                good = r.status_code == 200
                total = r.json()["total"] if good and path.startswith("/api/search?q=") else None
            except (requests.RequestException, ValueError) as exc:
                good, r, total = False, exc, None
            with self.lock:
                if good:
                    self.ok += 1
                    if total is not None:
                        self.totals.add(total)
                else:
                    self.errors.append((path, getattr(r, "status_code", r), getattr(r, "text", "")[:300]))
            self.stop.wait(0.02)  # leave the builder some CPU on a 2-core machine

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for t in self.threads:
            t.join(timeout=15)


def test_server_keeps_answering_during_rebuilds_and_serves_the_new_index_without_restart(
        server_on_fresh_index, tmp_path):
    base, index_dir, proc, log_path = server_on_fresh_index
    record = "000_433e06851ef59419.49.p12"
    first = current_generation(index_dir)
    assert requests.get(f"{base}/api/search", params={"q": UNIQUE}, timeout=10).json()["total"] == 0
    before_total = requests.get(f"{base}/api/search", params={"q": PROBE}, timeout=10).json()["total"]
    copies = _copies(tmp_path / "more", 2)
    extra = _extra_chapter(tmp_path)

    with Poller(base, record) as poller:
        time.sleep(0.5)
        # Two rebuilds in a row: the second one also deletes the version the server started on.
        for files in ([*SEED_FILES, *copies], [*SEED_FILES, *copies, extra]):
            result = _build(files, index_dir)
            assert result.returncode == 0, result.stderr
            time.sleep(0.5)
        time.sleep(1.0)  # requests after the last swap
    assert poller.errors == [], poller.errors[:5]
    assert poller.ok > 20, f"only {poller.ok} requests answered during the rebuilds"
    assert current_generation(index_dir) != first
    assert proc.poll() is None, "the server stopped"

    # The new index is served by the same process: the unique word and the bigger corpus are found.
    found = requests.get(f"{base}/api/search", params={"q": UNIQUE}, timeout=10).json()
    assert found["total"] == 1 and found["hits"][0]["id"].startswith("999_extra00000000000.")
    after_total = requests.get(f"{base}/api/search", params={"q": PROBE}, timeout=10).json()["total"]
    assert after_total == before_total * 4
    assert poller.totals <= {before_total, before_total * 3, after_total}, poller.totals
    # The paragraph the new chapter changed has its own permalink, with its new text.
    seed_text = next(p.text for p in parse_corpus([SEED]).paragraphs if p.id == "000_433e06851ef59419.49.p86")
    assert UNIQUE_LINE in seed_text
    changed = requests.get(f"{base}/api/p/999_extra00000000000.49.p86", timeout=10).json()
    assert changed["text"] == seed_text.replace(UNIQUE_LINE, UNIQUE + UNIQUE_LINE, 1)
    page = requests.get(f"{base}/p/999_extra00000000000.49.p86", timeout=10)
    assert (page.status_code, UNIQUE + UNIQUE_LINE in page.text) == (200, True)
