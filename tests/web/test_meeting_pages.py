"""Meetings as the UN records them, documents as outcomes, bad input to suggestions, through the app."""
import os
import subprocess
import sys

import pytest

from conftest import SEED_FILES
from paths import ROOT
from servers import free_port, start_process, stop_process, wait_for_http

S_PV_5007 = ("S/PV.5007 · 2004年7月20日 · Cooperation between the United Nations and regional organizations in "
             "stabilization processes · S/PRST/2004/27")


@pytest.mark.parametrize("number, date, outcome, votes", [
    (5007, "2004-07-20", "S/PRST/2004/27", None),
    (5041, "2004-09-22", "S/PRST/2004/33", None),
    (5282, "2005-10-17", "S/RES/1631 (2005)", "15-0-0"),
    (5529, "2006-09-20", "S/PRST/2006/39", None),
    (5649, "2007-03-28", "S/PRST/2007/7", None),
    (5776, "2007-11-06", "S/PRST/2007/42", None),
])
def test_the_seeds_meetings_carry_the_un_tables_date_and_outcome(client, seed_corpus, number, date, outcome, votes):
    data = client.get(f"/api/meeting/{number}").get_json()
    facts = data["meeting"]
    assert (facts["number"], facts["date"], [(o["printed"], o["votes"]) for o in facts["outcomes"]]) == (
        number, date, [(outcome, votes)])
    expected = [r.id for r in seed_corpus.paragraphs if r.meeting == number][:20]
    assert ([r["id"] for r in data["records"]], data["empty_message"]) == (expected, None)


def test_a_meeting_page_shows_records_agenda_outcomes_and_pages_its_paragraphs(client, seed_corpus):
    first = client.get("/api/meeting/5282?per_page=10").get_json()
    second = client.get("/api/meeting/5282?per_page=10&page=2").get_json()
    expected = [r.id for r in seed_corpus.paragraphs if r.meeting == 5282]
    assert (first["total"], second["total"]) == (len(expected), len(expected))
    assert [r["id"] for r in first["records"] + second["records"]] == expected[:20]
    assert (first["pagination"]["next_url"], second["pagination"]["prev_url"]) == (
        "/api/meeting/5282?per_page=10&page=2", "/api/meeting/5282?per_page=10")
    assert [r["record"] for r in first["meeting"]["records"]] == ["S/PV.5282", "S/PV.5282 (Resumption 1)"]
    html = client.get("/meeting/5282").get_data(as_text=True)
    assert '<a href="https://undocs.org/zh/S/RES/1631(2005)" rel="noopener">S/RES/1631 (2005)</a>' in html
    assert "表决：15-0-0" in html and '<a class="next" rel="next" href="/meeting/5282?page=2">' in html


def test_a_meeting_no_chapter_covers_has_its_page(client):
    data = client.get("/api/meeting/1").get_json()
    assert (data["total"], data["records"], data["empty_message"]) == (0, [], "本汇辑所收章节未涉及此次会议")
    assert (data["meeting"]["date"], data["meeting"]["records"][0]["record"]) == ("1946-01-17", "S/PV.1")
    assert "本汇辑所收章节未涉及此次会议" in client.get("/meeting/1").get_data(as_text=True)


def test_an_unknown_meeting_is_a_404_page(client):
    response = client.get("/meeting/99998")
    assert response.status_code == 404 and "没有第 99998 次会议" in response.get_data(as_text=True)
    assert client.get("/api/meeting/99998").get_json() == {
        "error": "没有第 99998 次会议：联合国会议表和本汇辑所收章节中都没有。", "status": 404, "code": "not_found"}


@pytest.mark.parametrize("path", ["/api/doc/S/RES/1631(2005)", "/api/doc/S/RES/1631 (2005)"])
def test_a_resolutions_page_shows_the_meeting_that_adopted_it_and_its_text(client, seed_corpus, path):
    data = client.get(path).get_json()
    assert (data["symbol"], data["outcome"]["votes"], data["meeting"]["number"], data["meeting"]["date"]) == (
        "S/RES/1631(2005)", "15-0-0", 5282, "2005-10-17")
    own = [p.id for p in seed_corpus.paragraphs if p.meeting == 5282 and p.decision
           and (p.kind == "decision" or p.text == p.decision)]
    assert ([r["id"] for r in data["text"]], data["records"]) == (own, [])


def test_a_documents_page_is_paged_with_its_urls(client, seed_corpus):
    first = client.get("/api/doc/S/PV.5529?per_page=10").get_json()
    second = client.get("/api/doc/S/PV.5529?per_page=10&page=2").get_json()
    pages = [{r["id"] for r in p["text"] + p["records"]} for p in (first, second)]
    notes = {(f.chapter, f.item, f.number): f for f in seed_corpus.footnotes}

    def cites(r):
        found = r.citations if r.kind == "footnote" else [
            c for n in r.footnotes for c in notes[(r.chapter, r.item, n)].citations]
        return any(c.symbol == "S/PV.5529" for c in found)

    citing = [r for r in seed_corpus.records() if cites(r)]
    assert (first["total"], second["total"], first["page"], second["page"]) == (len(citing), len(citing), 1, 2) \
        == (38, 38, 1, 2)
    # (a footnote is shown under the paragraph on the page that cites it, not again on its own)
    assert pages[0] and pages[1] and not pages[0] & pages[1] and pages[0] | pages[1] <= {r.id for r in citing}
    assert (first["pagination"]["next_url"], second["pagination"]["prev_url"], second["pagination"]["last"]) == (
        "/api/doc/S/PV.5529?per_page=10&page=2", "/api/doc/S/PV.5529?per_page=10", 4)
    assert '<a class="next" rel="next" href="/doc/S/PV.5529?page=2">' in client.get("/doc/S/PV.5529").get_data(
        as_text=True)


def test_a_presidential_statements_page(client):
    data = client.get("/api/doc/S/PRST/2004/27").get_json()
    assert (data["outcome"]["kind"], data["meeting"]["number"], data["meeting"]["summary"]) == (
        "presidential_statement", 5007, S_PV_5007)
    assert (data["total"], len(data["text"]), [r["kind"] for r in data["records"]]) == (8, 6, ["paragraph"])


def test_a_document_only_the_un_table_knows_has_its_page_and_an_unknown_one_is_404(client):
    data = client.get("/api/doc/S/RES/1(1946)").get_json()
    assert (data["total"], data["meeting"]["number"], data["empty_message"]) == (0, 2, "本汇辑所收章节未引用此文件")
    assert client.get("/api/doc/S/NOPE/1").status_code == 404


def test_citations_of_a_meeting_record_carry_the_meeting(client):
    hit = client.get("/api/p/000_433e06851ef59419.49.fn1").get_json()
    record = client.get("/api/p/000_433e06851ef59419.49.p11").get_json()
    assert record["meeting_info"]["summary"] == S_PV_5007
    context = record["footnotes"][0]["citations"][0]["meeting"]
    assert (context["number"], context["date_zh"], context["url"]) == (5007, "2004年7月20日", "/meeting/5007")
    assert hit["id"] == "000_433e06851ef59419.49.fn1"


def test_the_meeting_facet_is_labelled_with_date_and_agenda(client):
    facet = client.get("/api/search?q=").get_json()["facets"]["meeting"]
    labels = {v["value"]: (v["label"], v["label_en"]) for v in facet}
    assert labels["5007"] == ("第 5007 次会议 · 2004年7月20日",
                              "S/PV.5007 · 2004-07-20 · Cooperation between the United Nations…")


@pytest.mark.parametrize("q, status", [("", 200), ("\x00\x01", 200), ("<script>alert(1)</script>", 200),
                                       ("和" * 200, 200), ("和" * 10000, 400)])
def test_bad_input_to_suggest_is_never_a_500(client, q, status):
    response = client.get("/api/suggest", query_string={"q": q})
    assert response.status_code == status
    if status == 200:
        assert response.get_json() == {"query": q, "suggestions": []}
    else:
        assert response.get_json() == {"error": "q：补全只看前 200 个字符，而这里有 10000 个", "status": 400,
                                       "code": "bad_parameter", "param": "q"}


def test_a_broken_meetings_table_is_reported_and_the_server_still_starts(tmp_path, seed_index):
    broken = tmp_path / "meetings.tsv"
    header = ("meeting\tresumption\trecord\tdate\ttopic\tresolutions\tpresidential_statements\tdrafts_not_adopted\t"
              "votes\toutcome_kind\tpress_release\n")
    broken.write_text(header + "5007\t\tS/PV.5007\t2004-07-20\tCooperation\n", encoding="utf-8")
    port = free_port()
    log = tmp_path / "serve.log"
    proc = start_process([sys.executable, "-m", "search", "serve", "--index", str(seed_index), "--port", str(port)],
                         log, env={**os.environ, "REPERTOIRE_MEETINGS_FILE": str(broken)})
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for_http(base, proc, log)
        import requests

        assert requests.get(base + "/api/meeting/5007", timeout=10).json()["meeting"] is None
    finally:
        stop_process(proc)
    assert "meetings.tsv: line 2: expected 11 columns, found 5" in log.read_text(encoding="utf-8")


def test_a_chapter_dated_against_the_un_table_is_warned_of_and_refused_when_strict(tmp_path):
    text = SEED_FILES[0].read_text(encoding="utf-8").replace("2004 年 7 月 20 日(第 5007 次会议)", "2004 年 7 月 21 日(第 5007 次会议)", 1)
    altered = tmp_path / "altered.txt"
    altered.write_text(text, encoding="utf-8")
    line = next(n for n, l in enumerate(text.split("\n"), 1) if "7 月 21 日(第 5007 次会议)" in l)
    warning = f"{altered}: line {line}: meeting 5007 is dated 2004-07-21 here but 2004-07-20 in the UN meetings table"
    parse = subprocess.run([sys.executable, "-m", "search", "parse", str(altered)], cwd=ROOT, capture_output=True,
                           text=True, timeout=120)
    assert parse.returncode == 0 and f"warning: {warning}" in parse.stderr.splitlines()
    strict = subprocess.run([sys.executable, "-m", "search", "parse", "--strict", str(altered)], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert (strict.returncode, strict.stdout, strict.stderr) == (2, "", f"error: {warning}\n")


def test_a_cross_reference_to_the_repertoires_own_chapter_is_shown_and_linked_once_indexed(client, tmp_path):
    from conftest import ROOT
    from search import create_app
    from search.index.build import build_index

    note = "/api/p/000_433e06851ef59419.49.fn1"  # "会议讨论详情，见第十三章第三部分 A 节。"
    ref = {"label": "本汇辑第十三章第三部分 A 节", "chapter": 13}
    assert client.get(note).get_json()["repertoire_refs"] == [{**ref, "url": None}]
    assert client.get(note).get_json()["charter"] == []  # not the Charter's Chapter XIII
    index_dir = tmp_path / "index"
    build_index([*SEED_FILES, ROOT / "tests" / "data" / "chapter_13.txt"], index_dir)
    with_chapter = create_app({"TESTING": True, "INDEX_DIR": str(index_dir)}).test_client()
    assert with_chapter.get(note).get_json()["repertoire_refs"] == [{**ref, "url": "/p/chapter_13.3.p1"}]
    html = with_chapter.get("/p/000_433e06851ef59419.49.fn1").get_data(as_text=True)
    assert '<a class="repertoire-ref" href="/p/chapter_13.3.p1">本汇辑第十三章第三部分 A 节</a>' in html
