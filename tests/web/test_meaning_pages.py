"""The meaning search on the pages and their JSON twins: how each hit matched, the units close in
meaning after the words, former bodies that can be dropped, similar practice on the record page."""
from test_web import args_of, find, get_ok

P = "000_433e06851ef59419.49.p"


def test_each_hit_says_how_it_matched_and_offers_its_similar_practice(client):
    response = get_ok(client, "/search?q=peacekeeping&per_page=100")
    hits = find(response, "article", cls="hit")
    data = client.get("/api/search?q=peacekeeping&per_page=100").get_json()
    labels = [e.text for e in find(response, "span", cls="match")]
    assert labels[:data["total"]] == ["译词匹配"] * data["total"]
    assert labels[data["total"]:] == [f"语义相关（相似度 {h['cosine']}）" for h in data["related"]]
    links = [a["href"] for a in find(response, "a", cls="similar-link")]
    assert links == [f"/p/{h['id']}#similar" for h in data["hits"] + data["related"]]
    assert len(hits) == data["total"] + len(data["related"])


def test_the_meaning_search_units_come_after_the_words_under_their_own_heading(client):
    response = get_ok(client, "/search?q=peacekeeping&per_page=100")
    assert [h.text for h in find(response, "h2", id_="related-title")] == ["语义相关"]
    data = client.get("/api/search?q=peacekeeping&per_page=100").get_json()
    assert data["related"] and {h["match"] for h in data["related"]} == {"meaning"}
    assert not {h["id"] for h in data["related"]} & {h["id"] for h in data["hits"]}


def test_a_query_with_nothing_close_says_so_plainly(client):
    response = get_ok(client, "/search?q=xyzzy qwerty")
    assert "没有找到结果" in find(response, "div", cls="empty")[0].text
    assert find(response, "section", cls="related") == []
    data = client.get("/api/search?q=xyzzy qwerty").get_json()
    assert (data["total"], data["related"], data["expansions"]) == (0, [], [])


def test_a_predecessor_can_be_dropped_and_taken_back(client):
    response = get_ok(client, "/search?q=非盟")
    [drop] = find(response, "a", cls="drop-predecessor")
    assert args_of(drop["href"]) == [("q", "非盟"), ("drop", "非统组织")]
    dropped = get_ok(client, drop["href"])
    [keep] = find(dropped, "a", cls="keep-predecessor")
    assert args_of(keep["href"]) == [("q", "非盟")]
    assert client.get("/api/search?q=非盟&drop=非洲统一组织").get_json()["predecessors"] == [
        {"names": ["非洲统一组织", "非统组织"], "drop": "非统组织", "dropped": True, "url": "/search?q=%E9%9D%9E%E7%9B%9F"}]


def test_an_unknown_former_body_is_a_400(client):
    response = client.get("/api/search?q=非盟&drop=欧盟")
    assert (response.status_code, response.get_json()["error"][:5]) == (400, "drop：")


def test_the_record_json_lists_its_similar_practice(client):
    similar = client.get(f"/api/p/{P}42").get_json()["similar"]
    first = similar[0]
    assert (first["id"], first["url"], first["label"], first["restated"], first["meeting"], first["meeting_url"]) == (
        f"{P}110", f"/p/{P}110", "措辞相近", True, 5776, "/meeting/5776")
    assert 1 <= len(similar) <= 10
    assert [s["score"] for s in similar[1:]] == sorted((s["score"] for s in similar[1:]), reverse=True)


def test_the_record_page_shows_its_similar_practice(client):
    response = get_ok(client, f"/p/{P}44")
    section = find(response, "section", id_="similar")
    assert section and [e.text for e in find(response, "span", cls="similar-label")][0] == "措辞相同"
    assert find(response, "a", cls="similar-record")[0]["href"] == f"/p/{P}111"


def test_a_footnote_that_only_cites_has_no_similar_practice(client):
    assert client.get("/api/p/000_433e06851ef59419.49.fn8").get_json()["similar"] == []
    assert [e.text for e in find(get_ok(client, "/p/000_433e06851ef59419.49.fn8"), "p", cls="similar-none")] == [
        "没有语义相近的段落。"]
