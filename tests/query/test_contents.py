"""The table of contents (search/query/contents.py) and reading a part in order on every engine."""
import pytest

from conftest import ENGINES

from search.query.contents import Part, chapter_title, contents_parts, find_part, neighbours, place_of

# Three chapters as the index's statistics give them: "b" is chapter 13 of the Repertoire; "c" has
# two parts (a part's entry stands before the items it holds).
CONTENTS = [
    {"key": "a", "repertoire_chapter": None, "units": 30, "entries": [
        {"part": None, "item": 1, "section": None, "title": "第一项", "first": 0, "last": 9, "units": 14},
        {"part": None, "item": 1, "section": "A", "title": "甲节", "first": 2, "last": 5, "units": 6},
        {"part": None, "item": 1, "section": "B", "title": "乙节", "first": 6, "last": 9, "units": 7},
        {"part": None, "item": 2, "section": None, "title": "第二项", "first": 10, "last": 20, "units": 16}]},
    {"key": "b", "repertoire_chapter": 13, "units": 3, "entries": [
        {"part": None, "item": 3, "section": None, "title": "第三项", "first": 0, "last": 2, "units": 3}]},
    {"key": "c", "repertoire_chapter": None, "units": 40, "entries": [
        {"part": 1, "item": None, "section": None, "title": "甲部分", "first": 0, "last": 9, "units": 12},
        {"part": 1, "item": 4, "section": None, "title": "第四项", "first": 0, "last": 4, "units": 6},
        {"part": 1, "item": 5, "section": None, "title": "第五项", "first": 5, "last": 9, "units": 6},
        {"part": 2, "item": None, "section": None, "title": "乙部分", "first": 10, "last": 19, "units": 28},
        {"part": 2, "item": 6, "section": None, "title": "第六项", "first": 10, "last": 14, "units": 10},
        {"part": 2, "item": 6, "section": "A", "title": "丙节", "first": 12, "last": 14, "units": 5},
        {"part": 2, "item": 7, "section": None, "title": "第七项", "first": 15, "last": 19, "units": 18}]},
]


def test_every_chapter_part_item_and_section_in_order():
    assert [(p.level, p.chapter, p.part, p.item, p.section, p.label, p.title, p.first, p.last, p.units)
            for p in contents_parts(CONTENTS)] == [
        ("chapter", "a", None, None, None, "章节（项目 1–2）", "章节（项目 1–2）", 0, 20, 30),
        ("item", "a", None, 1, None, "项目 1", "第一项", 0, 9, 14),
        ("section", "a", None, 1, "A", "A 节", "甲节", 2, 5, 6),
        ("section", "a", None, 1, "B", "B 节", "乙节", 6, 9, 7),
        ("item", "a", None, 2, None, "项目 2", "第二项", 10, 20, 16),
        ("chapter", "b", None, None, None, "第十三章", "第十三章", 0, 2, 3),
        ("item", "b", None, 3, None, "项目 3", "第三项", 0, 2, 3),
        ("chapter", "c", None, None, None, "章节（项目 4–7）", "章节（项目 4–7）", 0, 19, 40),
        ("part", "c", 1, None, None, "第一部分", "甲部分", 0, 9, 12),
        ("item", "c", 1, 4, None, "项目 4", "第四项", 0, 4, 6),
        ("item", "c", 1, 5, None, "项目 5", "第五项", 5, 9, 6),
        ("part", "c", 2, None, None, "第二部分", "乙部分", 10, 19, 28),
        ("item", "c", 2, 6, None, "项目 6", "第六项", 10, 14, 10),
        ("section", "c", 2, 6, "A", "A 节", "丙节", 12, 14, 5),
        ("item", "c", 2, 7, None, "项目 7", "第七项", 15, 19, 18),
    ]


@pytest.mark.parametrize("where, found", [
    (("a",), ("a", None, None)), (("a", 1), ("a", 1, None)), (("a", 1, "B"), ("a", 1, "B")),
    (("b", 3), ("b", 3, None)), (("a", 1, "C"), None), (("a", 3), None), (("d",), None), (("b", 1), None), (("c", 1), None),
])
def test_find_part(where, found):
    part = find_part(CONTENTS, *where)
    assert (None if part is None else (part.chapter, part.item, part.section)) == found


@pytest.mark.parametrize("key, number, found", [
    ("c", 1, ("part", 1, "甲部分", 0, 9)), ("c", 2, ("part", 2, "乙部分", 10, 19)), ("c", 3, None), ("a", 1, None),
])
def test_find_a_part_of_a_chapter_by_its_number(key, number, found):
    part = find_part(CONTENTS, key, part=number)
    assert (None if part is None else (part.level, part.part, part.title, part.first, part.last)) == found


def test_the_items_of_a_part_are_found_by_their_own_numbers():
    assert find_part(CONTENTS, "c", 6, "A") == Part("c", 6, "A", "丙节", 12, 14, 5, 2)


@pytest.mark.parametrize("key, seq, place", [
    ("a", 0, [("a", None, None), ("a", 1, None)]),
    ("a", 3, [("a", None, None), ("a", 1, None), ("a", 1, "A")]),
    ("a", 9, [("a", None, None), ("a", 1, None), ("a", 1, "B")]),
    ("a", 15, [("a", None, None), ("a", 2, None)]),
    ("b", 1, [("b", None, None), ("b", 3, None)]),
    ("c", 0, [("c", None, None), ("c", None, None, 1), ("c", 4, None)]),
    ("c", 13, [("c", None, None), ("c", None, None, 2), ("c", 6, None), ("c", 6, "A")]),
    ("c", 19, [("c", None, None), ("c", None, None, 2), ("c", 7, None)]),
    ("d", 1, []),
])
def test_place_of_a_position_widest_first(key, seq, place):
    assert [(p.chapter, p.item, p.section) + ((p.part,) if p.level == "part" else ())
            for p in place_of(CONTENTS, key, seq)] == place


@pytest.mark.parametrize("seq, per_page, page", [(2, 2, 1), (3, 2, 1), (4, 2, 2), (5, 2, 2), (5, 20, 1)])
def test_page_of_a_position_in_a_reading(seq, per_page, page):
    section = Part("a", 1, "A", "甲节", 2, 5, 6, None)
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
    (("c",), ("b", None, None), None),
    (("a", 1), None, ("a", 2, None)),
    (("a", 2), ("a", 1, None), ("b", 3, None)),  # across chapters
    (("b", 3), ("a", 2, None), ("c", 4, None)),
    (("c", 5), ("c", 4, None), ("c", 6, None)),  # across parts
    (("c", 7), ("c", 6, None), None),
    (("a", 1, "A"), None, ("a", 1, "B")),
    (("a", 1, "B"), ("a", 1, "A"), ("c", 6, "A")),
    (("c", None, None, 1), None, ("c", None, None, 2)),
    (("c", None, None, 2), ("c", None, None, 1), None),
])
def test_the_parts_next_to_a_part_are_of_its_level_across_chapters(where, prev, next_):
    def key(part):
        return None if part is None else (part.chapter, part.item, part.section) + (
            (part.part,) if part.level == "part" else ())

    assert tuple(map(key, neighbours(CONTENTS, find_part(CONTENTS, *where)))) == (prev, next_)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("number, pages", [
    (1, [["1.p1", "1.p2", "1.p3", "1.p4"], ["2.p1", "2.p2"]]),
    (2, [["3.p1", "3.p2", "3.p3", "4.p1"], ["4.p2", "4.p3"]]),
])
def test_reading_a_part_pages_through_its_items_in_order_on_every_engine(parts_indexes, engine, number, pages):
    from search.query.searcher import open_searcher

    searcher = open_searcher(parts_indexes(engine), expected=engine)
    try:
        part = find_part(searcher.stats["contents"], "two_parts", part=number)
        assert [[r["id"] for r in searcher.read(part, page, 4)] for page in range(1, part.pages(4) + 1)] == [
            [f"two_parts.{i}" for i in page] for page in pages]
    finally:
        searcher.close()
