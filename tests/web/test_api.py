"""The JSON API: GET /api/search and /api/p/<id> (test client), and one run against `serve`."""
import pytest

QUERY = "区域组织"
PARAGRAPH = "000_433e06851ef59419.49.p11"
FOOTNOTE = "000_433e06851ef59419.49.fn5"
HIT_KEYS = {"id", "kind", "text", "snippet", "url", "item", "section", "meeting", "date", "countries", "orgs"}


def test_search_answers_the_documented_shape(client):
    response = client.get(f"/api/search?q={QUERY}&per_page=5")
    assert response.status_code == 200 and response.mimetype == "application/json"
    data = response.get_json()
    assert {"total", "page", "per_page", "took_ms", "query", "segmented", "hits", "facets", "notices"} <= set(data)
    assert (data["page"], data["per_page"], data["query"], data["segmented"]) == (1, 5, QUERY, [QUERY])
    assert data["total"] > 20 and len(data["hits"]) == 5
    for hit in data["hits"]:
        assert HIT_KEYS <= set(hit)
        assert hit["url"] == f"/p/{hit['id']}"
        assert "<mark>" in hit["snippet"]
        assert all(set(c) >= {"code", "zh", "en"} for c in hit["countries"])
    assert set(data["facets"]) == {"country", "org", "meeting", "year", "kind", "charter"}
    for values in data["facets"].values():
        for v in values:
            assert {"value", "label", "count", "selected", "toggle_url"} <= set(v)


def test_paragraph_hits_carry_footnotes_with_resolved_citations(client):
    hits = client.get("/api/search?q=安全框架").get_json()["hits"]
    hit = next(h for h in hits if h["id"] == PARAGRAPH)
    assert [fn["number"] for fn in hit["footnotes"]] == [5, 6, 7]
    assert hit["footnotes"][1]["citations"] == [{
        "symbol": "S/PV.5007(Resumption 1)", "pages": ["10"], "speakers": [], "on_behalf_of": None,
        "url": "https://undocs.org/zh/S/PV.5007(Resumption%201)",
        "url_en": "https://undocs.org/en/S/PV.5007(Resumption%201)",
        "doc_url": "/doc/S/PV.5007(Resumption%201)",
        "meeting": {
            "number": 5007, "date": "2004-07-20", "date_zh": "2004年7月20日",
            "topic": "Cooperation between the United Nations and regional organizations in stabilization processes",
            "summary": "S/PV.5007 · 2004年7月20日 · Cooperation between the United Nations and regional "
                       "organizations in stabilization processes · S/PRST/2004/27",
            "record": {"record": "S/PV.5007 (Resumption 1)", "resumption": "Resumption 1", "date": "2004-07-20",
                       "url": "https://undocs.org/zh/S/PV.5007(Resumption%201)"},
            "outcomes": [{"symbol": "S/PRST/2004/27", "printed": "S/PRST/2004/27", "kind": "presidential_statement",
                          "votes": None, "note": None, "url": "https://undocs.org/zh/S/PRST/2004/27",
                          "url_en": "https://undocs.org/en/S/PRST/2004/27"}],
            "url": "/meeting/5007",
        },
    }]


def test_footnote_hits_carry_citations_and_cited_by(client):
    hits = client.get("/api/search?q=S/PV.5007&kind=footnote&per_page=100").get_json()["hits"]
    note = next(h for h in hits if h["id"] == FOOTNOTE)
    assert note["kind"] == "footnote" and len(note["citations"]) == 8
    assert note["citations"][0]["url"] == "https://undocs.org/zh/S/PV.5007"
    assert PARAGRAPH in [p["id"] for p in note["cited_by"]]


def test_country_by_chinese_name_equals_iso_code(client):
    by_code = client.get(f"/api/search?q={QUERY}&country=FRA").get_json()
    by_name = client.get(f"/api/search?q={QUERY}&country=法国").get_json()
    assert by_code["total"] == by_name["total"] > 0
    assert [h["id"] for h in by_code["hits"]] == [h["id"] for h in by_name["hits"]]


def test_pages_partition_the_result(client):
    total = client.get(f"/api/search?q={QUERY}").get_json()["total"]
    ids = []
    for page in range(1, -(-total // 25) + 1):
        ids += [h["id"] for h in client.get(f"/api/search?q={QUERY}&per_page=25&page={page}").get_json()["hits"]]
    assert len(ids) == len(set(ids)) == total


def test_record_by_id(client):
    data = client.get(f"/api/p/{PARAGRAPH}").get_json()
    assert data["id"] == PARAGRAPH and data["meeting"] == 5007 and data["date"] == "2004-07-20"
    assert data["prev"]["id"] == "000_433e06851ef59419.49.p10"
    assert data["next"]["id"] == "000_433e06851ef59419.49.p12"
    assert [fn["id"] for fn in data["footnotes"]] == [f"000_433e06851ef59419.49.fn{n}" for n in (5, 6, 7)]


def test_empty_result_still_has_every_facet_key(client):
    data = client.get("/api/search?q=&to=0404-05-25").get_json()
    assert data["total"] == 0 and set(data["facets"]) == {"country", "org", "meeting", "year", "kind", "charter"}


@pytest.mark.parametrize("url", ["/api/p/nope", "/api/p/..%2Fetc", "/api/doc/S/NOPE", "/api/meeting/99998",
                                 "/api/nothing"])
def test_unknown_is_404_json(client, url):
    response = client.get(url)
    assert response.status_code == 404 and response.mimetype == "application/json"
    data = response.get_json()
    assert set(data) == {"error", "status", "code"} and (data["status"], data["code"]) == (404, "not_found")
    assert data["error"]


@pytest.mark.parametrize("query, param", [
    ("page=abc", "page"), ("page=0", "page"), ("page=10001", "page"), ("page=6972302", "page"),
    ("page=1_0", "page"), ("page=%D9%A3", "page"), ("page=%EF%BC%92", "page"), ("page=%2B2", "page"),
    ("per_page=0", "per_page"), ("per_page=101", "per_page"), ("per_page=x", "per_page"),
    ("per_page=%EF%BC%92%EF%BC%90", "per_page"), ("sort=best", "sort"), ("from=2004-13-01", "from"),
    ("to=tomorrow", "to"), ("country=Atlantis", "country"), ("org=XYZ", "org"), ("meeting=abc", "meeting"),
    ("year=19", "year"), ("kind=poem", "kind"),
    # Spaces are not a number, a date, a sort or a year (the API description: an empty value or a valid one).
    ("sort=%0C", "sort"), ("sort=%20date", "sort"), ("page=%20", "page"), ("per_page=5%20", "per_page"),
    ("from=%202004-01-01", "from"), ("to=%09", "to"), ("year=%20", "year"), ("year=2005%20", "year"),
    ("meeting=%205007", "meeting"), ("kind=%20", "kind"),
])
def test_bad_parameters_are_400_with_error_status_code_and_param(client, query, param):
    response = client.get(f"/api/search?q=和平&{query}")
    assert response.status_code == 400
    data = response.get_json()
    assert {k: data[k] for k in ("status", "code", "param")} == {"status": 400, "code": "bad_parameter",
                                                               "param": param}
    assert set(data) == {"error", "status", "code", "param"} and data["error"].startswith(param)


def test_an_empty_field_is_not_set_and_blank_free_text_too(client):
    plain = client.get("/api/search?q=和平").get_json()
    for query in ("sort=&page=&per_page=&from=&to=&year=&meeting=&kind=", "country=%20&org=%09&q=%20&q=和平"):
        data = client.get(f"/api/search?q=和平&{query}").get_json()
        assert ([h["id"] for h in data["hits"]], data["total"], data["filters"]) == \
            ([h["id"] for h in plain["hits"]], plain["total"], {})


def _last_page(client, q):
    total = client.get("/api/search", query_string={"q": q}).get_json()["total"]
    return total, -(-total // 20)


@pytest.mark.parametrize("page", ["+1", "999", "10000"])
def test_a_page_past_the_last_shows_the_last_with_a_notice(client, page):
    total, last = _last_page(client, "安全理事会")
    assert last > 1
    asked = int(page) if page != "+1" else last + 1
    data = client.get("/api/search", query_string={"q": "安全理事会", "page": str(asked)}).get_json()
    expected = client.get("/api/search", query_string={"q": "安全理事会", "page": str(last)}).get_json()
    assert (data["page"], data["total"], [h["id"] for h in data["hits"]]) == (
        last, total, [h["id"] for h in expected["hits"]])
    assert data["notices"] == [f"第 {asked} 页超出了结果的范围（共 {last} 页），这里显示的是第 {last} 页。"]


def test_a_page_past_the_last_on_the_html_page_shows_its_notice_and_hits(client):
    total, last = _last_page(client, "安全理事会")
    html = client.get("/search", query_string={"q": "安全理事会", "page": "999"}).get_data(as_text=True)
    assert f"第 999 页超出了结果的范围（共 {last} 页），这里显示的是第 {last} 页。" in html
    assert html.count('class="hit') >= total - (last - 1) * 20


def test_a_start_date_after_the_end_date_is_a_notice_not_an_error(client):
    swapped = client.get("/api/search?q=和平&from=2007-01-01&to=2004-01-01")
    straight = client.get("/api/search?q=和平&from=2004-01-01&to=2007-01-01").get_json()
    data = swapped.get_json()
    assert swapped.status_code == 200
    assert (data["total"], data["filters"]) == (straight["total"], {"from": "2004-01-01", "to": "2007-01-01"})
    assert data["notices"] == ["起始日期 2007-01-01 晚于截止日期 2004-01-01：已按 2004-01-01 至 2007-01-01 检索。"]
    html = client.get("/search?q=和平&from=2007-01-01&to=2004-01-01")
    assert html.status_code == 200 and "起始日期 2007-01-01 晚于截止日期 2004-01-01" in html.get_data(as_text=True)


@pytest.mark.parametrize("q, contained, notices", [
    # `contained`: the hits are the units containing it ("" = every unit: nothing searchable is left).
    ('"unbalanced', "unbalanced", ["引号不成对，已按普通文字检索其后的内容。"]),
    ("(((", "(((", []),
    ("AND OR NOT", "", ["AND 两边都需要检索词，已忽略。", "OR 两边都需要检索词，已忽略。", "NOT 后面需要检索词，已忽略。"]),
    ("*?*?", "*?*?", ["不支持通配符：* 和 ? 按普通字符检索。"]),
    ("\x00\x1f", "", ["已删除查询中的控制字符。"]),
    ("😀" * 50, "😀" * 50, []),
    ("x" * 20000, "x" * 500, ["查询过长，只检索了前 500 个字符。"]),
    ("-", "", ["单独的“-”已忽略：排除请写成 -词语。"]),
    ("meeting:5007", "meeting:5007", ["不支持字段查询：“meeting:5007”按普通文字检索；请用筛选条件（如会议、国家）。"]),
    ("%ZZ", "%ZZ", []),
    ("<script>alert(1)</script>", "<script>alert(1)</script>", []),
])
def test_hostile_queries_answer_200_with_their_notices(client, scan, q, contained, notices):
    response = client.get("/api/search", query_string={"q": q})
    assert response.status_code == 200
    data = response.get_json()
    assert (data["total"], len(data["hits"]), data["notices"]) == (
        len(scan(contained)), min(len(scan(contained)), 20), notices)


def test_echoed_text_is_never_markup_and_chinese_stays_readable(client):
    # The query comes back in "query": its <, > and & as JSON escapes, its Chinese as UTF-8.
    response = client.get("/api/search", query_string={"q": "<b>法国&"})
    assert response.mimetype == "application/json"
    assert b'"query":"\\u003cb\\u003e\xe6\xb3\x95\xe5\x9b\xbd\\u0026"' in response.data
    assert (b"<" in response.data, b"&" in response.data, response.get_json()["query"]) == (False, False, "<b>法国&")


@pytest.mark.parametrize("path", ["/api/search", "/api/p/x", "/search", "/api/openapi.json", "/"])
def test_wrong_methods_get_405_with_allow_and_a_code(client, path):
    response = client.post(path)
    allowed = sorted(m.strip() for m in response.headers.get("Allow", "").split(","))
    assert (response.status_code, allowed) == (405, ["GET", "HEAD", "OPTIONS"])
    if path.startswith("/api/"):
        assert response.get_json() == {"error": "不支持该请求方法。", "status": 405, "code": "method_not_allowed"}


def test_search_against_a_real_serve_process(live_server):
    import requests

    with requests.get(f"{live_server}/api/search", params={"q": QUERY, "country": "FRA", "per_page": 3},
                      timeout=30) as response:
        assert response.status_code == 200
        assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
        data = response.json()
    assert data["total"] > 0 and len(data["hits"]) == 3
    assert all(any(c["code"] == "FRA" for c in h["countries"]) for h in data["hits"])
    with requests.get(f"{live_server}/api/search", params={"page": "x"}, timeout=30) as bad:
        assert bad.status_code == 400 and bad.json()["status"] == 400
    with requests.get(f"{live_server}/p/{PARAGRAPH}", timeout=30) as page:
        assert page.status_code == 200 and "发言者们一致申明" in page.text


def test_openapi_description_is_served_and_names_the_routes(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    spec = response.get_json()
    assert spec["openapi"].startswith("3.") and {"/api/search", "/api/p/{id}"} <= set(spec["paths"])


def test_every_way_a_hit_matched_is_one_the_description_names(client):
    spec = client.get("/api/openapi.json").get_json()
    hit = spec["components"]["schemas"]["Hit"]["allOf"][1]["properties"]
    described = set(hit["match"]["enum"])
    seen = set()
    for q in ("维和部队快速部署", "peacekeeping", "非盟", "维和", "联合国区域组织", "good offices"):
        data = client.get("/api/search", query_string={"q": q, "per_page": 100}).get_json()
        seen |= {h["match"] for h in data["hits"] + data["related"]}
    assert seen == {"exact", "words", "translated", "expanded", "partial", "meaning"}
    assert seen <= described
