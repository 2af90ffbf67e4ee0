"""The Security Council's meetings, 1946 – June 2022: number, date, agenda title, outcomes.

Data: ``search/data/un-sc-meetings.tsv.gz``, parsed from the UN Dag Hammarskjöld Library's
yearly tables "Meetings conducted by the Security Council in YEAR" (dag.un.org research guide),
one row per meeting record: the opening record and each resumption. A meeting's outcome may
stand on its resumption's row, so the rows of one meeting are read together. Three known errors
of the library's own tables are corrected at load (``CORRECTIONS``); the shipped file is the
library's, unchanged.

A bad row (missing or extra columns, a meeting number or date that is not one) is reported in
``MeetingTable.errors`` with its line number and skipped; a missing file gives an empty table with
one error. Loading never raises, so the server starts without the table.
"""
import gzip
import logging
import os
import re
import unicodedata
import zlib
from dataclasses import dataclass
from datetime import date as _date
from functools import cache
from itertools import combinations
from pathlib import Path

from ..config import DATA_DIR
from .citations import document_url, normalize_symbol

log = logging.getLogger(__name__)

DATA_FILE = DATA_DIR / "un-sc-meetings.tsv.gz"
COLUMNS = (
    "meeting", "resumption", "record", "date", "topic", "resolutions",
    "presidential_statements", "drafts_not_adopted", "votes", "outcome_kind", "press_release",
)

# Corrections of the library's own table, applied to a meeting's opening row at load, each only
# while the cell still holds the wrong value (so a corrected table passes through untouched).
# (meeting, column, as the library prints it, corrected, source of the correction)
CORRECTIONS = (
    (2939, "resolutions", "S/RES/663 (1990)", "S/RES/666 (1990)",
     "S/RES/666 (1990) of 13 September 1990, adopted at the 2939th meeting by 13-2-0; "
     "663 (1990) was adopted at the 2936th meeting, where the table lists it too"),
    (2990, "resolutions", "S/RES/701 (1991)", "S/RES/695 (1991)",
     "S/RES/695 (1991), UNDOF, adopted at the 2990th meeting on 30 May 1991 (the table has no "
     "695 at all); 701 (1991) was adopted at the 2997th meeting, on 31 July 1991, also listed"),
    (3311, "date", "1993-10-30", "1993-11-10",
     "meetings are numbered in the order held: S/PV.3310 was on 10 November 1993 and S/PV.3312 "
     "on 11 November; 3311 continued the election of five ICJ judges held with the General "
     "Assembly on 10 November (S/PV.3309, S/PV.3310). Inferred: check against S/PV.3311 itself"),
)

_EMPTY = ("", "--")
_NO_PRESS_RELEASE = "none issued"
PV_SYMBOL = re.compile(r"S/PV\.(\d+)")
_DRAFT = re.compile(r"^(?P<symbol>S/\S+)\s*(?P<note>.*)$")
_OLD_PRST = re.compile(r"^(?P<symbol>S/\d+)\s*\(PRST\)$")
_VOTE = re.compile(r"^(\d+)-(\d+)-(\d+)$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_UNDOCS_ZH = "https://undocs.org/zh/"
_PLAIN = re.compile(r"[A-Za-z0-9/().\-]+")  # characters that document_url leaves as they are
_RESOLUTION = re.compile(r"S/RES/(\d+) \((\d{4})\)")


@dataclass(frozen=True)
class Outcome:
    """A resolution, presidential statement or draft put to the vote and not adopted."""

    symbol: str         # canonical key (citations.normalize_symbol): "S/RES/1631(2005)"
    printed: str        # as the table prints it: "S/RES/1631 (2005)", "S/17702 (PRST)"
    kind: str           # "resolution" | "presidential_statement" | "draft_not_adopted"
    votes: str | None   # as printed, "15-0-0", "without vote"; None when not voted or unknown
    url: str
    url_en: str
    note: str | None = None  # a draft's fate as printed: "vetoed by USSR", "not adopted"


@dataclass(frozen=True)
class MeetingRecord:
    """One verbatim record of a meeting: the opening or a resumption."""

    record: str              # as printed: "S/PV.5007 (Resumption 1)", "S/PV.4 (closed)"
    resumption: str | None   # "Resumption 1", "Part II"; None for the opening record
    date: str
    url: str | None          # None for the remote meetings of 2020 that have no record


@dataclass(frozen=True)
class Meeting:
    """A meeting: all its records (rows) read together."""

    number: int | None  # None for the 74 remote meetings of 2020 that had no S/PV record
    date: str           # of the first record
    topic: str          # English agenda title(s) as printed, "; " between different ones
    records: tuple[MeetingRecord, ...]
    outcomes: tuple[Outcome, ...]
    press_releases: tuple[str, ...]


class MeetingTable:
    """All meetings, by number and by any document they produced or recorded them."""

    def __init__(self, meetings=(), errors=()):
        self.meetings = tuple(meetings)
        self.errors = tuple(errors)
        self._by_number = {m.number: m for m in self.meetings if m.number is not None}
        self._by_document = {}
        for m in self.meetings:
            keys = [o.symbol for o in m.outcomes] + [record_symbol(m, r) for r in m.records]
            for key in keys:
                if key:
                    self._by_document.setdefault(key, m)

    def get(self, number):
        """The meeting numbered `number` (int or digits), or None."""
        try:
            return self._by_number.get(int(number))
        except (TypeError, ValueError):
            return None

    def by_document(self, symbol):
        """The meeting that adopted, failed to adopt or recorded `symbol`, in any spelling."""
        return self._by_document.get(document_key(symbol)) if symbol else None

    def __len__(self):
        return len(self.meetings)

    def __iter__(self):
        return iter(self.meetings)


def document_key(symbol):
    """The lookup key of a symbol: NFKC (full-width brackets, letters), then normalize_symbol.

    >>> document_key("S/RES/1631 （2005）")
    'S/RES/1631(2005)'
    """
    if _PLAIN.fullmatch(symbol):  # most symbols ("S/PRST/2004/27") are their own key: a fast path
        return symbol
    return normalize_symbol(unicodedata.normalize("NFKC", symbol))


_MEETING_QUERY = re.compile(r"(?:第\s*)?(\d{1,5})(?:\s*次(?:会议)?)?")


def meeting_named(text):
    """The meeting number a whole query names: "5007", "第5007次会议", "第 5007 次", "S/PV.5007
    (Resumption 1)"; None otherwise (a number of one or two digits is not taken for a meeting).

    >>> [meeting_named(t) for t in ("5007", "第 5007 次会议", "S/PV.5007 (Resumption 1)", "17", "和平")]
    [5007, 5007, 5007, None, None]
    """
    if not isinstance(text, str) or len(text) > 80:
        return None
    text = " ".join(unicodedata.normalize("NFKC", text).split())
    m = _MEETING_QUERY.fullmatch(text)
    if m and len(m.group(1)) >= 3 and int(m.group(1)):
        return int(m.group(1))
    m = re.fullmatch(r"S\s*/\s*PV\s*\.\s*(\d{1,5})(?:\s*\(\s*(?:Resumption|Part)\s*\d{0,2}\s*\))?", text, re.I)
    return int(m.group(1)) if m else None


def _url(key, lang="zh"):
    # document_url quotes; a key of URL-safe characters needs no quoting (a fast path for load).
    return f"https://undocs.org/{lang}/{key}" if _PLAIN.fullmatch(key) else document_url(key, lang)


# ---------------------------------------------------------------- loading


def load_meetings(path=None):
    """Read the meetings table (gzip or plain TSV); bad rows and a missing file become `errors`."""
    path = Path(path) if path else DATA_FILE
    errors = []
    try:
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8-sig", newline="") as f:
            lines = f.read().split("\n")
    except (OSError, UnicodeDecodeError, EOFError, zlib.error) as exc:
        errors.append(f"{path.name}: cannot read the UN meetings table: {_reason(exc)}")
        return _finish(MeetingTable(errors=errors))
    header = lines[0].rstrip("\r").split("\t") if lines else []
    if tuple(header) != COLUMNS:
        errors.append(f"{path.name}: line 1: expected the header {' '.join(COLUMNS)}")
        return _finish(MeetingTable(errors=errors))
    groups, unnumbered = {}, []
    for no, line in enumerate(lines[1:], 2):
        line = line.rstrip("\r")
        if not line:
            continue
        row = line.split("\t")
        problem = _check_row(row)
        if problem:
            errors.append(f"{path.name}: line {no}: {problem}")
            continue
        row = dict(zip(COLUMNS, map(str.strip, row)))
        if row["meeting"]:
            groups.setdefault(int(row["meeting"]), []).append(row)
        else:
            unnumbered.append([row])
    _apply_corrections(groups)
    meetings = [_make_meeting(n, rows) for n, rows in sorted(groups.items())]
    meetings += [_make_meeting(None, rows) for rows in unnumbered]
    return _finish(MeetingTable(meetings, errors))


@cache
def get_table():
    """The shipped table (or the one REPERTOIRE_MEETINGS_FILE names), loaded once per process."""
    return load_meetings(os.environ.get("REPERTOIRE_MEETINGS_FILE") or None)


def _finish(table):
    for error in table.errors:
        log.warning("%s", error)
    return table


def _reason(exc):
    return exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)


def _check_row(row):
    if len(row) != len(COLUMNS):
        return f"expected {len(COLUMNS)} columns, found {len(row)}"
    number, day = row[0].strip(), row[3].strip()
    if number and not (number.isascii() and number.isdigit()):
        return f"meeting {number!r} is not a number"
    try:
        if not _ISO_DATE.match(day):
            raise ValueError
        _date.fromisoformat(day)
    except ValueError:
        return f"date {day!r} is not a date (YYYY-MM-DD)"
    return None


def _apply_corrections(groups):
    for number, column, wrong, right, _source in CORRECTIONS:
        for row in groups.get(number, ()):
            if not row["resumption"] and row[column] == wrong:
                row[column] = right


def _cells(value):
    if value in _EMPTY:
        return []
    # The table separates several values with "; "; its README says " | ": take either.
    return [part.strip() for part in value.replace("|", ";").split(";") if part.strip()]


def _make_meeting(number, rows):
    if len(rows) == 1:  # most meetings: one row, nothing to merge (a fast path for load)
        row = rows[0]
        return Meeting(
            number, row["date"], row["topic"], tuple(_make_records(number, row)),
            tuple(_make_outcomes(row)), tuple(_press_releases(row)),
        )
    records, topics, outcomes, press = [], [], [], []
    for row in rows:
        records += [r for r in _make_records(number, row) if r not in records]
        if row["topic"] and row["topic"] not in topics:
            topics.append(row["topic"])
        # The same outcome on two rows (one agenda item per row) is one; within a row, three
        # vetoes printed alike are three.
        row_outcomes = _make_outcomes(row)
        outcomes += [o for o in row_outcomes if o not in outcomes] if outcomes else row_outcomes
        press += [p for p in _press_releases(row) if p not in press]
    if len(records) > 1:
        # The opening record first; resumptions keep the table's (chronological) order.
        records.sort(key=lambda r: r.resumption is not None)
    return Meeting(number, records[0].date, "; ".join(topics), tuple(records), tuple(outcomes), tuple(press))


def _press_releases(row):
    value = row["press_release"]
    if not value or value.lower() == _NO_PRESS_RELEASE:
        return []
    return _cells(value)


def _make_records(number, row):
    if not row["resumption"] and row["record"].count("S/PV.") == 1:  # most rows: a fast path
        return [MeetingRecord(row["record"], None, row["date"], f"{_UNDOCS_ZH}S/PV.{number}")]
    if row["record"] in _EMPTY:
        return [MeetingRecord(row["record"], row["resumption"] or None, row["date"], None)]
    # One row holds both parts of S/PV.2970: "S/PV.2970 (PartI) S/PV.2970 (PartII)".
    printed = [p.strip() for p in re.split(r"\s+(?=S/PV\.)", row["record"]) if p.strip()]
    parts = _cells(row["resumption"]) or [None]
    if len(parts) != len(printed):
        printed, parts = [row["record"]], [row["resumption"] or None]
    out = []
    for text, part in zip(printed, parts):
        out.append(MeetingRecord(text, part, row["date"], _url(_pv_key(number, part))))
    return out


def record_symbol(meeting, record):
    if meeting.number is None or record.url is None:
        return None
    return _pv_key(meeting.number, record.resumption)


def _pv_key(number, part):
    return normalize_symbol(f"S/PV.{number}({part})") if part else f"S/PV.{number}"


def _outcome(symbol, printed, kind, votes=None, note=None):
    m = _RESOLUTION.fullmatch(symbol)  # "S/RES/1631 (2005)", most resolutions: a fast path
    key = f"S/RES/{m.group(1)}({m.group(2)})" if m else document_key(symbol)
    return Outcome(key, printed, kind, votes, _url(key), _url(key, "en"), note)


def _make_outcomes(row):
    if not (row["resolutions"] or row["presidential_statements"] or row["drafts_not_adopted"]):
        return []
    resolutions = _cells(row["resolutions"])
    drafts = []
    for cell in _cells(row["drafts_not_adopted"]):
        m = _DRAFT.match(cell)
        drafts.append((m.group("symbol"), m.group("note") or None) if m else (cell, None))
    votes = _match_votes(resolutions, [note for _, note in drafts], _cells(row["votes"]), row["date"])
    out = [_outcome(r, r, "resolution", v) for r, v in zip(resolutions, votes)]
    for cell in _cells(row["presidential_statements"]):
        m = _OLD_PRST.match(cell)  # before 1994: "S/17702 (PRST)", a plain S/ document
        out.append(_outcome(m.group("symbol") if m else cell, cell, "presidential_statement"))
    out += [
        _outcome(symbol, symbol, "draft_not_adopted", v, note)
        for (symbol, note), v in zip(drafts, votes[len(resolutions):])
    ]
    return out


def _match_votes(resolutions, draft_notes, votes, day):
    """One vote (or None) per resolution, then per draft.

    The table prints a row's votes in the order taken, resolutions and drafts mixed (S/PV.2939:
    the resolution first; S/PV.8190: the vetoed draft first). Within each column the order holds,
    so try every interleaving and keep it only if exactly one fits the Charter: an adopted
    resolution had the required majority, a vetoed draft had it and a vote against, a draft
    simply not adopted lacked it.
    """
    n = len(resolutions) + len(draft_notes)
    if len(votes) != n:
        if len(votes) == 1 and not draft_notes:  # one vote printed for several adopted alike
            return votes * n
        if votes and len(votes) == len(resolutions):  # the drafts printed without their votes
            return votes + [None] * len(draft_notes)
        return [None] * n
    if not draft_notes or not resolutions or len(set(votes)) == 1:
        return list(votes)
    if n > 10:  # no row of the table comes near; keeps a hand-made row from trying C(n, k) ways
        return [None] * n
    required = 7 if day < "1966" else 9  # 11 members until 1965, 15 since
    fits = []
    for slots in combinations(range(n), len(resolutions)):
        notes = iter(draft_notes)
        if all(
            _fits(vote, None if i in slots else next(notes) or "", required)
            for i, vote in enumerate(votes)
        ):
            fits.append(slots)
    if len(fits) != 1:
        return [None] * n
    slots = fits[0]
    return [votes[i] for i in slots] + [votes[i] for i in range(n) if i not in slots]


def _fits(vote, note, required):
    m = _VOTE.match(vote)
    if not m:  # "unanimous", "without vote": adopted
        return note is None
    yes, no = int(m.group(1)), int(m.group(2))
    if note is None:
        return yes >= required
    if not note:  # a draft whose fate is not printed
        return True
    if "veto" in note:
        return yes >= required and no >= 1
    return yes < required
