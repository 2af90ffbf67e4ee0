"""The table of contents (search/query/contents.py) and reading a part in order on every engine."""
import pytest

from search.query.contents import Part, chapter_title, contents_parts, find_part, place_of

# Two chapters as the index's statistics give them: "b" is chapter 13 of the Repertoire.
CONTENTS = [
    {"key": "a", "repertoire_chapter": None, "units": 30, "entries": [
        {"item": 1, "section": None, "title": "第一项", "first": 0, "last": 9, "units": 14},
        {"item": 1, "section": "A", "title": "甲节", "first": 2, "last": 5, "units": 6},
        {"item": 1, "section": "B", "title": "乙节", "first": 6, "last": 9, "units": 7},
        {"item": 2, "section": None, "title": "第二项", "first": 10, "last": 20, "units": 16}]},
    {"key": "b", "repertoire_chapter": 13, "units": 3, "entries": [
        {"item": 3, "section": None, "title": "第三项", "first": 0, "last": 2, "units": 3}]},
]


def test_every_chapter_item_and_section_in_order():
    assert [(p.level, p.chapter, p.item, p.section, p.label, p.title, p.first, p.last, p.units)
            for p in contents_parts(CONTENTS)] == [
        ("chapter", "a", None, None, "章节（项目 1–2）", "章节（项目 1–2）", 0, 20, 30),
        ("item", "a", 1, None, "项目 1", "第一项", 0, 9, 14),
        ("section", "a", 1, "A", "A 节", "甲节", 2, 5, 6),
        ("section", "a", 1, "B", "B 节", "乙节", 6, 9, 7),
        ("item", "a", 2, None, "项目 2", "第二项", 10, 20, 16),
        ("chapter", "b", None, None, "第十三章", "第十三章", 0, 2, 3),
        ("item", "b", 3, None, "项目 3", "第三项", 0, 2, 3),
    ]


@pytest.mark.parametrize("where, found", [
    (("a",), ("a", None, None)), (("a", 1), ("a", 1, None)), (("a", 1, "B"), ("a", 1, "B")),
    (("b", 3), ("b", 3, None)), (("a", 1, "C"), None), (("a", 3), None), (("c",), None), (("b", 1), None),
])
def test_find_part(where, found):
    part = find_part(CONTENTS, *where)
    assert (None if part is None else (part.chapter, part.item, part.section)) == found


@pytest.mark.parametrize("key, seq, place", [
    ("a", 0, [("a", None, None), ("a", 1, None)]),
    ("a", 3, [("a", None, None), ("a", 1, None), ("a", 1, "A")]),
    ("a", 9, [("a", None, None), ("a", 1, None), ("a", 1, "B")]),
    ("a", 15, [("a", None, None), ("a", 2, None)]),
    ("b", 1, [("b", None, None), ("b", 3, None)]),
    ("c", 1, []),
])
def test_place_of_a_position_widest_first(key, seq, place):
    assert [(p.chapter, p.item, p.section) for p in place_of(CONTENTS, key, seq)] == place


@pytest.mark.parametrize("seq, per_page, page", [(2, 2, 1), (3, 2, 1), (4, 2, 2), (5, 2, 2), (5, 20, 1)])
def test_page_of_a_position_in_a_reading(seq, per_page, page):
    section = Part("a", 1, "A", "甲节", 2, 5, 6)
    assert (section.page_of(seq, per_page), section.pages(per_page)) == (page, -(-4 // per_page))


def test_a_chapter_without_items_has_its_key_for_a_title():
    assert chapter_title({"key": "x", "repertoire_chapter": None, "entries": []}) == "章节 x"


@pytest.mark.parametrize("item, section", [(None, None), (49, None), (49, "A"), (49, "D"), (50, None)])
def test_reading_a_part_pages_through_its_records_in_order_on_every_engine(seed_engine, seed_corpus, item, section):
    part = find_part(seed_engine.stats["contents"], seed_corpus.paragraphs[0].chapter, item, section)
    expected = [p.id for p in sorted(seed_corpus.paragraphs, key=lambda p: p.order)
                if (item is None or p.item == item) and (section is None or p.section == section)]
    pages = [seed_engine.read(part, page, 6) for page in range(1, part.pages(6) + 1)]
    assert [r["id"] for page in pages for r in page] == expected
    assert all(len(page) == 6 for page in pages[:-1]) and seed_engine.read(part, part.pages(6) + 1, 6) == []


def test_a_chapter_that_names_itself_is_titled_by_its_number(tmp_path):
    from search.index.build import build_index
    from search.query.searcher import open_searcher

    from paths import DATA

    build_index([DATA / "chapter_13.txt"], tmp_path / "index")
    searcher = open_searcher(tmp_path / "index")
    try:
        assert [(p.level, p.label, p.title, p.units) for p in contents_parts(searcher.stats["contents"])] == [
            ("chapter", "第十三章", "第十三章", 2), ("item", "项目 3", "与区域安排有关的项目", 2)]
    finally:
        searcher.close()


@pytest.mark.parametrize("where, prev, next_", [
    (("a",), None, ("b", None, None)),
    (("b",), ("a", None, None), None),
    (("a", 1), None, ("a", 2, None)),
    (("a", 2), ("a", 1, None), ("b", 3, None)),  # across chapters
    (("b", 3), ("a", 2, None), None),
    (("a", 1, "A"), None, ("a", 1, "B")),
    (("a", 1, "B"), ("a", 1, "A"), None),  # no section after B anywhere
])
def test_the_parts_next_to_a_part_are_of_its_level_across_chapters(where, prev, next_):
    from search.query.contents import neighbours

    def key(part):
        return None if part is None else (part.chapter, part.item, part.section)

    assert tuple(map(key, neighbours(CONTENTS, find_part(CONTENTS, *where)))) == (prev, next_)
