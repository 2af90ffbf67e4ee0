"""Parts of a chapter (第三部分 …): a part heading opens the item after it, and a part holds whole
items; the tail of a wrapped cross-reference ("见第十三章\\n第三部分 A 节。") is no part heading."""
import pytest

from conftest import records_without_source
from layouts import render_chapter
from pdf_fixtures import LAYOUTS, write_chapter_pdf
from paths import DATA
from search.reference.resolve import parse_chapter, record_to_dict

ITEM_3 = " 3. 第三个项目 \n\n 第三个项目的段落。 \n"
TITLE = "与区域安排有关的项目"


def parse(tmp_path, text, name="c"):
    path = tmp_path / f"{name}.txt"
    path.write_text(text, encoding="utf-8")
    return parse_chapter(path)


def rows(corpus):
    return [(p.id, p.kind, p.part, p.part_title, p.item, p.item_title, p.text) for p in corpus.paragraphs]


def part_3(title=TITLE, heading=f"第三部分 {TITLE}"):
    """The records of a chapter whose part 3 opens with `heading` and holds item 3."""
    return [("c.3.p1", "heading", 3, title, 3, "第三个项目", heading),
            ("c.3.p2", "heading", 3, title, 3, "第三个项目", "3. 第三个项目"),
            ("c.3.p3", "paragraph", 3, title, 3, "第三个项目", "第三个项目的段落。")]


def no_part(text):
    return [("c.3.p1", "heading", None, None, 3, "第三个项目", "3. 第三个项目"),
            ("c.3.p2", "paragraph", None, None, 3, "第三个项目", text)]


@pytest.mark.parametrize("text, expected", [
    # The title on the heading's line, on the next line of its own, or wrapping onto the next.
    (f" 第三部分 {TITLE} \n\n{ITEM_3}", part_3()),
    (f" 第三部分 \n {TITLE} \n\n{ITEM_3}", part_3()),
    (" 第三部分 与区域安排和区域组织\n有关的项目 \n\n" + ITEM_3,
     part_3("与区域安排和区域组织有关的项目", "第三部分 与区域安排和区域组织有关的项目")),
    # An extraction that keeps no space at the end of a unit: a unit starts on an indented line.
    (f" 第三部分\n {TITLE}\n\n 3. 第三个项目\n\n 第三个项目的段落。\n", part_3()),
    (" 第三部分 与区域安排\n有关的项目\n\n 3. 第三个项目\n\n 第三个项目的段落。\n", part_3()),
    # Arabic digits, as some chapters print them.
    (f" 第 3 部分 {TITLE} \n\n{ITEM_3}", part_3(heading=f"第 3 部分 {TITLE}")),
    # A part without a title.
    (f" 第三部分 \n\n{ITEM_3}", part_3("", "第三部分")),
], ids=["same-line", "next-line", "wrapping", "no-trailing-next-line", "no-trailing-wrapping", "arabic", "untitled"])
def test_a_part_heading_opens_the_item_after_it(tmp_path, text, expected):
    assert rows(parse(tmp_path, text)) == expected


@pytest.mark.parametrize("text, paragraph", [
    # A cross-reference that wraps before "第三部分" or inside it.
    (" 3. 第三个项目 \n\n 见第十三章\n第三部分 A 节。 \n", "见第十三章第三部分 A 节。"),
    (" 3. 第三个项目 \n\n 见第十三章第三\n部分 A 节。 \n", "见第十三章第三部分 A 节。"),
    (" 3. 第三个项目\n\n 见第十三章\n第三部分 A 节。\n", "见第十三章第三部分 A 节。"),
    # A paragraph that starts with a part's name is a sentence, not a heading.
    (" 3. 第三个项目 \n\n 第三部分所述项目见下文。 \n", "第三部分所述项目见下文。"),
], ids=["wrap-before", "wrap-inside", "no-trailing-wrap-before", "sentence"])
def test_a_line_that_names_a_part_in_the_text_is_no_part_heading(tmp_path, text, paragraph):
    assert rows(parse(tmp_path, text)) == no_part(paragraph)


@pytest.mark.parametrize("text, expected", [
    # Parts run in order: a lower number after a higher one is text.
    (f" 第二部分 甲 \n\n 2. 第二个项目 \n\n 第二个项目的段落。 \n\n 第一部分 乙 \n\n{ITEM_3}",
     [("c.2.p1", "heading", 2, "甲", 2, "第二个项目", "第二部分 甲"),
      ("c.2.p2", "heading", 2, "甲", 2, "第二个项目", "2. 第二个项目"),
      ("c.2.p3", "paragraph", 2, "甲", 2, "第二个项目", "第二个项目的段落。"),
      ("c.2.p4", "paragraph", 2, "甲", 2, "第二个项目", "第一部分 乙"),
      ("c.3.p1", "heading", 2, "甲", 3, "第三个项目", "3. 第三个项目"),
      ("c.3.p2", "paragraph", 2, "甲", 3, "第三个项目", "第三个项目的段落。")]),
    # A part heading opens an item, never a section.
    (" 3. 第三个项目 \n\n 第四部分 乙 \n\n A. 第一节 \n\n 第一节的段落。 \n",
     [("c.3.p1", "heading", None, None, 3, "第三个项目", "3. 第三个项目"),
      ("c.3.p2", "paragraph", None, None, 3, "第三个项目", "第四部分 乙"),
      ("c.3.p3", "heading", None, None, 3, "第三个项目", "A. 第一节"),
      ("c.3.p4", "paragraph", None, None, 3, "第三个项目", "第一节的段落。")]),
], ids=["out-of-order", "before-a-section"])
def test_a_part_heading_stands_in_order_before_an_item(tmp_path, text, expected):
    assert rows(parse(tmp_path, text)) == expected


TWO_PARTS = (DATA / "two_parts.txt").read_text(encoding="utf-8")
FIRST, SECOND = "与区域组织合作有关的项目", "与区域安排有关的项目"


def test_a_chapter_with_two_parts_of_two_items_each(tmp_path):
    c = parse(tmp_path, TWO_PARTS, "two_parts")
    assert [(p.id, p.kind, p.part, p.part_title, p.item, p.section, p.text, p.footnotes) for p in c.paragraphs] == [
        ("two_parts.1.p1", "heading", 1, FIRST, 1, None, "第一部分 与区域组织合作有关的项目", ()),
        ("two_parts.1.p2", "paragraph", 1, FIRST, 1, None, "本部分的项目涉及区域组织。", (1,)),
        ("two_parts.1.p3", "heading", 1, FIRST, 1, None, "1. 第一个项目", ()),
        ("two_parts.1.p4", "paragraph", 1, FIRST, 1, None, "第一个项目的段落。", (2,)),
        ("two_parts.2.p1", "heading", 1, FIRST, 2, None, "2. 第二个项目", ()),
        ("two_parts.2.p2", "paragraph", 1, FIRST, 2, None, "第二个项目的段落。", (1,)),
        ("two_parts.3.p1", "heading", 2, SECOND, 3, None, "第二部分 与区域安排有关的项目", ()),
        ("two_parts.3.p2", "heading", 2, SECOND, 3, None, "3. 第三个项目", ()),
        ("two_parts.3.p3", "paragraph", 2, SECOND, 3, None, "第三个项目的段落，见第十三章第三部分 A 节。", ()),
        ("two_parts.4.p1", "heading", 2, SECOND, 4, None, "4. 第四个项目", ()),
        ("two_parts.4.p2", "heading", 2, SECOND, 4, "A", "A. 第一节", ()),
        ("two_parts.4.p3", "paragraph", 2, SECOND, 4, "A", "第四个项目的段落。", ()),
    ]
    assert [(f.id, f.part, f.part_title, f.text, f.cited_by) for f in c.footnotes] == [
        ("two_parts.1.fn1", 1, FIRST, "S/PV.5041，第 2 页。", ("two_parts.1.p2",)),
        ("two_parts.1.fn2", 1, FIRST, "S/PV.5041，第 3 页。", ("two_parts.1.p4",)),
        ("two_parts.2.fn1", 1, FIRST, "S/PV.5042，第 4 页。", ("two_parts.2.p2",)),
    ]
    assert c.warnings == ()
    assert {k: record_to_dict(c.paragraphs[0])[k] for k in ("part", "part_title", "item", "item_title")} == {
        "part": 1, "part_title": FIRST, "item": 1, "item_title": "第一个项目"}


@pytest.fixture(scope="module")
def two_parts(tmp_path_factory):
    return parse(tmp_path_factory.mktemp("parts"), TWO_PARTS, "two_parts")


@pytest.mark.parametrize("layout_seed", range(12))
def test_two_parts_in_any_text_layout_parse_to_the_same_records(two_parts, tmp_path, layout_seed):
    as_dict = {"paragraphs": [record_to_dict(p) for p in two_parts.paragraphs],
               "footnotes": [record_to_dict(f) for f in two_parts.footnotes]}
    rendering = render_chapter(as_dict, layout_seed)
    corpus = parse(tmp_path, rendering.text, "two_parts")
    assert records_without_source(corpus) == records_without_source(two_parts), rendering.layout


@pytest.mark.parametrize("layout", LAYOUTS[:2], ids=[layout.name for layout in LAYOUTS[:2]])
def test_two_parts_typeset_as_a_pdf_parse_to_the_same_records(two_parts, tmp_path, layout):
    path = tmp_path / "two_parts.pdf"
    write_chapter_pdf(path, layout, two_parts, font_dir=tmp_path)
    corpus = parse_chapter(path)
    assert (records_without_source(corpus), corpus.warnings) == (records_without_source(two_parts), ())
