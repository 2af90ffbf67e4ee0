"""Parts (第一部分 …) in the table of contents, read in order, and in a record's place, on an index of a
chapter without parts (tests/data/chapter_13.txt) and one with two parts of two items each
(tests/data/two_parts.txt)."""
import pytest

from html_scan import find, get_ok

READ = "/read/two_parts"
FIRST, SECOND = "与区域组织合作有关的项目", "与区域安排有关的项目"


@pytest.fixture
def client(parts_app):
    return parts_app.test_client()


def test_the_contents_list_each_part_before_the_items_it_holds(client):
    data = client.get("/api/contents").get_json()
    assert [(p["level"], p["part"], p["item"], p["section"], p["label"], p["title"], p["units"], p["url"])
            for p in data["parts"]] == [
        ("chapter", None, None, None, "第十三章", "第十三章", 2, "/read/chapter_13"),
        ("item", None, 3, None, "项目 3", SECOND, 2, "/read/chapter_13/3"),
        ("chapter", None, None, None, "第八章", "第八章", 15, READ),
        ("part", 1, None, None, "第一部分", FIRST, 9, f"{READ}/part/1"),
        ("item", 1, 1, None, "项目 1", "第一个项目", 6, f"{READ}/1"),
        ("item", 1, 2, None, "项目 2", "第二个项目", 3, f"{READ}/2"),
        ("part", 2, None, None, "第二部分", SECOND, 6, f"{READ}/part/2"),
        ("item", 2, 3, None, "项目 3", "第三个项目", 3, f"{READ}/3"),
        ("item", 2, 4, None, "项目 4", "第四个项目", 3, f"{READ}/4"),
        ("section", 2, 4, "A", "A 节", "第一节", 2, f"{READ}/4/A"),
    ]
    entries = find(get_ok(client, "/contents"), "li", cls="contents-entry")
    # What a part holds stands one step further in than the items of a chapter without parts.
    assert [(e.classes, e.text) for e in entries[2:]] == [
        (["contents-entry", "level-chapter"], "第八章15 条"),
        (["contents-entry", "level-part"], f"第一部分{FIRST}9 条"),
        (["contents-entry", "level-item", "in-part"], "项目 1第一个项目6 条"),
        (["contents-entry", "level-item", "in-part"], "项目 2第二个项目3 条"),
        (["contents-entry", "level-part"], f"第二部分{SECOND}6 条"),
        (["contents-entry", "level-item", "in-part"], "项目 3第三个项目3 条"),
        (["contents-entry", "level-item", "in-part"], "项目 4第四个项目3 条"),
        (["contents-entry", "level-section", "in-part"], "A 节第一节2 条"),
    ]
    assert [e.classes for e in entries[:2]] == [["contents-entry", "level-chapter"], ["contents-entry", "level-item"]]


def test_the_home_page_counts_the_parts(client):
    holdings = [(a.text, a["href"]) for a in find(get_ok(client, "/"), "a", inside="holdings-list")]
    assert holdings[:4] == [("2章节", "/contents"), ("2部分", "/contents"), ("5项目", "/contents"),
                            ("1节", "/contents")]


@pytest.mark.parametrize("number, pages", [
    (1, [["1.p1", "1.p2", "1.p3", "1.p4"], ["2.p1", "2.p2"]]),
    (2, [["3.p1", "3.p2", "3.p3", "4.p1"], ["4.p2", "4.p3"]]),
])
def test_a_part_reads_its_items_in_order_a_page_at_a_time(client, number, pages):
    first = client.get(f"/api{READ}/part/{number}?per_page=4").get_json()
    ids = [[r["id"] for r in client.get(f"/api{READ}/part/{number}?per_page=4&page={page}").get_json()["records"]]
           for page in range(1, first["pagination"]["last"] + 1)]
    assert (ids, first["total"]) == ([[f"two_parts.{i}" for i in page] for page in pages], 6)


@pytest.mark.parametrize("path, h1, crumbs, prev, next_", [
    (f"{READ}/part/1", f"第一部分　{FIRST}", [("目录", "/contents"), ("第八章", READ)], None, f"{READ}/part/2"),
    (f"{READ}/part/2", f"第二部分　{SECOND}", [("目录", "/contents"), ("第八章", READ)], f"{READ}/part/1", None),
    (f"{READ}/3", "项目 3　第三个项目", [("目录", "/contents"), ("第八章", READ), ("第二部分", f"{READ}/part/2")],
     f"{READ}/2", f"{READ}/4"),
    (f"{READ}/4/A", "A 节　第一节",
     [("目录", "/contents"), ("第八章", READ), ("第二部分", f"{READ}/part/2"), ("项目 4", f"{READ}/4")], None, None),
])
def test_a_reading_page_shows_the_parts_it_is_in_and_its_neighbours(client, path, h1, crumbs, prev, next_):
    response = get_ok(client, path)
    assert find(response, "h1")[0].text == h1
    assert [(a.text, a["href"]) for a in find(response, "a", inside="breadcrumbs")] == crumbs
    assert ([a["href"] for a in find(response, "a", cls="prev-part")],
            [a["href"] for a in find(response, "a", cls="next-part")]) == ([prev] if prev else [], [next_] if next_ else [])


@pytest.mark.parametrize("record, anchor, crumbs", [
    ("two_parts.4.p3", "r-two_parts.4.p3",
     [("目录", "/contents"), ("第八章", READ), ("第二部分", f"{READ}/part/2"), ("项目 4", f"{READ}/4"),
      ("A 节", f"{READ}/4/A")]),
    # The part's heading and introduction open its first item.
    ("two_parts.1.p1", "r-two_parts.1.p1",
     [("目录", "/contents"), ("第八章", READ), ("第一部分", f"{READ}/part/1"), ("项目 1", f"{READ}/1")]),
    # A footnote: where the paragraph that first cites it stands.
    ("two_parts.2.fn1", "r-two_parts.2.p2-fn1",
     [("目录", "/contents"), ("第八章", READ), ("第一部分", f"{READ}/part/1"), ("项目 2", f"{READ}/2")]),
    ("chapter_13.3.p2", "r-chapter_13.3.p2",
     [("目录", "/contents"), ("第十三章", "/read/chapter_13"), ("项目 3", "/read/chapter_13/3")]),
])
def test_a_record_page_shows_chapter_part_item_and_section(client, record, anchor, crumbs):
    expected = [(label, url if label == "目录" else f"{url}#{anchor}") for label, url in crumbs]
    assert [(c["label"], c["url"]) for c in client.get(f"/api/p/{record}").get_json()["crumbs"]] == expected
    assert [a["href"] for a in find(get_ok(client, f"/p/{record}"), "a", inside="breadcrumbs")] == [u for _, u in expected]


@pytest.mark.parametrize("path, message", [
    (f"{READ}/part/3", "目录中没有“two_parts”的第 3 部分。"),
    ("/read/chapter_13/part/1", "目录中没有“chapter_13”的第 1 部分。"),
])
def test_a_part_the_contents_lack_is_a_404_that_says_so(client, path, message):
    assert client.get("/api" + path).get_json() == {"error": message, "status": 404, "code": "not_found"}
    response = client.get(path)
    assert response.status_code == 404 and find(response, "p", cls="error-message")[0].text == message
