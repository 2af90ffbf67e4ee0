"""Building, swapping and opening the index; the cached numpy views of it."""
import os
from pathlib import Path

import numpy as np
import pytest

from search import indexer
from search.citations import Citation
from search.corpus import Corpus, Footnote, Paragraph, Source
from search.errors import CorpusError, IndexError_
from search.indexer import build_index, current_generation, index_data, index_exists, open_index


def _paragraph(n, text, order, meeting=5007, date="2004-07-20", footnotes=(), countries=(), orgs=(),
               kind="paragraph", section="A"):
    return Paragraph(id=f"t.49.p{n}", chapter="t", kind=kind, item=49, item_title="区域组织", section=section,
                     section_title="合作", meeting=meeting, date=date, decision=None, text=text,
                     footnotes=tuple(footnotes), countries=tuple(countries), orgs=tuple(orgs),
                     source=Source("t.txt", n), order=order)


def _footnote(n, text, order, symbol, cited_by):
    return Footnote(id=f"t.49.fn{n}", chapter="t", item=49, number=n, text=text,
                    citations=(Citation(symbol, ("3",), ("法国",)),), countries=("FRA",), orgs=(),
                    meeting=5007, date="2004-07-20", cited_by=(cited_by,), source=Source("t.txt", 90 + n),
                    order=order)


def tiny_corpus(extra=""):
    """Three paragraphs and a footnote, by hand."""
    return Corpus(
        paragraphs=(
            _paragraph(1, "2004 年 7 月 20 日(第 5007 次会议)的决定：", 0, kind="heading"),
            _paragraph(2, "安全理事会举行了专题辩论，非洲联盟代表发了言。" + extra, 1, footnotes=(1,),
                       countries=("FRA",), orgs=("AU",)),
            _paragraph(3, "联合王国代表欧洲联盟发言。", 3, meeting=5041, date="2004-10-19", countries=("GBR",),
                       orgs=("EU",), section="B"),
        ),
        footnotes=(_footnote(1, "S/PV.5007，第 3 页(法国)。", 2, "S/PV.5007", "t.49.p2"),),
    )


def _texts(index_dir):
    ix = open_index(index_dir)
    with ix.searcher() as s:
        return sorted(f["id"] for f in s.all_stored_fields())


def test_build_indexes_every_record_and_swaps_in_a_version_folder(tmp_path):
    index_dir = tmp_path / "index"
    stats = build_index(tiny_corpus(), index_dir)
    assert stats["units"] == 4
    assert index_dir.is_symlink()
    assert index_exists(index_dir)
    assert current_generation(index_dir) == os.readlink(index_dir)
    assert _texts(index_dir) == ["t.49.fn1", "t.49.p1", "t.49.p2", "t.49.p3"]


def test_rebuild_changes_generation_and_keeps_one_previous_version(tmp_path):
    index_dir = tmp_path / "index"
    generations = []
    for _ in range(3):
        build_index(tiny_corpus(), index_dir)
        generations.append(current_generation(index_dir))
    assert len(set(generations)) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["index", *generations[1:]])


def test_open_index_stays_on_its_version_after_a_swap(tmp_path):
    index_dir = tmp_path / "index"
    build_index(tiny_corpus(), index_dir)
    ix = open_index(index_dir)
    build_index(tiny_corpus("第二版。"), index_dir)
    assert ix.generation != current_generation(index_dir)
    with ix.searcher() as s:
        assert s.doc_count() == 4
    assert open_index(index_dir).generation == current_generation(index_dir)


def test_failed_build_leaves_the_old_index_serving(tmp_path, monkeypatch):
    index_dir = tmp_path / "index"
    build_index(tiny_corpus(), index_dir)
    before = current_generation(index_dir)
    calls = []

    def fail_on_third(record, by_id, real=indexer.record_to_document):
        calls.append(record.id)
        if len(calls) == 3:
            raise RuntimeError("disk on fire")
        return real(record, by_id)

    monkeypatch.setattr(indexer, "record_to_document", fail_on_third)
    with pytest.raises(RuntimeError):
        build_index(tiny_corpus("新的。"), index_dir)
    assert current_generation(index_dir) == before
    assert _texts(index_dir) == ["t.49.fn1", "t.49.p1", "t.49.p2", "t.49.p3"]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_stale_temp_folder_of_a_killed_build_is_removed(tmp_path):
    index_dir = tmp_path / "index"
    dead_pid = 2 ** 22 + 12345  # above pid_max on Linux: no such process
    stale = tmp_path / f".index.build-{dead_pid}-1"
    stale.mkdir()
    (stale / "_MAIN_1.toc").write_bytes(b"half")
    build_index(tiny_corpus(), index_dir)
    assert not stale.exists()
    assert index_exists(index_dir)


def test_parse_error_is_reported_and_nothing_is_swapped(tmp_path):
    index_dir = tmp_path / "index"
    build_index(tiny_corpus(), index_dir)
    before = current_generation(index_dir)
    with pytest.raises(CorpusError, match="missing.txt"):
        build_index([tmp_path / "missing.txt"], index_dir)
    with pytest.raises(CorpusError, match="no chapter files"):
        build_index([], index_dir)
    assert current_generation(index_dir) == before


def test_legacy_plain_folder_is_replaced_by_the_versioned_layout(tmp_path):
    index_dir = tmp_path / "index"
    index_dir.mkdir()
    (index_dir / "junk").write_text("x")
    build_index(tiny_corpus(), index_dir)
    assert index_dir.is_symlink() and index_exists(index_dir)


@pytest.mark.parametrize("make", [
    lambda p: None,                       # nothing there
    lambda p: p.mkdir(),                  # an empty folder
    lambda p: p.write_text("not an index"),
])
def test_open_index_without_an_index_is_a_clear_error(tmp_path, make):
    path = tmp_path / "index"
    make(path)
    assert not index_exists(path)
    assert current_generation(path) is None
    with pytest.raises(IndexError_, match="python -m search build"):
        open_index(path)


def test_index_data_columns_and_facets(tmp_path):
    build_index(tiny_corpus(), tmp_path / "index")
    ix = open_index(tmp_path / "index")
    with ix.searcher() as s:
        data = index_data(s)
        ids = [s.stored_fields(int(d))["id"] for d in data.by_order]
        assert ids == ["t.49.p1", "t.49.p2", "t.49.fn1", "t.49.p3"]
        assert sorted(data.dateint.tolist()) == [20040720, 20040720, 20040720, 20041019]
        facets = {f: {v: sorted(s.stored_fields(int(d))["id"] for d in data.facets[f].docs_of(v))
                      for v in data.facets[f].values}
                  for f in ("country", "org", "meeting", "kind", "section", "symbol")}
        assert facets == {
            "country": {"FRA": ["t.49.fn1", "t.49.p2"], "GBR": ["t.49.p3"]},
            "org": {"AU": ["t.49.p2"], "EU": ["t.49.p3"]},
            "meeting": {"5007": ["t.49.fn1", "t.49.p1", "t.49.p2"], "5041": ["t.49.p3"]},
            "kind": {"footnote": ["t.49.fn1"], "heading": ["t.49.p1"], "paragraph": ["t.49.p2", "t.49.p3"]},
            "section": {"49.A": ["t.49.fn1", "t.49.p1", "t.49.p2"], "49.B": ["t.49.p3"]},
            "symbol": {"S/PV.5007": ["t.49.fn1", "t.49.p2"]},
        }
        assert index_data(s) is data  # cached per set of segments
        mask = np.zeros(data.n, dtype=bool)
        mask[data.facets["kind"].docs_of("paragraph")] = True
        counts = dict(zip(data.facets["country"].values, data.facets["country"].counts(mask).tolist()))
        assert counts == {"FRA": 1, "GBR": 1}


def test_paragraph_stores_its_footnotes_with_citations(tmp_path):
    build_index(tiny_corpus(), tmp_path / "index")
    ix = open_index(tmp_path / "index")
    from search.query import get_record

    with ix.searcher() as s:
        record = get_record(s, "t.49.p2")
    assert record["footnotes"] == [{
        "number": 1, "id": "t.49.fn1", "text": "S/PV.5007，第 3 页(法国)。",
        "citations": [{"symbol": "S/PV.5007", "pages": ["3"], "speakers": ["法国"], "on_behalf_of": None,
                       "url": "https://undocs.org/zh/S/PV.5007", "url_en": "https://undocs.org/en/S/PV.5007"}],
    }]
    assert record["countries"] == [{"code": "FRA", "zh": "法国", "en": "France"}]


def test_seed_build_indexes_every_record(seed_corpus, tmp_path):
    stats = build_index(seed_corpus, tmp_path / "index")
    assert stats["units"] == len(seed_corpus.paragraphs) + len(seed_corpus.footnotes)
    assert Path(tmp_path / "index").is_symlink()


def test_parallel_build_gives_the_same_index_in_several_segments(tmp_path, monkeypatch):
    build_index(tiny_corpus(), tmp_path / "one")
    monkeypatch.setattr(indexer, "_procs", lambda count: 2)
    build_index(tiny_corpus(), tmp_path / "two")
    from search.query import SearchParams, run_search

    results = []
    for name in ("one", "two"):
        ix = open_index(tmp_path / name)
        with ix.searcher() as s:
            r = run_search(s, SearchParams(q="联盟", sort="document")).to_dict()
            results.append(([h["id"] for h in r["hits"]], r["facets"], len(s.reader().leaf_readers())))
    assert results[0][:2] == results[1][:2]
    assert (results[0][2], results[1][2]) == (1, 2)
