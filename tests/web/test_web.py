"""The HTML pages with Flask's test client over a real index of the seed."""
import csv
import io
import json
from urllib.parse import urlencode, urlsplit

import pytest

from html_scan import args_of, find, get_ok

QUERY = "区域组织"
CHAPTER = "000_433e06851ef59419"
PARAGRAPH = f"{CHAPTER}.49.p11"   # cites footnotes 5, 6 and 7 (S/PV.5007 and its resumption)
FOOTNOTE = f"{CHAPTER}.49.fn5"    # cited by PARAGRAPH
XSS = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'


# --- every page ------------------------------------------------------------------------------

PAGES = ["/", f"/search?q={QUERY}", "/search?q=", f"/p/{PARAGRAPH}", f"/p/{FOOTNOTE}", "/doc/S/PV.5007",
         "/doc/S/PV.5007(Resumption 1)", "/meeting/5007", "/search?q=zzzzqqq", "/search?q=faguo", "/contents",
         f"/read/{CHAPTER}", f"/read/{CHAPTER}/49/B?page=2", "/no-such-page"]


@pytest.mark.parametrize("url", PAGES + ["/api/search?q=和平", f"/api/p/{PARAGRAPH}", "/opensearch.xml",
                                         "/favicon.ico", "/static/style.css", "/api/p/nope"])
def test_every_response_carries_the_security_headers(client, url):
    with client.get(url) as response:
        headers = response.headers
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("url", PAGES)
def test_pages_have_no_inline_script_or_style_and_link_opensearch_and_favicon(client, url):
    response = client.get(url)
    assert response.status_code == (404 if url == "/no-such-page" else 200)
    assert all(s.get("src") for s in find(response, "script"))
    assert find(response, "style") == []
    assert not [e for e in find(response) if "style" in e.attrs or any(a.startswith("on") for a in e.attrs)]
    assert find(response, "link", rel="search", type="application/opensearchdescription+xml")
    assert find(response, "link", rel="icon")
    assert "https://" not in "".join(e.get("href", "") + e.get("src", "") for e in find(response, "link")
                                     + find(response, "script")), "no outside resources"


@pytest.mark.parametrize("url, json_url", [
    (f"/search?q={QUERY}&country=FRA", f"/api/search?q={QUERY}&country=FRA"),
    ("/contents", "/api/contents"),
    (f"/read/{CHAPTER}/49/B?page=2", f"/api/read/{CHAPTER}/49/B?page=2"),
    (f"/p/{PARAGRAPH}", f"/api/p/{PARAGRAPH}"),
    ("/meeting/5007", "/api/meeting/5007"),
    ("/doc/S/PV.5007", "/api/doc/S/PV.5007"),
])
def test_page_links_its_json_twin(client, url, json_url):
    response = get_ok(client, url)
    (link,) = find(response, "link", rel="alternate", type="application/json")
    assert urlsplit(link["href"]).path == urlsplit(json_url).path
    assert args_of(link["href"]) == args_of(json_url)
    assert get_ok(client, link["href"]).is_json


# --- home ------------------------------------------------------------------------------------

def test_home_has_search_box_examples_and_ways_in(client):
    response = get_ok(client, "/")
    (box,) = find(response, "input", id_="q")
    assert "autofocus" in box.attrs and box["name"] == "q" and "例如" in box["placeholder"]
    assert find(response, "label", **{"for": "q"})
    assert find(response, "form", action="/search")
    assert "安全理事会惯例汇辑" in find(response, "p", cls="lede")[0].text
    examples = find(response, "a", cls="example")
    assert len(examples) >= 4 and all(e["href"].startswith("/search?q=") for e in examples)
    meetings = [a["href"] for a in find(response, "a") if a.get("href", "").startswith("/meeting/")]
    assert "/meeting/5007" in meetings and "/meeting/5282" in meetings
    assert "主席声明" in response.get_data(as_text=True) and "2004-07-20" in response.get_data(as_text=True)
    countries = [a["href"] for a in find(response, "a") if "country=" in a.get("href", "")]
    assert "/search?country=FRA" in countries


# --- search ----------------------------------------------------------------------------------

def test_search_says_count_time_and_segmentation_and_highlights(client):
    response = get_ok(client, f"/search?q={QUERY}")
    total = client.get(f"/api/search?q={QUERY}").get_json()["total"]
    (count,) = find(response, "p", id_="result-count")
    assert count["data-total"] == str(total) and f"共 {total} 条结果" in count.text and "毫秒" in count.text
    assert [t.text for t in find(response, "span", cls="token")] == [QUERY]
    hits = find(response, "article", cls="hit")
    assert len(hits) == 20
    assert len(find(response, "mark")) >= 20
    assert find(response, "a", cls="permalink")[0]["href"].startswith("/p/")
    assert find(response, "input", id_="header-q")[0]["value"] == QUERY


def test_hit_has_breadcrumb_footnote_markers_and_expandable_citations(client):
    response = get_ok(client, "/search?q=安全框架")
    hit = find(response, "article", cls="hit")[0]
    assert hit["id"] == f"hit-{PARAGRAPH}"
    crumbs = find(response, "h2", cls="crumbs")[0].text
    assert "项目 49" in crumbs and "第 5007 次会议" in crumbs and "2004-07-20" in crumbs
    refs = [a for a in find(response, "a") if a.get("href", "").startswith(f"#hit-{PARAGRAPH}-fn")]
    assert [a.text for a in refs] == ["5", "6", "7"]
    assert [li["id"] for li in find(response, "li") if li.get("id", "").startswith(f"hit-{PARAGRAPH}-fn")] == [
        f"hit-{PARAGRAPH}-fn5", f"hit-{PARAGRAPH}-fn6", f"hit-{PARAGRAPH}-fn7"]
    assert find(response, "details", cls="footnotes") and find(response, "summary")
    zh = [a["href"] for a in find(response, "a", cls="undocs-zh")]
    en = [a["href"] for a in find(response, "a", cls="undocs-en")]
    assert "https://undocs.org/zh/S/PV.5007" in zh and "https://undocs.org/en/S/PV.5007(Resumption%201)" in en
    symbols = {a.text: a["href"] for a in find(response, "a", cls="symbol")}
    assert symbols["S/PV.5007(Resumption 1)"] == "/doc/S/PV.5007%28Resumption%201%29" or \
        symbols["S/PV.5007(Resumption 1)"] == "/doc/S/PV.5007(Resumption%201)"


def test_facet_toggle_keeps_query_and_marks_selection(client):
    response = get_ok(client, f"/search?q={QUERY}&sort=date&page=2")
    toggles = find(response, "a", cls="facet-toggle")
    assert {t["data-facet"] for t in toggles} == {"country", "org", "meeting", "year", "kind", "charter"}
    for t in toggles:
        assert args_of(t["href"]) == [("q", QUERY), ("sort", "date"), (t["data-facet"], t["data-value"])]
    france = next(t for t in toggles if t["data-value"] == "FRA")
    selected = get_ok(client, france["href"])
    api = client.get(f"/api/search?q={QUERY}&country=FRA").get_json()
    assert int(find(selected, "p", id_="result-count")[0]["data-total"]) == api["total"]
    (on,) = find(selected, "a", cls="selected")
    assert on["data-value"] == "FRA" and args_of(on["href"]) == [("q", QUERY), ("sort", "date")]
    # Another country adds to the selection (OR); facets combine with AND.
    china = next(t for t in find(selected, "a", cls="facet-toggle") if t["data-value"] == "CHN")
    assert args_of(china["href"]) == [("q", QUERY), ("sort", "date"), ("country", "FRA"), ("country", "CHN")]


def test_facet_counts_match_the_filtered_totals(client):
    response = get_ok(client, f"/search?q={QUERY}")
    for toggle in find(response, "a", cls="facet-toggle")[:12]:
        label_count = toggle.parts[-1].strip()
        filtered = get_ok(client, toggle["href"])
        assert find(filtered, "p", id_="result-count")[0]["data-total"] == label_count


def test_long_facet_lists_fold_under_show_more(client):
    response = get_ok(client, f"/search?q={QUERY}")
    assert find(response, "details", cls="facet-more")
    assert any(s.text.startswith("显示其余") for s in find(response, "summary"))


def test_active_filters_are_removable_chips_and_clear_all_keeps_query(client):
    url = f"/search?q={QUERY}&country=法国&year=2004&from=2004-01-01&to=2005-12-31&page=1"
    response = get_ok(client, url)
    chips = find(response, "a", cls="chip")
    labels = [c.text for c in chips]
    assert labels == ["国家法国×", "年份2004 年×", "日期自 2004-01-01×", "日期至 2005-12-31×"]
    assert args_of(chips[0]["href"]) == [("q", QUERY), ("year", "2004"), ("from", "2004-01-01"),
                                         ("to", "2005-12-31")]
    assert args_of(chips[1]["href"]) == [("q", QUERY), ("country", "法国"), ("from", "2004-01-01"),
                                         ("to", "2005-12-31")]
    # The country given by its Chinese name is the selected ISO code in the sidebar, removable too.
    (on,) = [a for a in find(response, "a", cls="selected") if a["data-facet"] == "country"]
    assert on["data-value"] == "FRA" and ("country", "法国") not in args_of(on["href"])
    (clear,) = find(response, "a", cls="clear-all")
    assert args_of(clear["href"]) == [("q", QUERY)]
    for i, chip in enumerate(chips):  # each chip's link leads to a page with the other chips only
        after = get_ok(client, chip["href"])
        assert [c.text for c in find(after, "a", cls="chip")] == labels[:i] + labels[i + 1:]


def test_repeated_filter_values_make_one_chip_that_removes_them_all(client):
    response = get_ok(client, f"/search?q={QUERY}&country=FRA&country=法国&country=FRA")
    (chip,) = find(response, "a", cls="chip")
    assert args_of(chip["href"]) == [("q", QUERY)]


def test_date_range_form_keeps_the_rest_of_the_state(client):
    response = get_ok(client, f"/search?q={QUERY}&country=FRA&sort=date&from=2005-01-01&page=2")
    form = find(response, "form", cls="date-range")[0]
    assert form["method"] == "get" and form["action"] == "/search"
    range_hidden = [(i["name"], i["value"]) for i in find(response, "input", type="hidden")]
    assert ("q", QUERY) in range_hidden and ("country", "FRA") in range_hidden and ("sort", "date") in range_hidden
    assert ("page", "2") not in range_hidden
    assert find(response, "input", id_="date-from")[0]["value"] == "2005-01-01"
    assert find(response, "label", **{"for": "date-to"})


def test_date_range_filters_on_meeting_date(client):
    all_dates = client.get("/api/search?q=&per_page=100").get_json()
    ranged = client.get("/api/search?q=&from=2005-01-01&to=2006-12-31&per_page=100").get_json()
    assert 0 < ranged["total"] < all_dates["total"]
    assert all("2005-01-01" <= h["date"] <= "2006-12-31" for h in ranged["hits"])


RES_1631 = "/doc/S/RES/1631(2005)"


@pytest.mark.parametrize("q, targets", [
    # Every spelling of a document the README lists leads to its page; a meeting record to its meeting too.
    ("S/PV.5282", ["/doc/S/PV.5282", "/meeting/5282"]),
    ("S/PV.5007 (Resumption 1)", ["/doc/S/PV.5007(Resumption%201)", "/meeting/5007"]),
    ("S/RES/1631(2005)", [RES_1631]),
    ("S/RES/1631 (2005)", [RES_1631]),
    ("第1631(2005)号决议", [RES_1631]),
    ("第1631号决议", [RES_1631]),
    ("resolution 1631", [RES_1631]),
    ("S/PRST/2004/27", ["/doc/S/PRST/2004/27"]),
    ("5649", ["/meeting/5649"]),
    ("第5007次会议", ["/meeting/5007"]),
    ("第 5007 次会议", ["/meeting/5007"]),
    # Named, but not in the chapters: no link to an empty page.
    ("S/RES/242(1967)", []),
    ("9999", []),
])
def test_query_naming_a_document_or_meeting_offers_a_direct_link(client, q, targets):
    response = get_ok(client, "/search", query_string={"q": q})
    assert [a["href"] for a in find(response, "a", cls="direct-link")] == targets


@pytest.mark.parametrize("target, h1", [
    ("/doc/S/PV.5282", "S/PV.5282"), ("/meeting/5649", "第 5649 次会议"), ("/meeting/5007", "第 5007 次会议"),
    (RES_1631, "S/RES/1631(2005)"),
])
def test_direct_link_targets_name_their_document_or_meeting(client, target, h1):
    assert [h.text for h in find(get_ok(client, target), "h1")] == [h1]


def test_no_direct_link_for_a_meeting_the_corpus_lacks(client):
    assert find(get_ok(client, "/search?q=1234"), "a", cls="direct-link") == []


def test_pagination_and_sort_links(client):
    response = get_ok(client, f"/search?q={QUERY}")
    total = client.get(f"/api/search?q={QUERY}").get_json()["total"]
    last = -(-total // 20)
    assert last >= 3
    (nxt,) = find(response, "a", cls="next")
    assert args_of(nxt["href"]) == [("q", QUERY), ("page", "2")]
    assert find(response, "a", cls="prev") == []
    numbers = [a.text for a in find(response, "a", cls="page")]
    assert numbers[-1] == str(last)
    page2 = get_ok(client, nxt["href"])
    assert find(page2, "strong", cls="current")[-1].text == "2"
    assert args_of(find(page2, "a", cls="prev")[0]["href"]) == [("q", QUERY)]
    first_ids = {h["id"] for h in find(response, "article", cls="hit")}
    assert first_ids.isdisjoint({h["id"] for h in find(page2, "article", cls="hit")})
    sorts = {a.text: a["href"] for a in find(page2, "a", cls="sort")}
    assert {label: args_of(url) for label, url in sorts.items()} == {
        "日期（从早到晚）": [("q", QUERY), ("sort", "date")],
        "日期（从晚到早）": [("q", QUERY), ("sort", "date_desc")],
        "文件顺序": [("q", QUERY), ("sort", "document")],
    }
    assert find(page2, "strong", cls="sort")[0].text == "相关度"


@pytest.mark.parametrize("sort, label, newest_first", [("date", "日期（从早到晚）", False),
                                                        ("date_desc", "日期（从晚到早）", True)])
def test_sort_by_date_orders_hits_by_meeting_date_either_way_and_says_which(client, sort, label, newest_first):
    hits = client.get(f"/api/search?q={QUERY}&sort={sort}&per_page=100").get_json()["hits"]
    dated = [h["date"] for h in hits if h.get("date")]
    assert dated == sorted(dated, reverse=newest_first) and len(set(dated)) > 2
    assert [h["date"] for h in hits[len(dated):]] == [None] * (len(hits) - len(dated))  # undated last
    response = get_ok(client, f"/search?q={QUERY}&sort={sort}")
    assert find(response, "strong", cls="sort")[0].text == label


def test_notice_for_field_syntax_is_shown(client):
    response = get_ok(client, "/search?q=meeting:5007")
    assert "meeting:5007" in find(response, "p", cls="notice")[0].text


# --- export ------------------------------------------------------------------------------------

def test_export_csv_has_every_page_with_bom_and_resolved_citations(client):
    total = client.get(f"/api/search?q={QUERY}").get_json()["total"]
    response = get_ok(client, f"/search.csv?q={QUERY}&page=2")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.get_data()
    assert body.startswith("\ufeff".encode("utf-8"))
    rows = _csv_rows(body)
    assert len(rows) == total > 20
    row = next(r for r in rows if r["id"] == f"{CHAPTER}.49.p34")
    assert row["meeting"] == "5282" and row["date"] == "2005-10-17" and "巴西" in row["countries"]
    assert "S/PV.5282 第 22 页 (联合王国) https://undocs.org/zh/S/PV.5282" in row["citations"]
    assert row["url"] == f"http://localhost/p/{CHAPTER}.49.p34"
    assert get_ok(client, f"/search?q={QUERY}&format=csv").get_data() == body


def test_exports_stream_their_rows_a_page_at_a_time(client, scan):
    response = client.get("/search.csv?q=国")  # more hits than one engine page of 100
    assert response.is_streamed
    chunks = iter(response.response)
    first = next(chunks)  # the header goes out before any page of hits is asked for
    assert first == ("\ufeff" + ",".join(CSV_HEADERS) + "\r\n").encode("utf-8")
    rows = _csv_rows(first + b"".join(chunks))
    assert len(rows) == client.get("/api/search?q=国").get_json()["total"] == len(scan("国")) > 100
    data = client.get("/search.json?q=国")
    assert data.is_streamed
    assert [h["id"] for h in json.loads(data.get_data(as_text=True))["hits"]] == [r["id"] for r in rows]


CSV_HEADERS = ("编号", "类型", "项目", "节", "节标题", "会议", "会议日期", "决定", "文本", "国家", "组织", "脚注", "引文", "链接")


def _csv_rows(body):
    """The rows of a CSV export as dicts by column (the export's headers are Chinese, the page's language)."""
    from search.web.export import EXPORT_COLUMNS

    header, *rows = csv.reader(io.StringIO(body.decode("utf-8-sig")))
    assert tuple(header) == CSV_HEADERS
    return [dict(zip(EXPORT_COLUMNS, row)) for row in rows]


def test_export_json_has_every_page_with_resolved_citations(client):
    total = client.get(f"/api/search?q={QUERY}").get_json()["total"]
    response = get_ok(client, f"/search.json?q={QUERY}&country=CHN")
    data = json.loads(response.get_data(as_text=True))
    chinese = client.get(f"/api/search?q={QUERY}&country=CHN").get_json()["total"]
    assert data["total"] == chinese == len(data["hits"]) < total
    assert all(any(c["code"] == "CHN" for c in h["countries"]) for h in data["hits"])
    cited = [c for h in data["hits"] for fn in h.get("footnotes", []) for c in fn["citations"]]
    assert cited and all(c["url"].startswith("https://undocs.org/zh/") for c in cited if c["symbol"])
    full = json.loads(get_ok(client, f"/search.json?q={QUERY}").get_data(as_text=True))
    assert len(full["hits"]) == total


def test_export_links_carry_the_state_without_page(client):
    response = get_ok(client, f"/search?q={QUERY}&country=FRA&page=2")
    assert args_of(find(response, "a", cls="export-csv")[0]["href"]) == [("q", QUERY), ("country", "FRA")]
    assert urlsplit(find(response, "a", cls="export-json")[0]["href"]).path == "/search.json"


# --- permalinks, documents, meetings ---------------------------------------------------------

def test_paragraph_permalink_shows_text_footnotes_place_and_copy_link(client):
    response = get_ok(client, f"/p/{PARAGRAPH}")
    text = find(response, "div", cls="record-text")[0].text
    assert text.startswith("发言者们一致申明必须加强联合国和区域组织之间的合作")
    assert [li.get("value") for li in find(response, "li") if li.get("id", "").startswith("fn")] == ["5", "6", "7"]
    assert "S/PV.5007(Resumption 1)" in [a.text for a in find(response, "a", cls="symbol")]
    crumbs = find(response, "p", cls="crumbs")[0].text
    assert "项目 49" in crumbs and "第 5007 次会议" in crumbs
    assert find(response, "a", cls="prev")[0]["href"] == f"/p/{CHAPTER}.49.p10"
    assert find(response, "a", cls="next")[0]["href"] == f"/p/{CHAPTER}.49.p12"
    assert find(response, "a", cls="meeting-link")[0]["href"] == "/meeting/5007"
    assert find(response, "input", id_="permalink")[0]["value"] == f"http://localhost/p/{PARAGRAPH}"
    (button,) = find(response, "button", cls="copy-link")
    assert "hidden" in button.attrs, "shown by copy.js only"
    assert find(response, "script", src="/static/copy.js")


@pytest.mark.parametrize("record, h1, meta", [
    (f"{CHAPTER}.49.p12", "第 49 项 · A 节 · 第 5007 次会议 · 本汇辑第 12 段", "段落，2004-07-20"),
    (f"{CHAPTER}.49.p1", "第 49 项 · 本汇辑第 1 段", "标题"),
    (f"{CHAPTER}.49.p20", "第 49 项 · A 节 · 第 5007 次会议 · 本汇辑第 20 段", "主席声明，2004-07-20"),  # a decision
    (f"{CHAPTER}.49.fn21", "第 49 项 · A 节 · 第 5007 次会议 · 脚注 21", "脚注，2004-07-20"),
])
def test_record_page_heading_names_item_section_meeting_and_number(client, record, h1, meta):
    response = get_ok(client, f"/p/{record}")
    assert [h.text for h in find(response, "h1")] == [h1]
    assert [p.text for p in find(response, "p", cls="record-meta")] == [meta]
    assert [t.text for t in find(response, "title")] == [f"{h1} - 安理会惯例汇辑检索"]


def test_footnote_markers_are_superscripts_where_they_stand(client):
    html = get_ok(client, f"/p/{PARAGRAPH}").get_data(as_text=True)
    for number, before in [(5, "来解决危机。"), (6, "发挥关键作用。"), (7, "合法性的途径。")]:
        sup = f'<sup class="fn-ref"><a href="#fn{number}" aria-label="脚注 {number}">{number}</a></sup>'
        assert before + sup in html


def test_footnote_permalink_lists_citations_and_citing_paragraphs(client):
    response = get_ok(client, f"/p/{FOOTNOTE}")
    assert [h.text for h in find(response, "h1")] == ["第 49 项 · A 节 · 第 5007 次会议 · 脚注 5"]
    assert len(find(response, "li", cls="citation")) == 8
    assert find(response, "ul", cls="cited-by-list")
    assert f"/p/{PARAGRAPH}" in [a["href"] for a in find(response, "a", cls="cited-by")]
    assert find(response, "a", cls="next")[0]["href"] == f"/p/{CHAPTER}.49.fn6"


def _page_order(cited):
    return ((0, int(cited["pages"][0].split("-")[0])) if cited["pages"] else (1, 0)), cited["speakers"]


def citing_records(seed_corpus, symbol):
    """The oracle of a document page: {record id: [{pages, speakers, on_behalf_of}]} of the seed's records
    citing `symbol` in document order, each citation once, by page (pages not given last), then speaker."""
    notes = {(f.chapter, f.item, f.number): f for f in seed_corpus.footnotes}
    out = {}
    for r in sorted(seed_corpus.records(), key=lambda r: r.order):
        cites = r.citations if r.kind == "footnote" else [
            c for n in r.footnotes for c in notes[(r.chapter, r.item, n)].citations]
        cited = []
        for c in cites:
            one = {"pages": list(c.pages), "speakers": list(c.speakers), "on_behalf_of": c.on_behalf_of}
            if c.symbol == symbol and one not in cited:
                cited.append(one)
        if cited:
            out[r.id] = sorted(cited, key=_page_order)
    return out


def test_document_page_lists_each_citing_record_once_with_the_pages_and_speakers_it_cites(client, seed_corpus):
    symbol = "S/PV.5007(Resumption 1)"
    response = get_ok(client, f"/doc/{symbol}")
    assert find(response, "h1")[0].text == symbol
    assert find(response, "a", cls="undocs-zh")[0]["href"] == "https://undocs.org/zh/S/PV.5007(Resumption%201)"
    assert find(response, "a", cls="undocs-en")[0]["href"] == "https://undocs.org/en/S/PV.5007(Resumption%201)"
    data = client.get(f"/api/doc/{symbol}").get_json()
    # Every paragraph citing it cites it in a footnote: the footnotes stand behind their paragraphs.
    paragraphs = [(k, v) for k, v in citing_records(seed_corpus, symbol).items() if ".p" in k]
    assert [(r["id"], r["cited"]) for r in data["records"]] == paragraphs
    assert data["records"][0]["cited"] == [
        {"pages": ["5"], "speakers": ["安哥拉"], "on_behalf_of": None},
        {"pages": ["10"], "speakers": [], "on_behalf_of": None},
        {"pages": ["10"], "speakers": ["法国"], "on_behalf_of": None},
        {"pages": ["16"], "speakers": ["罗马尼亚"], "on_behalf_of": None}]
    permalinks = [a["href"] for a in find(response, "a", cls="para-link")]
    assert permalinks == [f"/p/{k}" for k, _ in paragraphs]  # each record once, in document order
    assert find(response, "p", cls="cited")[0].text == "所引：第 5 页安哥拉第 10 页第 10 页法国第 16 页罗马尼亚"


def test_document_page_url_encoded_symbol(client):
    assert get_ok(client, "/doc/S/PV.5007%28Resumption%201%29").get_data() == \
        get_ok(client, "/doc/S/PV.5007(Resumption 1)").get_data()


def test_meeting_page_has_date_decision_and_paragraphs_in_order(client, seed_corpus):
    response = get_ok(client, "/meeting/5282")
    assert find(response, "h1")[0].text == "第 5282 次会议"
    facts = find(response, "dl", cls="meeting-facts")[0].text
    assert "2005年10月17日" in facts and "S/RES/1631 (2005) 表决：15-0-0" in facts
    data = client.get("/api/meeting/5282").get_json()
    expected = [p.id for p in seed_corpus.paragraphs if p.meeting == 5282]
    assert [r["id"] for r in data["records"]] == expected[:20]
    assert len(find(response, "li", cls="meeting-record")) == 20
    assert {r["kind"] for r in data["records"]} <= {"heading", "paragraph", "decision"}
    assert all(r["meeting"] == 5282 for r in data["records"])


# --- opensearch, favicon, errors -----------------------------------------------------------------

def test_opensearch_description(client):
    response = get_ok(client, "/opensearch.xml")
    assert response.mimetype == "application/opensearchdescription+xml"
    body = response.get_data(as_text=True)
    assert 'template="http://localhost/search?q={searchTerms}"' in body and "<ShortName>" in body


def test_favicon(client):
    response = get_ok(client, "/favicon.ico")
    assert response.mimetype == "image/x-icon" and response.get_data()[:4] == b"\x00\x00\x01\x00"
    response.close()


@pytest.mark.parametrize("url, message", [
    ("/p/no.such.id", "no.such.id"),
    ("/doc/S/9999/999", "S/9999/999"),
    ("/meeting/99998", "第 99998 次会议"),
    ("/no/such/page", "找不到"),
    ("/p/..%2F..%2Fetc%2Fpasswd", "找不到"),
    ("/static/../search/web.py", "找不到"),
])
def test_unknown_things_are_404_pages_in_the_site_style(client, url, message):
    response = client.get(url)
    assert response.status_code == 404
    assert find(response, "link", rel="stylesheet")
    assert message in find(response, "section", cls="error-box")[0].text


@pytest.mark.parametrize("query", ["page=abc", "page=0", "per_page=1000", "sort=random", "from=yesterday",
                                   "country=Atlantis", "year=1066", "kind=poem", "page=10001"])
def test_bad_parameters_are_400_pages_naming_the_parameter(client, query):
    response = client.get(f"/search?q=和平&{query}")
    assert response.status_code == 400
    name = query.split("=")[0]
    message = find(response, "p", cls="error-message")[0].text
    assert message.startswith("请求参数有误：") and name in message


XSS_PARAMS = ["q", "country", "org", "meeting", "year", "kind", "from", "to", "sort", "page", "per_page"]


@pytest.mark.parametrize("param", XSS_PARAMS)
def test_xss_payload_is_escaped_wherever_echoed(client, param):
    response = client.get("/search", query_string={"q": "和平", param: XSS} if param != "q" else {"q": XSS})
    body = response.get_data(as_text=True)
    assert response.status_code in (200, 400)
    assert "<script>alert(1)" not in body and "<img src=x" not in body
    assert all(s.get("src") for s in find(response, "script"))


def test_xss_payload_in_q_is_echoed_escaped_in_every_place(client):
    response = get_ok(client, "/search?" + "q=" + XSS.replace("&", "%26").replace("#", "%23"))
    body = response.get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert find(response, "input", id_="header-q")[0]["value"] == XSS
    assert find(response, "strong", cls="q-echo")[0].text == XSS
    assert "<script>alert" not in body and "onerror=alert(2)>" not in body


@pytest.mark.parametrize("url", ["/p/<script>alert(1)</script>", "/doc/<img src=x onerror=alert(1)>",
                                 "/doc/S/PV.5007<script>"])
def test_xss_in_paths_is_escaped_on_404_pages(client, url):
    response = client.get(url)
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert "<script>alert" not in body and "<img src=x" not in body


@pytest.mark.parametrize("q, contained, notices", [
    # `contained`: the hits are the units containing it ("" = every unit: nothing searchable is left).
    ('"', "", ["引号不成对，已按普通文字检索其后的内容。"]),
    ("((", "((", []),
    ("AND OR NOT", "", ["AND 两边都需要检索词，已忽略。", "OR 两边都需要检索词，已忽略。", "NOT 后面需要检索词，已忽略。"]),
    ("***???", "***???", ["不支持通配符：* 和 ? 按普通字符检索。"]),
    ("\x00\x01", "", ["已删除查询中的控制字符。"]),
    ("😀🇫🇷", "😀🇫🇷", []),
    ("%ZZ", "%ZZ", []),
    ("-", "", ["单独的“-”已忽略：排除请写成 -词语。"]),
    ("OR", "", ["OR 两边都需要检索词，已忽略。"]),
])
def test_hostile_queries_give_a_result_page_with_their_notices(client, scan, q, contained, notices):
    response = get_ok(client, "/search?" + urlencode({"q": q}))
    assert int(find(response, "p", id_="result-count")[0]["data-total"]) == len(scan(contained))
    assert [n.text for n in find(response, "p", cls="notice")] == notices


def test_overlong_query_searches_its_first_500_characters(client):
    def page(q):
        response = get_ok(client, "/search?" + urlencode({"q": q}))
        return (find(response, "p", id_="result-count")[0]["data-total"], [a["id"] for a in find(response, "article")],
                [n.text for n in find(response, "p", cls="notice")])

    total, hits, notices = page("和" * 800)  # 7,200 bytes encoded: under the app's 8,000
    assert (total, hits) == page("和" * 500)[:2]
    assert notices == ["查询过长，只检索了前 500 个字符。"]


def test_unexpected_errors_become_a_500_page_not_a_traceback(app, client, monkeypatch):
    from search.query import searcher

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(searcher, "run_search", broken)
    response = client.get("/search?q=x")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "Traceback" not in body and "boom" not in body and find(response, "section", cls="error-box")
    api = client.get("/api/search?q=x")
    assert api.status_code == 500 and api.get_json() == {"error": "服务器内部错误，请稍后再试。", "status": 500,
                                                         "code": "internal_error"}


def test_index_is_reopened_after_an_atomic_rebuild(tmp_path):
    from conftest import SEED_FILES
    from search import create_app
    from search.index.build import build_index

    index_dir = tmp_path / "index"
    build_index(SEED_FILES, index_dir)
    app = create_app({"TESTING": True, "INDEX_DIR": str(index_dir)})
    client = app.test_client()
    first = client.get("/api/search?q=").get_json()["total"]
    state = app.extensions["repertoire"]
    generation = state["open"].searcher.generation
    build_index(SEED_FILES, index_dir)
    assert client.get("/api/search?q=").get_json()["total"] == first
    assert state["open"].searcher.generation != generation


def test_missing_index_is_a_503_not_a_traceback(tmp_path):
    from search import create_app

    app = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "nothing")})
    client = app.test_client()
    response = client.get("/search?q=和平")
    assert response.status_code == 503 and find(response, "section", cls="error-box")
    assert client.get("/api/search").get_json()["status"] == 503
