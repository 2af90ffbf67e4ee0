"""The results page for keyboards, screen readers, phones and sharing; what it says back of the query;
its facets' order; its exports, named after the search."""
import csv
import io
import json
from datetime import date
from urllib.parse import quote

import pytest

from html_scan import find, get_ok

QUERY = "区域组织"
ROOT = __import__("paths").ROOT


# --- keyboard, screen readers, phone ------------------------------------------------------------------

def test_a_skip_link_leads_to_the_filters_and_every_hit_has_a_heading(client):
    response = get_ok(client, f"/search?q={QUERY}")
    assert [(a.text, a["href"]) for a in find(response, "a", cls="skip-link")] == [
        ("跳到正文", "#main"), ("跳到筛选", "#filters")]
    (filters,) = find(response, "aside", id_="filters")
    assert (filters["tabindex"], filters["aria-labelledby"]) == ("-1", "filters-title")
    hits = find(response, "article", cls="hit")
    headings = find(response, "h2", cls="crumbs", inside="hit")
    assert len(headings) == len(hits) == 20
    assert headings[0].text.startswith("段落") or headings[0].text.startswith(("标题", "决定", "脚注"))


def test_without_javascript_the_filters_button_opens_the_panel_and_done_closes_it(client):
    response = get_ok(client, f"/search?q={QUERY}&country=FRA&year=2005")
    (opener,) = find(response, "a", cls="filters-open")
    assert (opener["href"], opener["aria-controls"], opener.text) == ("#filters", "filters", "筛选（2）")
    (closer,) = find(response, "a", cls="filters-close", inside="filters")
    assert (closer["href"], closer.text) == ("#results", "完成")
    assert find(response, "div", id_="results")
    css = (ROOT / "static" / "style.css").read_text(encoding="utf-8")
    assert ".filters:target, .filters.open {" in css  # the panel opens by its target alone
    assert find(response, "script", src="/static/filters.js")


def test_the_results_page_has_a_copy_link_button_for_its_own_address(client):
    url = f"/search?q={QUERY}&country=FRA&sort=date&page=2"
    response = get_ok(client, url)
    (link,) = find(response, "input", id_="page-link")
    assert link["value"] == "http://localhost/search?q=%E5%8C%BA%E5%9F%9F%E7%BB%84%E7%BB%87&country=FRA&sort=date&page=2"
    (button,) = find(response, "button", cls="copy-link")
    assert (button["data-copy-target"], "hidden" in button.attrs, "hidden" in link.attrs) == ("page-link", True, True)
    assert find(response, "script", src="/static/copy.js")
    assert "permalink" not in client.get(url.replace("/search", "/api/search")).get_json()  # it names the host


# --- what the page says back ----------------------------------------------------------------------------

@pytest.mark.parametrize("q, terms, said, words", [
    ("resolution 1631", ["resolution 1631"], "检索词：resolution 1631",
     ["resolution", "1631", "第", "1631", "2005", "号", "决议", "s", "res", "1631", "2005"]),
    ("France", ["France"], "检索词：France", ["france", "法国", "法兰西共和国"]),
    ('-北约 "区域组织" OR 和平', ["“区域组织”", "和平", "不含北约"], "检索词：“区域组织”或和平不含北约",
     ["区域组织", "和平"]),
    (QUERY, [QUERY], f"检索词：{QUERY}", [QUERY]),
])
def test_the_terms_as_typed_are_shown_and_the_segmentation_is_behind_a_toggle(client, q, terms, said, words):
    response = get_ok(client, "/search", query_string={"q": q})
    assert [t.text for t in find(response, "span", cls="term")] == terms
    assert find(response, "p", cls="terms")[0].text == said
    (toggle,) = find(response, "details", cls="segmented")
    assert find(response, "summary", inside="segmented")[0].text == "分词"
    assert [t.text for t in find(response, "span", cls="token")] == words
    assert find(response, "span", cls="token", inside="terms") == []


def test_a_names_filter_link_opens_the_filter_alone_and_says_why_its_count_differs(client):
    response = get_ok(client, "/search?q=France")
    (link,) = find(response, "a", cls="expansion-filter")
    total = client.get("/api/search?country=FRA").get_json()["total"]
    assert (link["href"], link.text, total) == ("/search?country=FRA", "只看国家筛选结果", 28)
    (note,) = find(response, "span", cls="expansion-note")
    assert note.text == "筛选共 28 条，比文字检索多 11 条：筛选还包括正文未写出法国、但脚注引用了其发言的记录。"
    assert client.get("/api/search?q=France").get_json()["total"] == 17
    # Other filters stay; the query goes.
    data = client.get("/api/search?q=France&year=2005&page=2").get_json()
    assert [(e["url"], e["count"]) for e in data["expansions"]] == [
        ("/search?year=2005&country=FRA", client.get("/api/search?year=2005&country=FRA").get_json()["total"])]


def test_a_filter_link_that_gives_the_searchs_own_count_has_no_note(client):
    data = client.get("/api/search?q=Article 53").get_json()
    (e,) = data["expansions"]
    assert (e["url"], e["count"], e["note"]) == ("/search?charter=art53", data["total"], None)


# --- facets ---------------------------------------------------------------------------------------------

def test_years_are_ordered_by_date_and_other_facets_by_count(client):
    facets = client.get("/api/search?q=").get_json()["facets"]
    assert [v["value"] for v in facets["year"]] == ["2004", "2005", "2006", "2007"]
    counts = [v["count"] for v in facets["country"]]
    assert counts == sorted(counts, reverse=True)
    selected = client.get("/api/search?q=&year=2007").get_json()["facets"]["year"]
    assert [(v["value"], v["selected"]) for v in selected] == [
        ("2004", False), ("2005", False), ("2006", False), ("2007", True)]


def test_a_meetings_label_keeps_its_number_and_its_date_each_on_one_line(client):
    response = get_ok(client, "/search?q=")
    toggle = next(a for a in find(response, "a", cls="facet-toggle") if a["data-value"] == "5007")
    parts = [s.text for s in find(response, "span", cls="label-part") if s.text in toggle.text]
    assert parts[:2] == ["第 5007 次会议", "2004年7月20日"]
    assert ".label-part { white-space: nowrap; }" in (ROOT / "static" / "style.css").read_text(encoding="utf-8")


# --- exports --------------------------------------------------------------------------------------------

def _disposition(name, day):
    return f"attachment; filename=\"repertoire-search-{day}.{name.rsplit('.', 1)[1]}\"; " \
           f"filename*=UTF-8''{quote(name.format(day=day), safe='')}"


@pytest.mark.parametrize("url, name", [
    (f"/search.csv?q={QUERY}&country=FRA", QUERY + "-{day}.csv"),
    (f"/search.json?q={QUERY}", QUERY + "-{day}.json"),
    ("/search.csv?country=FRA&year=2005", "法国 2005 年-{day}.csv"),
    ("/search.csv?q=a/b:c*", "a_b_c_-{day}.csv"),
    ("/search?q=和平&format=csv", "和平-{day}.csv"),
])
def test_exports_are_named_after_the_search_and_the_day(client, url, name):
    before = date.today().isoformat()
    with client.get(url) as response:
        after = date.today().isoformat()  # (the day the file is asked for: midnight may pass meanwhile)
        assert response.status_code == 200
        assert response.headers["Content-Disposition"] in {_disposition(name, before), _disposition(name, after)}


@pytest.mark.parametrize("lang, headers", [
    ("", ["编号", "类型", "项目", "节", "节标题", "会议", "会议日期", "决定", "文本", "国家", "组织", "脚注", "引文", "链接"]),
    ("&lang=en", ["id", "kind", "item", "section", "section_title", "meeting", "date", "decision", "text",
                  "countries", "orgs", "footnotes", "citations", "url"]),
])
def test_csv_headers_follow_the_pages_language(client, lang, headers):
    with client.get(f"/search.csv?q={QUERY}{lang}") as response:
        header = next(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert header == headers
    bad = client.get(f"/search.csv?q={QUERY}&lang=fr")
    assert (bad.status_code, "lang" in bad.get_data(as_text=True)) == (400, True)


def test_the_json_export_records_the_filters_and_order_applied(client):
    url = f"/search.json?q={QUERY}&country=法国&from=2004-01-01&sort=date_desc&page=3"
    with client.get(url) as response:
        data = json.loads(response.get_data(as_text=True))
    total = client.get(f"/api/search?q={QUERY}&country=FRA&from=2004-01-01").get_json()["total"]
    assert ({k: v for k, v in data.items() if k != "hits"}, len(data["hits"])) == (
        {"total": total, "query": QUERY, "segmented": [QUERY], "notices": [],
         "filters": {"country": ["FRA"], "from": "2004-01-01"}, "sort": "date_desc"}, total)
    dates = [h["date"] for h in data["hits"] if h["date"]]
    assert dates == sorted(dates, reverse=True)
