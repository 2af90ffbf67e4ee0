"""Knowing what is indexed and reading it as a book: the home page's holdings, the table of contents,
a chapter, item or section read in order, a record's place in it, and the document and record pages."""
from collections import Counter

import pytest

from html_scan import args_of, find, get_ok

CHAPTER = "000_433e06851ef59419"
READ = f"/read/{CHAPTER}"


def _where(record, paragraphs):
    """(item, section) a record stands in: a footnote where the paragraph first citing it stands."""
    if record.kind != "footnote":
        return record.item, record.section
    first = paragraphs.get(record.cited_by[0]) if record.cited_by else None
    return record.item, first.section if first else None


def contents_oracle(corpus):
    """The seed's items and sections in order, from its records: [(level, item, section, title, units)]."""
    paragraphs = {p.id: p for p in corpus.paragraphs}
    units = Counter()
    for r in corpus.records():
        item, section = _where(r, paragraphs)
        units[(item, None)] += 1
        if section:
            units[(item, section)] += 1
    out = [("chapter", None, None, "章节（项目 49–50）", len(list(corpus.records())))]
    for p in sorted(corpus.paragraphs, key=lambda p: p.order):
        for level, key, title in (("item", (p.item, None), p.item_title), ("section", (p.item, p.section),
                                                                           p.section_title)):
            if key[1 if level == "section" else 0] and (level, *key) not in [(o[0], o[1], o[2]) for o in out]:
                out.append((level, *key, title, units[key]))
    return out


# --- the home page ---------------------------------------------------------------------------------

def test_home_says_what_is_indexed_each_with_its_count_and_a_link(client, seed_corpus):
    response = get_ok(client, "/")
    holdings = [(a.text, a["href"]) for a in find(response, "a", inside="holdings-list")]
    dates = {r.date for r in seed_corpus.paragraphs if r.date}
    symbols = {c.symbol for f in seed_corpus.footnotes for c in f.citations if c.symbol}
    assert holdings == [("1章节", "/contents"), ("2项目", "/contents"), ("4节", "/contents"),
                        (f"{len({d[:4] for d in dates})}年份", "#by-year"),
                        (f"{len({r.meeting for r in seed_corpus.paragraphs if r.meeting})}会议", "#by-meeting"),
                        # the documents the footnotes cite, the resolution the chapter quotes, and
                        # S/PRST/2004/33 (the 主席声明 of 5041, from the UN meetings table)
                        (f"{len(symbols | {'S/RES/1631(2005)', 'S/PRST/2004/33'})}文件", "#by-document")]
    ids = {e.get("id") for e in find(response)}
    assert {"by-year", "by-meeting", "by-document"} <= ids


def test_home_lists_years_in_order_meetings_with_their_paragraphs_and_the_documents_cited_most(client, seed_corpus):
    data = client.get("/api/home").get_json()
    years = Counter(r.date[:4] for r in seed_corpus.records() if getattr(r, "date", None))
    assert [(y["year"], y["count"], y["url"]) for y in data["years"]] == [
        (y, n, f"/search?year={y}") for y, n in sorted(years.items())]
    assert [y["count"] for y in data["years"]] == [
        client.get(f"/api/search?year={y['year']}").get_json()["total"] for y in data["years"]]
    paragraphs = Counter(r.meeting for r in seed_corpus.paragraphs if r.meeting)
    assert [(m["number"], m["count"]) for m in data["meetings"]] == sorted(paragraphs.items())
    assert [m["count"] for m in data["meetings"]] == [
        client.get(m["url"].replace("/meeting/", "/api/meeting/")).get_json()["total"] for m in data["meetings"]]
    documents = [(d["symbol"], d["count"]) for d in data["documents"]]
    assert documents[:3] == [("S/PV.5529", 38), ("S/PV.5007", 26), ("S/PV.5282", 24)]
    assert [d["count"] for d in data["documents"]] == [
        client.get("/api" + d["url"]).get_json()["total"] for d in data["documents"]]
    assert len(documents) == 12 and [n for _, n in documents] == sorted((n for _, n in documents), reverse=True)


def test_the_home_page_is_made_from_build_time_statistics_alone(app, monkeypatch):
    from search.web import state

    with app.app_context():
        engine = state.get_searcher().engine

    def refuse(*args, **kwargs):
        raise AssertionError("the home page asked the engine")

    for name in ("match", "count", "records_of", "count_of", "lookup", "at"):
        monkeypatch.setattr(engine, name, refuse)
    client = app.test_client()
    assert client.get("/").status_code == client.get("/api/home").status_code == \
        client.get("/contents").status_code == 200


# --- the table of contents -------------------------------------------------------------------------

def test_contents_list_every_chapter_item_and_section_in_order_with_their_units(client, seed_corpus):
    data = client.get("/api/contents").get_json()
    parts = [(p["level"], p["item"], p["section"], p["title"], p["units"]) for p in data["parts"]]
    assert parts == contents_oracle(seed_corpus)
    assert [(p[0], p[1], p[2], p[4]) for p in parts] == [
        ("chapter", None, None, 232), ("item", 49, None, 222), ("section", 49, "A", 47),
        ("section", 49, "B", 101), ("section", 49, "C", 44), ("section", 49, "D", 29), ("item", 50, None, 10)]
    assert [p["url"] for p in data["parts"]] == [
        READ, f"{READ}/49", f"{READ}/49/A", f"{READ}/49/B", f"{READ}/49/C", f"{READ}/49/D", f"{READ}/50"]
    response = get_ok(client, "/contents")
    entries = find(response, "li", cls="contents-entry")
    assert [e.text for e in entries][:3] == [
        "章节（项目 49–50）232 条", "项目 49与区域和次区域组织在维护国际和平与安全方面的作用有关的项目222 条",
        "A 节联合国与区域组织在稳定进程中的合作47 条"]
    assert [a["href"] for a in find(response, "a") if a.get("href", "").startswith("/read/")] == \
        [p["url"] for p in data["parts"]]
    assert find(get_ok(client, "/"), "a", href="/contents"), "the header and the home page link the contents"


# --- reading a part in order -----------------------------------------------------------------------

@pytest.mark.parametrize("path, item, section", [
    (READ, None, None), (f"{READ}/49", 49, None), (f"{READ}/49/B", 49, "B"), (f"{READ}/50", 50, None)])
def test_a_part_reads_its_headings_paragraphs_and_decisions_in_order_a_page_at_a_time(
        client, seed_corpus, path, item, section):
    expected = [p.id for p in sorted(seed_corpus.paragraphs, key=lambda p: p.order)
                if (item is None or p.item == item) and (section is None or p.section == section)]
    first = client.get(f"/api{path}?per_page=10").get_json()
    pages = first["pagination"]["last"]
    ids = [r["id"] for page in range(1, pages + 1)
           for r in client.get(f"/api{path}?per_page=10&page={page}").get_json()["records"]]
    assert (ids, first["total"], pages) == (expected, len(expected), -(-len(expected) // 10))


def test_a_reading_page_shows_each_paragraph_with_its_footnotes_and_its_neighbours(client, seed_corpus):
    response = get_ok(client, f"{READ}/49/A")
    assert find(response, "h1")[0].text == "A 节　联合国与区域组织在稳定进程中的合作"
    crumbs = [(a.text, a["href"]) for a in find(response, "a", inside="breadcrumbs")]
    assert crumbs == [("目录", "/contents"), ("章节（项目 49–50）", READ),
                      ("项目 49", f"{READ}/49")]
    paragraph = next(p for p in seed_corpus.paragraphs if p.section == "A" and p.footnotes)
    assert [li["id"] for li in find(response, "li") if li.get("id", "").startswith(f"r-{paragraph.id}-fn")] == [
        f"r-{paragraph.id}-fn{n}" for n in paragraph.footnotes]
    assert (find(response, "a", cls="prev-part"), find(response, "a", cls="next-part")[0]["href"]) == (
        [], f"{READ}/49/B")
    assert find(get_ok(client, f"{READ}/49/B"), "a", cls="prev-part")[0]["href"] == f"{READ}/49/A"
    assert args_of(find(response, "a", cls="next")[0]["href"]) == [("page", "2")]


@pytest.mark.parametrize("path, message", [
    (f"/read/{CHAPTER}/49/Z", f"目录中没有“{CHAPTER}”的项目 49 Z 节。"),
    ("/read/nope", "目录中没有“nope”。"),
    (f"/read/{CHAPTER}/51", f"目录中没有“{CHAPTER}”的项目 51。"),
    (f"/read/{CHAPTER}/abc", "找不到该页面或记录。"),
])
def test_a_part_the_contents_lack_is_a_404_that_says_so(client, path, message):
    assert client.get("/api" + path).get_json() == {"error": message, "status": 404, "code": "not_found"}
    response = client.get(path)
    assert response.status_code == 404 and find(response, "p", cls="error-message")[0].text == message


def test_a_page_past_the_end_of_a_part_goes_to_its_last_page(client):
    response = client.get(f"{READ}/49/B?page=99")
    assert (response.status_code, response.headers["Location"]) == (302, f"{READ}/49/B?page=3")


# --- a record's place --------------------------------------------------------------------------------

@pytest.mark.parametrize("record, crumbs", [
    (f"{CHAPTER}.49.p41", [("目录", "/contents"), ("章节（项目 49–50）", f"{READ}?page=3#r-{CHAPTER}.49.p41"),
                           ("项目 49", f"{READ}/49?page=3#r-{CHAPTER}.49.p41"),
                           ("B 节", f"{READ}/49/B#r-{CHAPTER}.49.p41")]),
    (f"{CHAPTER}.50.p3", [("目录", "/contents"), ("章节（项目 49–50）", f"{READ}?page=6#r-{CHAPTER}.50.p3"),
                          ("项目 50", f"{READ}/50#r-{CHAPTER}.50.p3")]),
    # A footnote: where the paragraph that first cites it stands, at the footnote under it.
    (f"{CHAPTER}.49.fn21", [("目录", "/contents"), ("章节（项目 49–50）", f"{READ}#r-{CHAPTER}.49.p16-fn21"),
                            ("项目 49", f"{READ}/49#r-{CHAPTER}.49.p16-fn21"),
                            ("A 节", f"{READ}/49/A#r-{CHAPTER}.49.p16-fn21")]),
])
def test_a_record_page_shows_its_place_in_the_contents(client, record, crumbs):
    data = client.get(f"/api/p/{record}").get_json()
    assert [(c["label"], c["url"]) for c in data["crumbs"]] == crumbs
    response = get_ok(client, f"/p/{record}")
    assert [a["href"] for a in find(response, "a", inside="breadcrumbs")] == [u for _, u in crumbs]
    # The reading page it leads to holds the record (or the footnote) at that anchor.
    anchor = crumbs[-1][1].split("#")[1]
    assert find(get_ok(client, crumbs[-1][1].split("#")[0]), id_=anchor)


# --- record pages: decisions ------------------------------------------------------------------------

@pytest.mark.parametrize("record, decision, url", [
    (f"{CHAPTER}.49.p41", "第 1631(2005)号决议", "/doc/S/RES/1631(2005)"),
    (f"{CHAPTER}.49.p20", "主席声明", "/doc/S/PRST/2004/27"),
])
def test_a_decision_clause_links_its_decision_to_the_documents_page(client, record, decision, url):
    response = get_ok(client, f"/p/{record}")
    (link,) = find(response, "a", cls="decision-link")
    assert (link.text, link["href"]) == (decision, url)
    assert find(response, "h1")[0].text.endswith("本汇辑第 " + record.rsplit(".p", 1)[1] + " 段")
    assert get_ok(client, url)


# --- document pages ----------------------------------------------------------------------------------

@pytest.mark.parametrize("given, canonical", [
    ("/doc/S/RES/1631", "/doc/S/RES/1631(2005)"),
    ("/doc/S/RES/1631?page=2&per_page=5", "/doc/S/RES/1631(2005)?page=2&per_page=5"),
    ("/api/doc/S/RES/1631", "/api/doc/S/RES/1631(2005)"),
    ("/doc/第1631号决议", "/doc/S/RES/1631(2005)"),
    ("/doc/resolution 1631", "/doc/S/RES/1631(2005)"),
])
def test_a_resolution_without_its_year_redirects_to_its_page(client, given, canonical):
    response = client.get(given)
    assert (response.status_code, response.headers["Location"]) == (302, canonical)
    assert client.get(canonical).status_code == 200


def test_a_meeting_records_page_gives_its_meeting_date_and_agenda_and_each_paragraph_once(client, seed_corpus):
    response = get_ok(client, "/doc/S/PV.5282")
    assert find(response, "p", cls="adopted")[0].text == \
        "第 5282 次会议的会议记录，2005年10月17日；结果：S/RES/1631 (2005)（15-0-0）"
    assert find(response, "p", cls="agenda")[0].text == (
        "Cooperation between the United Nations and regional organizations in maintaining international peace "
        "and security")
    data = client.get("/api/doc/S/PV.5282").get_json()
    assert (data["meeting"]["number"], data["meeting"]["date"], data["meeting"]["record"]["record"]) == (
        5282, "2005-10-17", "S/PV.5282")
    ids = [r["id"] for r in data["records"]]
    assert len(ids) == len(set(ids)) and [a["href"] for a in find(response, "a", cls="para-link")] == [
        f"/p/{i}" for i in ids]
    resumption = client.get("/api/doc/S/PV.5282(Resumption 1)").get_json()["meeting"]["record"]
    assert (resumption["record"], resumption["resumption"]) == ("S/PV.5282 (Resumption 1)", "Resumption 1")


def test_a_citations_meeting_is_said_once_for_the_citations_of_it(client):
    # Footnote 5 cites S/PV.5007 and its resumption eight times: one meeting, one line.
    response = get_ok(client, f"/p/{CHAPTER}.49.fn5")
    assert (len(find(response, "li", cls="citation")), len(find(response, "span", cls="meeting-context"))) == (8, 1)
    assert find(response, "span", cls="meeting-context")[0].text.startswith("2004年7月20日 · Cooperation")
