"""Parsed chapters against the UN meetings table: meeting dates and decisions that disagree.

The Repertoire heads each decision "2004 年 7 月 20 日(第 5007 次会议)的决定：" and names it on the
next line ("主席声明", "第 1631(2005)号决议"). The meetings table (search/meetings.py, from the UN
Dag Hammarskjöld Library) knows each meeting's date and outcomes, so a chapter that says
otherwise has a typo in a date or number, or the extraction misread one. Meetings the table does
not have (after June 2022) are not checked.
"""
import re

from .meetings import get_table

RESOLUTION = re.compile(r"第\s*(\d+)\s*[(（]\s*(\d{4})\s*[)）]\s*号")
PRESIDENTIAL_STATEMENT = "主席声明"
_DECISION_HEADING = re.compile(r"第\s*\d+\s*次会议")


def check_corpus(corpus, table=None):
    """Warnings, one per disagreement, for the decision headings of `corpus` (a Corpus)."""
    table = table or get_table()
    warnings, seen = [], set()
    for p in corpus.paragraphs:
        if p.meeting is None:
            continue
        meeting = table.get(p.meeting)
        if meeting is None:
            continue
        where = f"{p.source.file}: line {p.source.line}: meeting {p.meeting}"
        # The heading itself carries the date; the records under it repeat it, so check it once.
        if p.kind == "heading" and p.decision is None and _DECISION_HEADING.search(p.text):
            warning = _check_date(where, p.date, meeting)
            if warning:
                warnings.append(warning)
        key = (p.source.file, p.meeting, p.decision)
        if p.decision and key not in seen:
            seen.add(key)
            warnings += _check_decision(where, p.decision, meeting)
    return tuple(warnings)


def _check_date(where, day, meeting):
    # A decision taken at a resumption on a later day carries that day: any record's date will do.
    dates = list(dict.fromkeys(r.date for r in meeting.records))
    if day is None or day in dates:
        return None
    return f"{where} is dated {day} here but {' / '.join(dates)} in the UN meetings table"


def _check_decision(where, decision, meeting):
    listed = {o.symbol: o for o in meeting.outcomes}
    out = []
    for number, year in RESOLUTION.findall(decision):
        if f"S/RES/{number}({year})" not in listed:
            out.append(
                f"{where}: resolution S/RES/{number} ({year}) is not listed for it in the UN "
                f"meetings table ({_listing(meeting)})"
            )
    if PRESIDENTIAL_STATEMENT in decision and not any(
        o.kind == "presidential_statement" for o in meeting.outcomes
    ):
        out.append(
            f"{where}: a presidential statement is not listed for it in the UN meetings table "
            f"({_listing(meeting)})"
        )
    return out


def _listing(meeting):
    if not meeting.outcomes:
        return "it lists no outcome"
    return "it lists " + ", ".join(o.printed for o in meeting.outcomes)
