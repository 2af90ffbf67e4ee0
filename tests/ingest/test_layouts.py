"""The reader takes the same chapter in any layout: the seed re-laid out many ways parses to the seed's records."""
from collections import Counter

import pytest

from conftest import records_without_source
from layouts import PLACEMENTS, render_chapter
from search.reference.resolve import parse_chapter, record_to_dict
from search.ingest.lines import find_markers, sentinel
from paths import DATA, ROOT

SEED = ROOT / "seeds" / "000_433e06851ef59419.txt"
SEEDS = range(40)


@pytest.fixture(scope="module")
def seed():
    return parse_chapter(SEED)


@pytest.fixture(scope="module")
def seed_dict(seed):
    return {
        "paragraphs": [record_to_dict(p) for p in seed.paragraphs],
        "footnotes": [record_to_dict(f) for f in seed.footnotes],
    }


def parse_text(tmp_path, text):
    # The file keeps the seed's name, so that ids (which carry the chapter key) are the seed's.
    path = tmp_path / SEED.name
    path.write_bytes(text.encode("utf-8"))
    return parse_chapter(path)


@pytest.mark.parametrize("layout_seed", SEEDS)
def test_seed_in_a_random_layout_parses_to_the_seed_records(seed, seed_dict, tmp_path, layout_seed):
    rendering = render_chapter(seed_dict, layout_seed)
    corpus = parse_text(tmp_path, rendering.text)
    assert records_without_source(corpus) == records_without_source(seed), rendering.layout
    assert corpus.warnings == ()


@pytest.mark.parametrize("width", [8, 9, 80])
@pytest.mark.parametrize("trailing", [False, True])
def test_seed_at_the_extreme_widths_parses_to_the_seed_records(seed, seed_dict, tmp_path, width, trailing):
    rendering = render_chapter(seed_dict, 1000 + width, width=width, trailing=trailing, cut=0.5, carry=0.3)
    corpus = parse_text(tmp_path, rendering.text)
    assert records_without_source(corpus) == records_without_source(seed), rendering.layout
    assert corpus.warnings == ()


def test_the_random_layouts_cover_every_variation(seed_dict):
    renderings = [render_chapter(seed_dict, s) for s in SEEDS]
    layouts = [r.layout for r in renderings]
    assert {layout.newline for layout in layouts} == {"\n", "\r\n"}
    assert {layout.indent for layout in layouts} == {" ", "  ", "\t"}
    assert {layout.trailing for layout in layouts} == {False, True}
    widths = [layout.width for layout in layouts]
    assert min(widths) < 16 and max(widths) > 70
    stats = sum((r.stats for r in renderings), Counter())
    assert set(stats) == set(PLACEMENTS) | {"pages", "carried", "cut"}
    assert min(stats[p] for p in PLACEMENTS) > 500  # of 40 × 111 markers
    # Footnotes cut at a page's end (the rest opening the next page's footnotes) in many layouts.
    assert sum(1 for r in renderings if r.stats["cut"]) >= 10


def test_a_layout_without_trailing_spaces_has_none(seed_dict):
    rendering = render_chapter(seed_dict, 5, trailing=False, newline="\r\n", indent="\t")
    lines = rendering.text.split("\r\n")
    assert [line for line in lines if line != line.rstrip()] == []
    assert "\n" not in "".join(lines)
    assert sum(1 for line in lines if line.startswith("\t")) > 100


def test_a_stray_trailing_space_does_not_make_every_line_end_a_paragraph(seed, seed_dict, tmp_path):
    rendering = render_chapter(seed_dict, 11, trailing=False)
    lines = rendering.text.split(rendering.layout.newline)
    lines[40] += " "
    corpus = parse_text(tmp_path, rendering.layout.newline.join(lines))
    assert records_without_source(corpus) == records_without_source(seed)


# ---------------------------------------------------------------- a marker in mid-line


def test_marker_in_mid_line_followed_by_a_space_is_taken_out_of_the_text():
    c = parse_chapter(DATA / "mid_line_marker.txt")
    p = c.paragraphs[-1]
    assert (p.id, p.text, p.footnotes, p.marker_offsets) == (
        "mid_line_marker.7.p5",
        "在 2006 年 9 月 20 日第 5529 次会议上，安理会听取了秘书长的通报。",
        (45,),
        ((45, len("在 2006 年 9 月 20 日第 5529 次会议上，")),),
    )
    f = c.footnotes[-1]
    assert (f.id, f.text, f.cited_by, f.meeting, f.date) == (
        "mid_line_marker.7.fn45",
        "S/PV.5529，第 45 页。",
        ("mid_line_marker.7.p5",),
        5529,
        "2006-09-20",
    )
    assert c.warnings == ()


def test_numbers_after_di_are_text_even_when_they_are_the_next_marker():
    c = parse_chapter(DATA / "mid_line_marker.txt")
    p = c.paragraphs[-2]
    # "第 3 位发言者表示赞同。3": the first 3 is text, the second the marker.
    assert p.text.startswith("第 1 位发言者表示赞同。第 2 位发言者表示赞同。第 3 位发言者表示赞同。")
    assert p.footnotes == tuple(range(1, 45))
    assert [f.cited_by for f in c.footnotes[:2]] == [("mid_line_marker.7.p4",), ("mid_line_marker.7.p4",)]


# ---------------------------------------------------------------- search/ingest/lines.py: markers told from numbers

S = sentinel


@pytest.mark.parametrize(
    "text, expected, before, after, found",
    [
        # A marker at a line's end, in mid-line followed by a space, glued, on a line of its own.
        ("会议上，45", 45, "", "安理会", ("会议上，" + S(45), [45])),
        ("会议上，45 安理会听取了通报", 45, "", "", ("会议上，" + S(45) + "安理会听取了通报", [45])),
        ("会议上，45安理会", 45, "", "", ("会议上，" + S(45) + "安理会", [45])),
        ("45", 45, "秘书长的说明", "中同意", (S(45), [45])),
        ("的信 1 (其中", 1, "", "", ("的信" + S(1) + "(其中", [1])),
        # One marker skipped: taken, and the reader reports the gap.
        ("发了言。3", 2, "", "", ("发了言。" + S(3), [3])),
        # After a full stop a number is a marker whatever follows ("日本代表").
        ("作用。33", 33, "", "日本代表", ("作用。" + S(33), [33])),
        # Numbers that are text, though each is the next marker.
        ("在 2006", 2006, "", "年", ("在 2006", [])),
        ("人数在 3 500 到 5 000 之间", 3, "", "", ("人数在 3 500 到 5 000 之间", [])),
        ("人数在 3 500 到 5 000 之间", 5, "", "", ("人数在 3 500 到 5 000 之间", [])),
        ("2004 年 7 月 20 日", 7, "", "", ("2004 年 7 月 20 日", [])),
        ("2004 年 7 月 20", 20, "", "日和", ("2004 年 7 月 20", [])),
        ("第 5 段", 5, "", "", ("第 5 段", [])),
        ("在 S/PV.50 中", 50, "", "", ("在 S/PV.50 中", [])),
        ("第 1631(2005)号决议", 1, "", "", ("第 1631(2005)号决议", [])),
        # Out of sequence: a number, not a marker.
        ("发了言。7", 2, "", "", ("发了言。7", [])),
        # Sentinels written by a reader that knows where the markers are: taken as they are.
        ("第 3 位发言者" + S(3) + "表示", 9, "", "", ("第 3 位发言者" + S(3) + "表示", [3])),
    ],
)
def test_find_markers(text, expected, before, after, found):
    assert find_markers(text, expected, before, after) == found


def test_a_chapter_with_sentinels_keeps_them_where_they_stand(tmp_path):
    path = tmp_path / "sentinels.txt"
    path.write_text(
        " 7. 测试项目\n"
        " 2006 年 9 月 20 日(第 5529 次会议)的决定：\n"
        "主席声明\n"
        f" 第 1 位发言者{S(1)}和第 2 位发言者表示赞同。{S(2)}\n"
        "__________________\n"
        " 1 S/PV.5529，第 2 页。\n"
        " 2 同上，第 3 页。\n",
        encoding="utf-8",
    )
    c = parse_chapter(path)
    p = c.paragraphs[-1]
    assert (p.text, p.footnotes, p.marker_offsets) == (
        "第 1 位发言者和第 2 位发言者表示赞同。",
        (1, 2),
        ((1, len("第 1 位发言者")), (2, len("第 1 位发言者和第 2 位发言者表示赞同。"))),
    )
    assert c.warnings == ()
