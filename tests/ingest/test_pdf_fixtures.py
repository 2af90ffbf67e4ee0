"""The fixture PDFs of tests/data/pdf/ (LibreOffice Writer, Chromium, reportlab, XeLaTeX: fixtures.json)
read back as exactly the records of the text chapters they were made from, parsed and built with
both engines; `python -m search inspect` on them (summary, body text, pictures)."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from conftest import ENGINES, records_without_source
from paths import DATA, ROOT
from search.index.build import build_index
from search.ingest.pdf_inspect import COLOURS, body_text, inspect_pdf, page_boxes, to_pixels
from search.query.searcher import open_searcher
from search.reference.resolve import parse_chapter

FIXTURES = json.loads((DATA / "pdf" / "fixtures.json").read_text(encoding="utf-8"))
SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _pdf(name):
    return DATA / "pdf" / FIXTURES[name]["file"]


def _source(name):
    return ROOT / FIXTURES[name]["source"]


@pytest.fixture(scope="module")
def sources():
    """The text sources' records, parsed once: {source path: Corpus}."""
    return {path: parse_chapter(path) for path in {_source(name) for name in FIXTURES}}


def test_the_set_has_four_producers_and_a_dozen_pdfs():
    assert (len(FIXTURES), sorted({f["producer"] for f in FIXTURES.values()})) == (
        14, ["chromium", "reportlab", "writer", "xelatex"])


@pytest.mark.parametrize("name", FIXTURES)
def test_fixture_pdf_gives_exactly_its_sources_records(name, sources, tmp_path):
    # Named like its source, the PDF gives the same ids.
    pdf = tmp_path / f"{_source(name).stem}.pdf"
    shutil.copyfile(_pdf(name), pdf)
    got = parse_chapter(pdf)
    assert (records_without_source(got), got.warnings) == (records_without_source(sources[_source(name)]), ())


def _index_contents(index_dir):
    """Every chapter's entry (its file aside) and every record (its source line aside) of an index."""
    searcher = open_searcher(index_dir)
    try:
        chapters = [{k: v for k, v in c.items() if k not in ("path", "sha256")} for c in searcher.chapters]
        records = {}
        for chapter in searcher.chapters:
            _, page = searcher.records_of("chapter", chapter["key"], 1, 10000)
            for r in page:
                record = searcher.record(r["id"])
                del record["source"]
                records[r["id"]] = record
        return chapters, records
    finally:
        searcher.close()


@pytest.fixture(scope="module")
def text_twins(tmp_path_factory):
    """Each fixture's text source, copied under the fixture's name (so the same chapter keys)."""
    folder = tmp_path_factory.mktemp("twins")
    twins = []
    for name in FIXTURES:
        twin = folder / f"{Path(FIXTURES[name]['file']).stem}.txt"
        shutil.copyfile(_source(name), twin)
        twins.append(twin)
    return twins


@pytest.mark.parametrize("engine", ENGINES)
def test_the_whole_set_builds_to_the_index_its_text_sources_build(engine, text_twins, tmp_path):
    pdf_index, text_index = tmp_path / "pdf" / "index", tmp_path / "text" / "index"
    build_index([_pdf(name) for name in FIXTURES], pdf_index, engine=engine)
    build_index(text_twins, text_index, engine=engine)
    pdf_chapters, pdf_records = _index_contents(pdf_index)
    text_chapters, text_records = _index_contents(text_index)
    assert (len(pdf_chapters), len(pdf_records)) == (14, 7 * 232 + 7 * 73)
    assert (pdf_chapters, pdf_records) == (text_chapters, text_records)


# ---------------------------------------------------------------- inspect


def _with_markers(record):
    text, at = "", 0
    for number, offset in record.marker_offsets:
        text += record.text[at:offset] + str(number).translate(SUPERSCRIPT)
        at = offset
    return text + record.text[at:]


@pytest.mark.parametrize("name", FIXTURES)
def test_inspect_text_is_the_sources_body_in_order(name, sources):
    document, _ = inspect_pdf(_pdf(name))
    expected = [_with_markers(p) for p in sources[_source(name)].paragraphs]
    assert body_text(document).splitlines() == expected


def _inspect(*args):
    return subprocess.run([sys.executable, "-m", "search", "inspect", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300, env={**os.environ, "PYTHONUNBUFFERED": "1"})


def test_inspect_command_prints_a_summary_per_page():
    # three_items (19 headings, 30 paragraphs and clauses, 24 notes) set by XeLaTeX in two columns
    # of A5, notes at the foot of each column: item 50's nine notes on page 1, item 51's eight on
    # page 2 and its last two on page 3 with item 52's five; on each page one paragraph or clause
    # runs on from the column or page before (counted on both pages: 18 + 15 = 30 + 3).
    result = _inspect(_pdf("xelatex-three-2col"))
    assert (result.returncode, result.stderr, result.stdout.splitlines()) == (0, "", [
        "page 1 (420 × 595 pt): 2 columns",
        "  headings 4, paragraphs 7, decision clauses 1, footnotes 9 (1–9), markers 9",
        "  1 block running on from the column or page before",
        '  running heads dropped: "09-25533(C)", "1"',
        "page 2 (420 × 595 pt): 2 columns",
        "  headings 9, paragraphs 5, decision clauses 8, footnotes 8 (1–8), markers 8",
        "  1 block running on from the column or page before",
        '  running heads dropped: "09-25533(C)", "2"',
        "page 3 (420 × 595 pt): 2 columns",
        "  headings 6, paragraphs 6, decision clauses 6, footnotes 7 (9–10, 1–5), markers 7",
        "  1 block running on from the column or page before",
        '  running heads dropped: "09-25533(C)", "3"',
        "3 pages: headings 19, paragraphs 18, decision clauses 15, footnotes 24, markers 24",
    ])


def test_inspect_text_command_prints_the_body_one_block_a_line(sources):
    result = _inspect(_pdf("chromium-three-1col-spaced"), "--text")
    body = [_with_markers(p) for p in sources[DATA / "three_items.txt"].paragraphs]
    assert (result.returncode, result.stderr, result.stdout.splitlines()) == (0, "", body)


def test_inspect_refuses_what_is_not_a_pdf_in_one_line(tmp_path):
    path = tmp_path / "notes.pdf"
    path.write_text("49. 这不是 PDF 文件\n", encoding="utf-8")
    result = _inspect(path)
    assert (result.returncode, result.stdout, result.stderr) == (2, "", f"error: {path}: not a PDF file (no %PDF- header)\n")


@pytest.mark.parametrize("name", ["writer-seed-2col-labels", "chromium-three-multicol-valign"])
def test_inspect_png_draws_every_page_with_its_blocks_outlined_in_their_colours(name, tmp_path):
    result = _inspect(_pdf(name), "--png", tmp_path)
    document, _ = inspect_pdf(_pdf(name))
    pictures = sorted(tmp_path.glob("*.png"))
    assert (result.returncode, [p.name for p in pictures]) == (
        0, [f"page-{n:03d}.png" for n in range(1, FIXTURES[name]["pages"] + 1)])
    seen = set()
    for layout, picture in zip(document.pages, pictures):
        image = Image.open(picture).convert("RGB")
        assert image.size == (round(layout.width * 2), round(layout.height * 2) + 44)
        for box in page_boxes(document, layout):
            if box.kind == "marker":
                continue
            left, top, right, bottom = to_pixels(box.box, (0, 0), layout.height, 2.0)
            middle = (top + bottom) // 2
            # The outline, two pixels wide, just outside the box: on its left or its right side.
            edge = {image.getpixel((left - 2, middle)), image.getpixel((right + 2, middle))}
            assert COLOURS[box.kind] in edge, (picture.name, box)
            seen.add(box.kind)
    kinds = {"heading", "paragraph", "decision", "footnote"} | ({"running head"} if FIXTURES[name]["running_heads"] else set())
    assert seen == kinds


# ---------------------------------------------------------------- several items, several chapters

# Hand-listed from tests/data/three_items.txt: the paragraph (its words up to the first comma)
# citing each of the notes numbered 1 to 3 of each item, and the note's text.
FIRST_NOTES = [
    (50, "在 2004 年 9 月 22 日的第 5041 次会议上", 1, "S/2004/722。"),
    (50, "在 2004 年 9 月 22 日的第 5041 次会议上", 2, "巴西、法国、德国、菲律宾、罗马尼亚和西班牙分别由各自的外交部长代表，巴基斯坦由"
                                     "外交国务部长代表，安哥拉由对外关系部长代表，联合王国由外交及联邦事务部国务秘书代表。"),
    (50, "秘书长致开场白；他强调", 3, "S/PV.5041，第 2 和 3 页。"),
    (51, "在 2004 年 4 月 22 日第 4948 次会议上", 1, "会议讨论详情，见第八章第一部分 B 节。"),
    (51, "在 2004 年 4 月 22 日第 4948 次会议上", 2, "S/2004/2。"),
    (51, "在 2004 年 4 月 22 日第 4948 次会议上", 3, "S/2004/300。"),
    (52, "在 2004 年 10 月 6 日第 5052 次会议上", 1, "会议讨论详情，见第九章第二部分。"),
    (52, "在 2004 年 10 月 6 日第 5052 次会议上", 2, "S/PV.5052 和 S/PV.5052(Resumption 1)。"),
    (52, "秘书长指出", 3, "S/PV.5052，第 3 页。"),
]


def _first_notes(searcher, key):
    """(item, words up to the first comma, note number, note text) of each paragraph's notes 1 to 3, read from the index."""
    found = []
    _, page = searcher.records_of("chapter", key, 1, 1000)
    for summary in page:
        if summary["kind"] == "footnote":
            continue
        paragraph = searcher.record(summary["id"])
        for cited in paragraph["footnotes"]:
            note = searcher.record(cited["id"])
            # The note is the item's, and names the paragraph as citing it.
            assert (note["id"], note["cited_by"][0]) == (f"{key}.{paragraph['item']}.fn{cited['number']}", paragraph["id"])
            if cited["number"] <= 3:
                found.append((paragraph["item"], paragraph["text"].split("，")[0], cited["number"], note["text"]))
    return found


def test_notes_numbered_from_1_in_each_item_stay_with_their_paragraphs_built_with_the_seed(tmp_path):
    # The Chromium PDF sets the notes of two items on one page (items 50 and 51, then 51 and 52).
    pdf = tmp_path / "three_items_pdf.pdf"
    shutil.copyfile(_pdf("chromium-three-multicol-valign"), pdf)
    index_dir = tmp_path / "index"
    build_index([*sorted((ROOT / "seeds").glob("*.txt")), DATA / "three_items.txt", pdf], index_dir)
    searcher = open_searcher(index_dir)
    try:
        assert (_first_notes(searcher, "three_items"), _first_notes(searcher, "three_items_pdf")) == (
            FIRST_NOTES, FIRST_NOTES)
        assert [c["key"] for c in searcher.chapters] == ["000_433e06851ef59419", "three_items", "three_items_pdf"]
    finally:
        searcher.close()
