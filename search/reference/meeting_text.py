"""The UN meetings table as people read it: meeting labels, Chinese dates, short agenda titles,
one-line summaries, and the one JSON shape of meetings and outcomes the pages and the API serve
(meetings.py loads the table)."""
import re

from .meetings import PV_SYMBOL, record_symbol, document_key, get_table


def zh_date(iso):
    """An ISO date in Chinese; anything else is returned as it is.

    >>> zh_date("2004-07-20")
    '2004年7月20日'
    """
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", iso or "")
    return f"{int(m.group(1))}年{int(m.group(2))}月{int(m.group(3))}日" if m else (iso or "")


def short_topic(topic, limit=40):
    """The topic cut at a word boundary to at most `limit` characters, with "…" when cut."""
    if len(topic) <= limit:
        return topic
    head = topic[: limit - 1]
    if topic[limit - 1] != " " and " " in head:
        head = head.rsplit(" ", 1)[0]
    return head.rstrip(" ,;:-–—") + "…"


def _printed(outcome):
    return f"{outcome.printed} ({outcome.note})" if outcome.note else outcome.printed


def meeting_summary(meeting):
    """One line: "S/PV.5007 · 2004年7月20日 · <topic> · S/PRST/2004/27"."""
    parts = [f"S/PV.{meeting.number}"] if meeting.number is not None else []
    parts += [zh_date(meeting.date), meeting.topic]
    if meeting.outcomes:
        parts.append(", ".join(_printed(o) for o in meeting.outcomes))
    return " · ".join(p for p in parts if p)


def outcome_to_dict(outcome):
    """The JSON shape of an outcome."""
    return {
        "symbol": outcome.symbol,
        "printed": outcome.printed,
        "kind": outcome.kind,
        "votes": outcome.votes,
        "note": outcome.note,
        "url": outcome.url,
        "url_en": outcome.url_en,
    }


def meeting_label(number):
    """How the pages name a meeting: "第 5007 次会议" (the one spelling of it)."""
    return f"第 {number} 次会议"


def meeting_brief(meeting):
    """A meeting in brief, as a record's or a citation's context: number, dates, topic, summary, outcomes."""
    return {
        "number": meeting.number,
        "date": meeting.date,
        "date_zh": zh_date(meeting.date),
        "topic": meeting.topic,
        "summary": meeting_summary(meeting),
        "outcomes": [outcome_to_dict(o) for o in meeting.outcomes],
    }


def meeting_to_dict(meeting):
    """The JSON shape of a meeting, as its page and the API serve it: the brief plus every record
    (opening and resumptions) and the press releases."""
    return {
        **meeting_brief(meeting),
        "records": [_record_to_dict(r) for r in meeting.records],
        "press_releases": list(meeting.press_releases),
    }


def _record_to_dict(record):
    return {"record": record.record, "resumption": record.resumption, "date": record.date, "url": record.url}


def citation_context(symbol, table=None):
    """For an S/PV.… citation: its meeting in brief and the record cited (opening or resumption)."""
    m = PV_SYMBOL.match(document_key(symbol or ""))
    meeting = (table or get_table()).get(m.group(1)) if m else None
    if meeting is None:
        return None
    key = document_key(symbol)
    record = next((r for r in meeting.records if record_symbol(meeting, r) == key), None)
    return {**meeting_brief(meeting), "record": None if record is None else _record_to_dict(record)}
