"""Files that are not what they seem, given to a real `python -m search build`: a chapter cut between
two characters, a FIFO named like a chapter, a link to /dev/zero, a whole PDF with bytes after it."""
import os
import subprocess
import sys

import pytest

from paths import ROOT, SEED
from pdf_fixtures import LAYOUTS, write_chapter_pdf
from search.index.build import build_index
from search.query.params import SearchParams
from search.query.searcher import open_searcher
from search.reference.resolve import parse_chapter


def _build(index_dir, *files, timeout=60):
    return subprocess.run([sys.executable, "-m", "search", "build", "--index", str(index_dir), *map(str, files)],
                          cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def _units(index_dir):
    searcher = open_searcher(index_dir)
    try:
        return searcher.search(SearchParams(q="")).total
    finally:
        searcher.close()


def test_a_chapter_cut_between_two_characters_is_indexed_up_to_the_cut_with_a_warning(tmp_path):
    text = SEED.read_text(encoding="utf-8")
    path = tmp_path / "cut.txt"
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    result = _build(tmp_path / "index", path)
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert f"warning: {path}: the file does not end with a line break: it may be cut off; it was read up to " \
           "where it stops" in warnings, warnings
    assert 0 < _units(tmp_path / "index") < len(list(parse_chapter(SEED).records()))


@pytest.mark.parametrize("make, kind", [
    (lambda p: os.mkfifo(p), "a FIFO (named pipe)"),
    (lambda p: p.symlink_to("/dev/zero"), "a character device"),
])
def test_a_file_that_is_not_a_regular_file_is_refused_at_once_in_one_line(tmp_path, make, kind):
    index_dir = tmp_path / "index"
    build_index([SEED], index_dir)
    path = tmp_path / "x.txt"
    make(path)
    result = _build(index_dir, SEED, path, timeout=30)  # a FIFO used to block here for ever
    assert (result.returncode, result.stderr.splitlines()) == (2, [f"error: {path}: is {kind}, not a chapter file"])
    assert _units(index_dir) == len(list(parse_chapter(SEED).records()))


@pytest.mark.parametrize("extra", [b"\r\n", b"\n-- \nsent from the archive\n" * 200, bytes(range(256)) * 64])
def test_a_whole_pdf_followed_by_extra_bytes_is_read(tmp_path, extra):
    seed = parse_chapter(SEED)
    path = tmp_path / f"{SEED.stem}.pdf"
    write_chapter_pdf(path, LAYOUTS[0], seed, font_dir=tmp_path)
    path.write_bytes(path.read_bytes() + extra)
    result = _build(tmp_path / "index", path, timeout=120)
    assert result.returncode == 0, result.stderr
    assert _units(tmp_path / "index") == len(list(seed.records()))
