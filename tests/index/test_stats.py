"""The build-time statistics of an index of chapters with and without parts (search/index/stats.py)."""
import pytest

from conftest import ENGINES
from search.index.store import read_stats, version_of

FIRST, SECOND = "与区域组织合作有关的项目", "与区域安排有关的项目"


@pytest.mark.parametrize("engine", ENGINES)
def test_the_contents_put_each_part_before_the_items_it_holds(parts_indexes, engine):
    stats = read_stats(version_of(parts_indexes(engine)))
    # two_parts.txt: positions 0–5 are part 1 (its heading and introduction, with item 1's, at
    # 0–3; item 2 at 4–5), 6–11 part 2 (item 3 at 6–8 from the part's heading, item 4 at 9–11);
    # the three footnotes count with the paragraphs citing them, in items 1 and 2.
    assert stats["contents"] == [
        {"key": "chapter_13", "repertoire_chapter": 13, "units": 2, "entries": [
            {"part": None, "item": 3, "section": None, "title": SECOND, "first": 0, "last": 1, "units": 2}]},
        {"key": "two_parts", "repertoire_chapter": 8, "units": 15, "entries": [
            {"part": 1, "item": None, "section": None, "title": FIRST, "first": 0, "last": 5, "units": 9},
            {"part": 1, "item": 1, "section": None, "title": "第一个项目", "first": 0, "last": 3, "units": 6},
            {"part": 1, "item": 2, "section": None, "title": "第二个项目", "first": 4, "last": 5, "units": 3},
            {"part": 2, "item": None, "section": None, "title": SECOND, "first": 6, "last": 11, "units": 6},
            {"part": 2, "item": 3, "section": None, "title": "第三个项目", "first": 6, "last": 8, "units": 3},
            {"part": 2, "item": 4, "section": None, "title": "第四个项目", "first": 9, "last": 11, "units": 3},
            {"part": 2, "item": 4, "section": "A", "title": "第一节", "first": 10, "last": 11, "units": 2}]},
    ]
    assert (stats["units"], stats["chapters"], stats["parts"], stats["items"], stats["sections"]) == (17, 2, 2, 5, 1)
