"""The units' vectors belong to the index generation: what gets one, incremental builds that embed only
new text, hard links for unchanged chapters, memory-mapped reading."""
import json
import os
from pathlib import Path

import numpy as np
import pytest

from paths import SEED_FILES
from search.index.build import build_index
from search.index.store import version_of
from search.index.vectors import ALL, FOLDER, Vectors
from search.reference.citations import is_citation_only

SEED = SEED_FILES[0]
KEY = SEED.stem
LINE = "讨论重点主要集中在改进联合国与"  # a line of the seed's paragraph 49.p7


def _copy(folder, name, edit=None):
    folder.mkdir(parents=True, exist_ok=True)
    text = SEED.read_text(encoding="utf-8")
    if edit:
        text = text.replace(LINE, edit + LINE, 1)
    path = folder / f"{name}.txt"
    path.write_text(text, encoding="utf-8")
    return path


def _meta(index_dir, key):
    return json.loads((version_of(index_dir) / FOLDER / f"{key}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def seed_vectors(seed_indexes):
    return version_of(seed_indexes("whoosh"))


def test_paragraphs_clauses_and_notes_that_say_something_get_a_vector(seed_vectors, seed_corpus):
    ids = set(json.loads((seed_vectors / FOLDER / f"{KEY}.json").read_text(encoding="utf-8"))["ids"])
    records = {r.id: r for r in seed_corpus.records()}
    expected = {i for i, r in records.items()
                if r.kind in ("paragraph", "decision")
                or (r.kind == "footnote" and not is_citation_only(r.text))
                or (r.kind == "heading" and len(r.text.strip()) >= 8 and "的决定" not in r.text)}
    assert ids == expected
    assert f"{KEY}.49.fn8" not in ids and f"{KEY}.49.p4" not in ids  # a citation, a date heading
    # Of the notes, only the two that say something: not a citation, not "会议讨论详情，见第十三章第三部分 A 节。"
    assert sorted(i.removeprefix(f"{KEY}.") for i in ids if ".fn" in i) == ["49.fn46", "50.fn2"]


def test_the_generation_maps_one_float16_row_per_unit(seed_vectors):
    vectors = Vectors.open(seed_vectors)
    chapter = np.load(seed_vectors / FOLDER / f"{KEY}.npy")
    assert (vectors.matrix.dtype, vectors.matrix.shape) == (np.float16, chapter.shape)
    assert isinstance(vectors.matrix, np.memmap)
    assert np.array_equal(np.asarray(vectors.matrix), chapter)
    row = vectors.row(f"{KEY}.49.p42")
    assert vectors.record_id(row) == f"{KEY}.49.p42"
    rows, cosines = vectors.nearest(vectors.matrix[row], 1)
    assert (rows.tolist(), round(float(cosines[0]), 2)) == ([row], 1.0)
    assert vectors.row("nope") is None


def test_an_incremental_build_embeds_only_new_text_and_links_the_rest(tmp_path):
    src, index_dir = tmp_path / "src", tmp_path / "index"
    build_index([_copy(src, "a"), _copy(src, "b")], index_dir)
    first = version_of(index_dir)
    rows_a = np.load(first / FOLDER / "a.npy")
    stats = build_index([_copy(src, "a", edit="另外，"), _copy(src, "b")], index_dir)
    second = version_of(index_dir)
    manifest = json.loads((second / "manifest.json").read_text(encoding="utf-8"))
    assert (stats["indexed"], [c.get("embedded") for c in manifest["chapters"] if c["key"] == "a"]) == (["a"], [1])
    assert (second / FOLDER / "b.npy").stat().st_ino == (first / FOLDER / "b.npy").stat().st_ino
    meta = _meta(index_dir, "a")
    changed = meta["ids"].index("a.49.p7")
    rows = np.load(second / FOLDER / "a.npy")
    kept = [i for i in range(len(rows)) if i != changed]
    assert np.array_equal(rows[kept], rows_a[kept]) and not np.array_equal(rows[changed], rows_a[changed])
    assert Vectors.open(second).matrix.shape[0] == 2 * len(rows)


def test_a_removed_chapter_leaves_the_generations_vectors(tmp_path):
    src, index_dir = tmp_path / "src", tmp_path / "index"
    build_index([_copy(src, "a"), _copy(src, "b")], index_dir)
    build_index([_copy(src, "b")], index_dir)
    version = version_of(index_dir)
    assert sorted(p.name for p in (version / FOLDER).iterdir()) == ["b.json", "b.npy"]
    vectors = Vectors.open(version)
    assert vectors.row("a.49.p7") is None and vectors.row("b.49.p7") is not None


def test_an_index_without_vectors_serves_without_meaning(tmp_path):
    index_dir = tmp_path / "index"
    build_index([_copy(tmp_path / "src", "a")], index_dir)
    (version_of(index_dir) / ALL).unlink()
    assert Vectors.open(version_of(index_dir)) is None


def test_the_two_step_search_finds_what_a_full_float16_scan_finds(seed_vectors):
    vectors = Vectors.open(seed_vectors)
    for record in ("49.p42", "49.p91", "49.fn46", "50.p6"):
        query = np.asarray(vectors.matrix[vectors.row(f"{KEY}.{record}")], dtype=np.float32)
        rows, sims = vectors.nearest(query, 20)
        exact_rows, exact_sims = vectors.nearest_exact(query, 20)
        assert rows.tolist() == exact_rows.tolist() and np.allclose(sims, exact_sims, atol=2e-3)


def _mapped_files():
    return {line.split(maxsplit=5)[-1].strip() for line in Path("/proc/self/maps").read_text().splitlines()
            if len(line.split(maxsplit=5)) == 6}


def test_a_search_reads_the_rows_it_reranks_without_mapping_the_float16_file(seed_vectors):
    vectors = Vectors.open(seed_vectors)
    row = vectors.row(f"{KEY}.49.p42")
    query = vectors.read([row])[0]
    rows, cosines = vectors.nearest(query, 3)
    float16_file = os.path.realpath(seed_vectors / ALL)
    assert float16_file not in _mapped_files()
    assert np.array_equal(vectors.read(rows), np.asarray(vectors.matrix[rows], dtype=np.float32))
    assert float16_file in _mapped_files()  # the full scans' map, asked for: the check sees maps
    assert (int(rows[0]), round(float(cosines[0]), 2)) == (row, 1.0)
    vectors.close()


def test_a_float16_file_cut_short_leaves_the_generation_without_meaning(tmp_path):
    index_dir = tmp_path / "index"
    build_index([_copy(tmp_path / "src", "a")], index_dir)
    path = version_of(index_dir) / ALL
    path.write_bytes(path.read_bytes()[:-512])
    assert Vectors.open(version_of(index_dir)) is None
