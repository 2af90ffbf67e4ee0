"""What one request may cost: filter values are capped (with a notice, as long queries are), and
each facet link costs its own length, not the number of values times the number selected."""
from urllib.parse import parse_qsl, urlsplit

import pytest

from search.config import MAX_FACET_VALUES, MAX_FILTER_VALUES


def _meetings(n, start=5000):
    return "&".join(f"meeting={start + i}" for i in range(n))


def test_six_hundred_values_of_one_filter_are_capped_with_a_notice(client):
    response = client.get("/api/search?q=和平&" + _meetings(600))
    data = response.get_json()
    assert response.status_code == 200
    assert data["filters"] == {"meeting": [str(5000 + i) for i in range(MAX_FACET_VALUES)]}
    assert data["notices"] == [f"meeting：一次最多筛选 {MAX_FACET_VALUES} 个值（所有筛选合计 {MAX_FILTER_VALUES} 个），"
                               f"其余 {600 - MAX_FACET_VALUES} 个未采用。"]
    # Every link carries the applied values only: the page stays small (19.8 MB before the cap).
    assert len(response.data) < 300_000, len(response.data)
    for values in data["facets"].values():
        for value in values:
            meetings = [v for k, v in parse_qsl(urlsplit(value["toggle_url"]).query) if k == "meeting"]
            assert len(meetings) <= MAX_FACET_VALUES + 1
    assert len(data["chips"]) == MAX_FACET_VALUES


def test_the_cap_in_all_filters_counts_every_facet_in_order(client):
    years = "&".join(f"year={y}" for y in range(1990, 2010))
    kinds = "&".join(f"kind={k}" for k in ("heading", "paragraph", "decision", "footnote"))
    data = client.get(f"/api/search?{_meetings(20)}&{years}&{kinds}").get_json()
    assert data["filters"] == {"meeting": [str(5000 + i) for i in range(20)],
                               "year": [str(y) for y in range(1990, 2010)]}
    assert data["notices"] == [
        f"kind：一次最多筛选 {MAX_FACET_VALUES} 个值（所有筛选合计 {MAX_FILTER_VALUES} 个），其余 4 个未采用。"]


def test_facet_links_add_or_remove_one_value_and_keep_the_rest(client):
    data = client.get("/api/search?q=%E5%AE%89%E5%85%A8&country=FRA&country=%E6%B3%95%E5%9B%BD&kind=paragraph"
                      "&page=2").get_json()
    links = {(f, v["value"]): v["toggle_url"] for f, values in data["facets"].items() for v in values}
    q = "q=%E5%AE%89%E5%85%A8"
    fra = "country=FRA&country=%E6%B3%95%E5%9B%BD"
    assert links[("country", "FRA")] == f"/search?{q}&kind=paragraph"
    assert links[("kind", "paragraph")] == f"/search?{q}&{fra}"
    assert links[("kind", "footnote")] == f"/search?{q}&{fra}&kind=paragraph&kind=footnote"
    other = next(v for (f, v) in links if f == "country" and v != "FRA")
    assert links[("country", other)] == f"/search?{q}&{fra}&kind=paragraph&country={other}"


@pytest.mark.parametrize("host", [b"a..b", b"x" * 64 + b".example", b"a..b:8000"])
@pytest.mark.parametrize("path", ["/", "/search?q=x", "/api/search?q=x", "/p/000_433e06851ef59419.49.p12",
                                  "/opensearch.xml", "/static/style.css", "/nothing"])
def test_a_bad_host_header_is_400_never_a_500(client, host, path, caplog):
    response = client.get(path, headers={"Host": host.decode()})
    assert response.status_code == 400, response.data[:300]
    assert b"Traceback" not in response.data
    assert [r.levelname for r in caplog.records] == ["WARNING"]
    assert caplog.records[0].getMessage().startswith("400 bad Host header")
