"""The UN meetings table (search/meetings.py) and the cross-check of chapters against it.

Expected values are read by eye from /work/shared/data/un-sc-meetings.tsv (the file shipped as
search/data/un-sc-meetings.tsv.gz), not from the code's output.
"""
import logging

import pytest

from search.reference.resolve import parse_chapter
from search.reference.crosscheck import check_corpus
from search.reference.meetings import COLUMNS, CORRECTIONS, MeetingRecord, get_table, load_meetings
from search.reference.meeting_text import citation_context, meeting_summary, meeting_to_dict, short_topic, zh_date
from paths import DATA, SEED

ZH = "https://undocs.org/zh/"
EN = "https://undocs.org/en/"
STABILIZATION = "Cooperation between the United Nations and regional organizations in stabilization processes"
MAINTAINING = (
    "Cooperation between the United Nations and regional organizations in maintaining "
    "international peace and security"
)


@pytest.fixture(scope="module")
def table():
    return get_table()


def prst(symbol, printed=None):
    return {
        "symbol": symbol, "printed": printed or symbol, "kind": "presidential_statement",
        "votes": None, "note": None, "url": ZH + symbol, "url_en": EN + symbol,
    }


# ---------------------------------------------------------------- the shipped table


def test_shipped_table_loads_every_meeting_without_errors(table):
    # 9,563 rows: 9,081 numbered meetings (1 to 9085, some numbers unused by the library's
    # tables) and 74 remote meetings of 2020 without a record, each its own meeting.
    assert (len(table), table.errors) == (9155, ())
    assert (table.get(1).date, table.get(9085).date) == ("1946-01-17", "2022-06-30")


@pytest.mark.parametrize("number, date, outcomes", [
    (5007, "2004-07-20", [("S/PRST/2004/27", None)]),
    (5041, "2004-09-22", [("S/PRST/2004/33", None)]),
    (5282, "2005-10-17", [("S/RES/1631 (2005)", "15-0-0")]),
    (5529, "2006-09-20", [("S/PRST/2006/39", None)]),
    (5649, "2007-03-28", [("S/PRST/2007/7", None)]),
    (5776, "2007-11-06", [("S/PRST/2007/42", None)]),
])
def test_seed_meetings_as_the_table_has_them(table, number, date, outcomes):
    meeting = table.get(number)
    assert (meeting.date, [(o.printed, o.votes) for o in meeting.outcomes]) == (date, outcomes)


def test_outcome_on_the_resumption_row_belongs_to_the_meeting(table):
    # S/PV.5007: "none" on the opening row, S/PRST/2004/27 on Resumption 1's.
    assert meeting_to_dict(table.get(5007)) == {
        "number": 5007,
        "date": "2004-07-20",
        "date_zh": "2004年7月20日",
        "topic": STABILIZATION,
        "records": [
            {"record": "S/PV.5007", "resumption": None, "date": "2004-07-20",
             "url": ZH + "S/PV.5007"},
            {"record": "S/PV.5007 (Resumption 1)", "resumption": "Resumption 1",
             "date": "2004-07-20", "url": ZH + "S/PV.5007(Resumption%201)"},
        ],
        "outcomes": [prst("S/PRST/2004/27")],
        "press_releases": ["SC/8153"],
        "summary": f"S/PV.5007 · 2004年7月20日 · {STABILIZATION} · S/PRST/2004/27",
    }


def test_resolution_keeps_printed_form_and_vote(table):
    assert meeting_to_dict(table.get(5282)) == {
        "number": 5282,
        "date": "2005-10-17",
        "date_zh": "2005年10月17日",
        "topic": MAINTAINING,
        "records": [
            {"record": "S/PV.5282", "resumption": None, "date": "2005-10-17",
             "url": ZH + "S/PV.5282"},
            {"record": "S/PV.5282 (Resumption 1)", "resumption": "Resumption 1",
             "date": "2005-10-17", "url": ZH + "S/PV.5282(Resumption%201)"},
        ],
        "outcomes": [{
            "symbol": "S/RES/1631(2005)", "printed": "S/RES/1631 (2005)", "kind": "resolution",
            "votes": "15-0-0", "note": None,
            "url": ZH + "S/RES/1631(2005)", "url_en": EN + "S/RES/1631(2005)",
        }],
        "press_releases": ["SC/8526"],
        "summary": f"S/PV.5282 · 2005年10月17日 · {MAINTAINING} · S/RES/1631 (2005)",
    }


def test_meeting_with_resumptions_on_two_days(table):
    meeting = table.get(3336)
    assert (meeting.date, meeting.topic, meeting.records, meeting.outcomes, meeting.press_releases) == (
        "1994-02-14",
        "Bosnia and Herzegovina",
        (
            MeetingRecord("S/PV.3336", None, "1994-02-14", ZH + "S/PV.3336"),
            MeetingRecord("S/PV.3336 (Resumption 1)", "Resumption 1", "1994-02-14",
                          ZH + "S/PV.3336(Resumption%201)"),
            MeetingRecord("S/PV.3336 (Resumption 2)", "Resumption 2", "1994-02-15",
                          ZH + "S/PV.3336(Resumption%202)"),
            MeetingRecord("S/PV.3336 (Resumption 3)", "Resumption 3", "1994-02-15",
                          ZH + "S/PV.3336(Resumption%203)"),
        ),
        (),
        ("SC/5784", "SC/5785", "SC/5786", "SC/5788"),
    )


def test_pre_1994_presidential_statement_is_a_plain_s_document(table):
    assert meeting_to_dict(table.get(2639))["outcomes"] == [
        {"symbol": "S/RES/580(1985)", "printed": "S/RES/580 (1985)", "kind": "resolution",
         "votes": "15-0-0", "note": None,
         "url": ZH + "S/RES/580(1985)", "url_en": EN + "S/RES/580(1985)"},
        prst("S/17702", "S/17702 (PRST)"),
    ]
    assert table.by_document("S/17702").number == 2639


def test_votes_of_resolution_and_vetoed_draft_are_told_apart(table):
    # The table prints the draft's vote first here ("11-2-2; 15-0-0"): a vetoed draft had a vote
    # against, the resolution adopted unanimously did not.
    assert [(o.kind, o.printed, o.votes, o.note) for o in table.get(8190).outcomes] == [
        ("resolution", "S/RES/2402 (2018)", "15-0-0", None),
        ("draft_not_adopted", "S/2018/156", "11-2-2", "vetoed by Russian Federation"),
    ]


def test_meeting_with_several_agenda_rows_is_one_meeting(table):
    meeting = table.get(222)
    assert (len(meeting.records), meeting.topic, [o.printed for o in meeting.outcomes]) == (
        1,
        "Provisional Rules of Procedure of the Security Council regarding the admission of New "
        "Members; Letter from USA concerning the conducting of experiments relating to nuclear "
        "fission on Eniwetok Atoll in the Trust Territory of the Pacific Islands; The Indonesian "
        "question; The Palestine question",
        ["S/RES/37 (1947)"],
    )


def test_one_row_with_two_parts_is_two_records(table):
    assert table.get(2970).records == (
        MeetingRecord("S/PV.2970 (PartI)", "Part I", "1990-12-20", ZH + "S/PV.2970(Part%20I)"),
        MeetingRecord("S/PV.2970 (PartII)", "Part II", "1990-12-20", ZH + "S/PV.2970(Part%20II)"),
    )


def test_several_values_in_a_cell_either_separator(tmp_path):
    header = "\t".join(COLUMNS)
    row = "1\t\tS/PV.1\t1946-01-17\tT\tS/RES/1 (1946) | S/RES/2 (1946)\t\t\t9-0-2; 11-0-0\tdecision\t"
    (tmp_path / "t.tsv").write_text(f"{header}\n{row}\n", encoding="utf-8")
    table = load_meetings(tmp_path / "t.tsv")
    assert [(o.symbol, o.votes) for o in table.get(1).outcomes] == [
        ("S/RES/1(1946)", "9-0-2"), ("S/RES/2(1946)", "11-0-0"),
    ]


def test_remote_meeting_without_record_is_found_by_its_resolution(table):
    meeting = table.by_document("S/RES/2518 (2020)")
    assert (meeting.number, meeting.records, meeting_summary(meeting)) == (
        None,
        (MeetingRecord("--", None, "2020-03-30", None),),
        "2020年3月30日 · United Nations peacekeeping operations · S/RES/2518 (2020)",
    )


@pytest.mark.parametrize("symbol, number", [
    ("S/RES/1631 (2005)", 5282),
    ("S/RES/1631(2005)", 5282),
    ("S/RES/1631（2005）", 5282),
    ("S/PRST/2004/27", 5007),
    ("S/PV.5007", 5007),
    ("S/PV.5007(Resumption 1)", 5007),
    ("S/PV.5007 （Resumption1）", 5007),
    ("S/2018/156", 8190),
    ("S/RES/9999 (2030)", None),
    ("", None),
])
def test_by_document_in_any_spelling(table, symbol, number):
    meeting = table.by_document(symbol)
    assert (meeting.number if meeting else None) == number


# ---------------------------------------------------------------- corrections


def test_known_errors_of_the_library_table_are_corrected(table):
    assert [o.printed for o in table.get(2939).outcomes] == ["S/RES/666 (1990)", "S/21742/Rev.1"]
    assert table.get(2939).outcomes[0].votes == "13-2-0"
    assert table.by_document("S/RES/663 (1990)").number == 2936
    assert [o.printed for o in table.get(2990).outcomes] == ["S/RES/695 (1991)", "S/22657 (PRST)"]
    assert table.by_document("S/RES/701 (1991)").number == 2997
    assert table.get(3311).date == "1993-11-10"
    assert [c[0] for c in CORRECTIONS] == [2939, 2990, 3311]


# ---------------------------------------------------------------- bad data


def test_bad_rows_are_reported_with_line_numbers_and_skipped(caplog):
    with caplog.at_level(logging.WARNING, logger="search.meetings"):
        table = load_meetings(DATA / "meetings_bad_rows.tsv")
    errors = (
        "meetings_bad_rows.tsv: line 3: expected 11 columns, found 8",
        "meetings_bad_rows.tsv: line 5: expected 11 columns, found 12",
        "meetings_bad_rows.tsv: line 6: meeting '50x7' is not a number",
        "meetings_bad_rows.tsv: line 7: date '2004-13-40' is not a date (YYYY-MM-DD)",
    )
    assert table.errors == errors
    assert [r.getMessage() for r in caplog.records] == list(errors)
    assert [m.number for m in table] == [5007, 5011]
    assert [o.printed for o in table.get(5007).outcomes] == ["S/PRST/2004/27"]
    assert table.get(5011).press_releases == ()


def test_missing_file_gives_an_empty_table_with_one_error(tmp_path):
    table = load_meetings(tmp_path / "un-sc-meetings.tsv")
    assert (len(table), table.errors, table.get(5007), table.by_document("S/PV.5007")) == (
        0, ("un-sc-meetings.tsv: cannot read the UN meetings table: No such file or directory",),
        None, None,
    )


def test_wrong_header_gives_an_empty_table_with_one_error():
    table = load_meetings(DATA / "meetings_bad_header.tsv")
    assert (len(table), table.errors) == (0, (
        "meetings_bad_header.tsv: line 1: expected the header meeting resumption record date "
        "topic resolutions presidential_statements drafts_not_adopted votes outcome_kind "
        "press_release",
    ))


def test_corrupt_gzip_gives_an_empty_table_with_one_error(tmp_path):
    path = tmp_path / "un-sc-meetings.tsv.gz"
    path.write_bytes(b"\x1f\x8b\x08\x00 not really gzip")
    table = load_meetings(path)
    assert len(table) == 0
    assert len(table.errors) == 1
    assert table.errors[0].startswith("un-sc-meetings.tsv.gz: cannot read the UN meetings table: ")


# ---------------------------------------------------------------- display helpers


@pytest.mark.parametrize("iso, zh", [
    ("2004-07-20", "2004年7月20日"),
    ("1946-01-17", "1946年1月17日"),
    ("", ""),
    (None, ""),
    ("July 2004", "July 2004"),
])
def test_zh_date(iso, zh):
    assert zh_date(iso) == zh


@pytest.mark.parametrize("topic, limit, short", [
    ("Regional organizations-African Union", 40, "Regional organizations-African Union"),
    (STABILIZATION, 40, "Cooperation between the United Nations…"),
    (STABILIZATION, 30, "Cooperation between the…"),
    ("Letters dated 20 and 23 December 1991 from France", 30, "Letters dated 20 and 23…"),
    ("Non-proliferation/Democratic-People's-Republic-of-Korea", 20, "Non-proliferation/D…"),
])
def test_short_topic_cuts_at_a_word_boundary(topic, limit, short):
    assert short_topic(topic, limit) == short


def test_citation_context_of_a_resumption(table):
    assert citation_context("S/PV.5007(Resumption 1)", table) == {
        "number": 5007,
        "date": "2004-07-20",
        "date_zh": "2004年7月20日",
        "topic": STABILIZATION,
        "summary": f"S/PV.5007 · 2004年7月20日 · {STABILIZATION} · S/PRST/2004/27",
        "record": {"record": "S/PV.5007 (Resumption 1)", "resumption": "Resumption 1",
                   "date": "2004-07-20", "url": ZH + "S/PV.5007(Resumption%201)"},
        "outcomes": [prst("S/PRST/2004/27")],
    }


@pytest.mark.parametrize("symbol", ["S/PV.99999", "S/2004/546", "S/PRST/2004/27", "", None])
def test_citation_context_is_none_for_other_symbols(table, symbol):
    assert citation_context(symbol, table) is None


# ---------------------------------------------------------------- cross-check


def altered_seed(tmp_path, old, new):
    text = SEED.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path = tmp_path / "x.txt"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path, parse_chapter(path)


def test_seed_agrees_with_the_table(seed_corpus, table):
    assert check_corpus(seed_corpus, table) == ()


def test_date_that_differs_from_the_table(tmp_path, table):
    path, corpus = altered_seed(tmp_path, "2004 年 7 月 20 日(第 5007", "2004 年 7 月 21 日(第 5007")
    assert check_corpus(corpus, table) == (
        f"{path}: line 10: meeting 5007 is dated 2004-07-21 here but 2004-07-20 in the UN "
        "meetings table",
    )


def test_resolution_the_table_does_not_list(tmp_path, table):
    path, corpus = altered_seed(tmp_path, "第 1631(2005)号决议 \n", "第 1625(2005)号决议 \n")
    assert check_corpus(corpus, table) == (
        f"{path}: line 351: meeting 5282: resolution S/RES/1625 (2005) is not listed for it in "
        "the UN meetings table (it lists S/RES/1631 (2005))",
    )


def test_presidential_statement_the_table_does_not_list(tmp_path, table):
    path, corpus = altered_seed(tmp_path, "(第 5041 次会议)", "(第 5042 次会议)")
    assert check_corpus(corpus, table) == (
        f"{path}: line 1591: meeting 5042 is dated 2004-09-22 here but 2004-09-23 in the UN "
        "meetings table",
        f"{path}: line 1593: meeting 5042: a presidential statement is not listed for it in the "
        "UN meetings table (it lists no outcome)",
    )


def test_meeting_after_june_2022_says_nothing(tmp_path, table):
    _, corpus = altered_seed(
        tmp_path, "2004 年 9 月 22 日(第 5041 次会议)", "2022 年 9 月 22 日(第 9141 次会议)"
    )
    assert check_corpus(corpus, table) == ()
