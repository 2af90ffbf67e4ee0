"""Suggestions as you type and the help of a search without hits: only what has hits, each with its count."""
from urllib.parse import parse_qsl, urlsplit

import pytest

from html_scan import find, get_ok

FRANCE = {"kind": "sound", "text": "法国", "q": "", "count": 28, "url": "/search?country=FRA"}


def _total_of(client, url):
    """The number of records the page at `url` lists: a search's total, a meeting's or a document's."""
    path = urlsplit(url)
    api = "/api" + path.path + (f"?{path.query}" if path.query else "")
    return client.get(api).get_json()["total"]


# --- suggestions as you type ---------------------------------------------------------------------

def test_suggestions_complete_pinyin_initials_with_their_count(client):
    assert client.get("/api/suggest?q=fg").get_json() == {"query": "fg", "suggestions": [
        {"text": "法国", "kind": "country", "kind_label": "国家", "value": "FRA", "url": "/search?country=FRA",
         "count": 28}]}
    assert _total_of(client, "/search?country=FRA") == 28


@pytest.mark.parametrize("prefix", ["an", "di", "fg", "ou", "50", "S/", "s/prst", "区域", "a", "《宪章》", "Article"])
def test_every_suggestion_leads_to_as_many_records_as_it_says_and_none_to_none(client, prefix):
    suggestions = client.get("/api/suggest", query_string={"q": prefix}).get_json()["suggestions"]
    assert suggestions, prefix
    assert [(s["text"], s["count"]) for s in suggestions] == [
        (s["text"], _total_of(client, s["url"])) for s in suggestions]
    assert all(s["count"] > 0 for s in suggestions)


@pytest.mark.parametrize("prefix, nowhere", [
    ("an", "安道尔"), ("antigua", "安提瓜和巴布达"), ("di", "《宪章》第一条"), ("di", "《宪章》第八十条"),
    ("第八十", "《宪章》第八十条"), ("《宪章》第一", "《宪章》第一条")])
def test_names_and_articles_the_corpus_never_mentions_are_not_suggested(client, prefix, nowhere):
    texts = [s["text"] for s in client.get("/api/suggest", query_string={"q": prefix}).get_json()["suggestions"]]
    assert nowhere not in texts


# --- a search without hits -----------------------------------------------------------------------

@pytest.mark.parametrize("q", ["fg", "faguo", "FaGuo", "fa guo", "法果"])
def test_pinyin_initials_and_sound_alikes_offer_the_name_they_sound_like_with_its_count(client, q):
    data = client.get("/api/search", query_string={"q": q}).get_json()
    assert (data["total"], data["nearest"]) == (0, [FRANCE])
    response = get_ok(client, "/search", query_string={"q": q})
    (offer,) = find(response, "p", cls="did-you-mean")
    assert offer.text == "您是不是要找：法国28 条"
    assert [a["href"] for a in find(response, "a", cls="nearest-link")] == ["/search?country=FRA"]


# (English concepts such as peacekeeping or Security Council find their Chinese terms since issue 20.)
@pytest.mark.parametrize("q", ["xyzzy qwerty", "qwerty asdf", "Darfur", "zzzzqqq", "犀鸟犀鸟"])
def test_a_search_without_hits_offers_nothing_that_has_none(client, q):
    data = client.get("/api/search", query_string={"q": q}).get_json()
    assert (data["total"], data["nearest"]) == (0, [])
    response = get_ok(client, "/search", query_string={"q": q})
    assert find(response, "a", cls="nearest-link") == []
    assert "请检查用字" in find(response, "div", cls="empty")[0].text


def test_its_words_and_pieces_are_offered_with_the_same_filters_and_their_counts(client):
    data = client.get("/api/search?q=区域组织犀鸟").get_json()
    assert [(n["kind"], n["text"]) for n in data["nearest"]] == [
        ("part", "区域组织"), ("part", "区域组"), ("part", "区域")]
    assert [n["count"] for n in data["nearest"]] == [_total_of(client, n["url"]) for n in data["nearest"]]
    narrowed = client.get("/api/search?q=区域组织火星&country=FRA").get_json()["nearest"]
    assert [(n["text"], parse_qsl(urlsplit(n["url"]).query)) for n in narrowed] == [
        ("区域组织", [("country", "FRA"), ("q", "区域组织")]), ("区域组", [("country", "FRA"), ("q", "区域组")]),
        ("区域", [("country", "FRA"), ("q", "区域")])]
    assert [n["count"] for n in narrowed] == [_total_of(client, n["url"]) for n in narrowed]


def test_dropping_a_filter_is_offered_only_when_that_gives_hits(client):
    data = client.get("/api/search?q=和平&country=JPN&year=2004").get_json()
    assert [(n["kind"], n["text"], n["url"]) for n in data["nearest"]] == [
        ("unfiltered", "日本", "/search?q=%E5%92%8C%E5%B9%B3&year=2004"),
        ("unfiltered", "2004 年", "/search?q=%E5%92%8C%E5%B9%B3&country=JPN")]
    assert [n["count"] for n in data["nearest"]] == [_total_of(client, n["url"]) for n in data["nearest"]]
    response = get_ok(client, "/search?q=和平&country=JPN&year=2004")
    assert find(response, "p", cls="unfiltered")[0].text == f"去掉筛选条件：国家日本{data['nearest'][0]['count']} 条" \
        f"年份2004 年{data['nearest'][1]['count']} 条"
    # A meeting that has nothing from France: only dropping the meeting helps.
    data = client.get("/api/search?q=区域组织&meeting=5041&country=FRA").get_json()
    assert [(n["kind"], n["url"]) for n in data["nearest"]] == [
        ("unfiltered", "/search?q=%E5%8C%BA%E5%9F%9F%E7%BB%84%E7%BB%87&country=FRA")]
    data = client.get("/api/search?q=区域组织&from=2008-01-01").get_json()
    assert [(n["text"], n["count"], n["url"]) for n in data["nearest"]] == [
        ("自 2008-01-01", _total_of(client, "/search?q=区域组织"), "/search?q=%E5%8C%BA%E5%9F%9F%E7%BB%84%E7%BB%87")]


def test_a_sound_alike_keeps_the_other_filters(client):
    data = client.get("/api/search?q=fg&year=2004").get_json()
    assert data["nearest"] == [{**FRANCE, "count": _total_of(client, "/search?year=2004&country=FRA"),
                                "url": "/search?year=2004&country=FRA"}]
