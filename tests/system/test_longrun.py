"""Running for years: chapters added and removed one at a time, 200 times, on each engine, while a
gunicorn worker with a low limit of open files (`ulimit -n` 256) answers searches all along.

Descriptors of the worker and the index's segments must stay bounded (superseded versions are
closed when their last request ends, Whoosh merges its segments), and no request may fail. The
figures over time (descriptors, segments, median query time every 20 chapters) are
`bench/longrun.py`'s; here only what cannot depend on the machine's speed is asserted.
"""
import os
import sys
import threading

import pytest
import requests

from paths import DATA, ROOT, SEED
from servers import children, free_port, open_files, start_process, stop_process, wait_for_http
from search.engines import engine_class, engine_files
from search.index.build import build_index
from search.index.store import version_of

STEPS = 200
KEPT = 4          # small chapters in the index at a time: each build adds one and removes the oldest
MAX_FILES = 256   # the worker's `ulimit -n`
WORD = "犀鸟"


def small_chapters(folder, n):
    """`n` small chapters (tests/data/two_items.txt) of their own keys, the i-th carrying 犀鸟<i>."""
    folder.mkdir(parents=True, exist_ok=True)
    text = (DATA / "two_items.txt").read_text(encoding="utf-8")
    out = []
    for i in range(n):
        path = folder / f"c{i:03d}.txt"
        path.write_text(text.replace("第一个项目的段落", f"第一个项目的段落{WORD}{i:03d}", 1), encoding="utf-8")
        out.append(path)
    return out


class Searching(threading.Thread):
    """Searches the server over and over until stopped; keeps every status that was not 200."""

    def __init__(self, base):
        super().__init__(daemon=True)
        self.base, self.failures, self.count, self.stop = base, [], 0, threading.Event()

    def run(self):
        with requests.Session() as session:
            while not self.stop.is_set():
                for q in (WORD, "区域组织"):
                    try:
                        r = session.get(f"{self.base}/api/search", params={"q": q}, timeout=30)
                        status = r.status_code
                    except requests.RequestException as exc:
                        status = repr(exc)
                    self.count += 1
                    if status != 200:
                        self.failures.append(status)
                self.stop.wait(0.02)


@pytest.mark.parametrize("engine", ["whoosh", "tantivy"])
def test_adding_and_removing_chapters_200_times_keeps_descriptors_and_segments_bounded(tmp_path, engine):
    chapters = small_chapters(tmp_path / "src", STEPS)
    index_dir = tmp_path / "index"
    build_index([SEED], index_dir, engine=engine)
    port = free_port()
    log = tmp_path / "gunicorn.log"
    env = {**os.environ, "REPERTOIRE_INDEX_DIR": str(index_dir), "WEB_CONCURRENCY": "1",
           "REPERTOIRE_BIND": f"127.0.0.1:{port}", "PYTHONUNBUFFERED": "1"}
    proc = start_process([sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"),
                          "search:create_app()"], log, env=env, max_files=MAX_FILES)
    base = f"http://127.0.0.1:{port}"
    searching = Searching(base)
    files, segments = [], []
    try:
        wait_for_http(base + "/api/search?q=", proc, log, timeout=120)
        [worker] = children(proc.pid)
        searching.start()
        for step in range(STEPS):
            build_index([SEED, *chapters[max(0, step - KEPT + 1):step + 1]], index_dir, engine=engine)
            if step % 20 == 19:
                # One request on the new version, then count what the worker holds.
                assert requests.get(base + "/api/search", params={"q": WORD}, timeout=30).json()["total"] == min(
                    step + 1, KEPT)
                files.append(open_files(worker))
                segments.append(engine_class(engine).segments(engine_files(version_of(index_dir))))
    finally:
        searching.stop.set()
        searching.join(timeout=60)
        stop_process(proc)
    assert searching.failures == [] and searching.count > STEPS, (searching.failures[:5], searching.count)
    assert "Too many open files" not in log.read_text()
    # Bounded: no more descriptors after 200 builds than after 20, give or take one version's files,
    # and no more segments than a size class holds before it is merged.
    assert max(files) - files[0] <= 40, files
    assert max(segments) <= 8, segments
    assert children(proc.pid) == [] and proc.returncode is not None
