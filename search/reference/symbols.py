"""A query that names a UN document, in any spelling -> the symbol the index stores.

Readers type a document the way they have seen it: `S/RES/1631 (2005)`, `resolution 1631`,
`第1631号决议`, `大会第60/1号决议`, `S/PV.5007 (Resumption 1)`. The index stores symbols in
`citations.normalize_symbol` form (`S/RES/1631(2005)`, `S/PV.5007(Resumption 1)`) and the
chapter text quotes resolutions in Chinese (`第 1631(2005)号决议`, `大会第 60/1 号决议`).
`parse_symbol_query` gives both, so a search finds the records citing the document and the
paragraphs that name it in their text.
"""
import functools
import re
import unicodedata
from dataclasses import dataclass

from .citations import normalize_symbol
from .meetings import get_table


@dataclass(frozen=True)
class SymbolQuery:
    """A document named by a query."""

    kind: str                 # "sc_resolution" | "ga_resolution" | "prst" | "pv" | "document"
    symbol: str | None        # canonical symbol, "S/RES/1631(2005)"; None when the year is unknown
    prefix: str | None        # for a resolution without its year: "S/RES/1631(" (index values start so)
    texts: tuple[str, ...]    # spellings in chapter text, for plain text search: ("第 1631(2005)号决议", ...)
    meeting: int | None = None  # the meeting of a verbatim record (S/PV.5007... -> 5007)

    def matches(self, value):
        """Whether an index symbol value is this document (the prefix for a year-less resolution)."""
        if self.symbol is not None:
            return value == self.symbol
        return isinstance(value, str) and value.startswith(self.prefix)

    @property
    def label(self):
        """How the notice names the document: the symbol, or "S/RES/1631" without a year."""
        return self.symbol or self.prefix.rstrip("(")


# Queries are read after NFKC (full-width brackets and digits from a Chinese IME become ASCII)
# and with runs of spaces made one; spaces around brackets and slashes are optional.
_YEAR = r"\s*\(\s*(?P<year>\d{4})\s*\)"
_SC_NUMBER = r"(?P<number>\d{1,5})"
_PATTERNS = (
    ("sc_resolution", re.compile(rf"S\s*/\s*RES\s*/\s*{_SC_NUMBER}(?:{_YEAR})?", re.I)),
    ("ga_resolution", re.compile(r"A\s*/\s*RES\s*/\s*(?P<session>\d{1,3})\s*/\s*(?P<number>\d{1,4})", re.I)),
    # The Chinese text: 第 1631(2005)号决议, also with 安理会 / 安全理事会 and without 第 or the year.
    ("sc_resolution", re.compile(rf"(?:安理会|安全理事会)?(?:第\s*)?{_SC_NUMBER}(?:{_YEAR})?\s*号\s*决议")),
    # 大会第 60/1 号决议; a bare 第60/1号决议 is the General Assembly's too (the Council numbers
    # its resolutions in one series; session/number is the Assembly's form).
    ("ga_resolution", re.compile(r"(?:大会)?(?:第\s*)?(?P<session>\d{1,3})\s*/\s*(?P<number>\d{1,4})\s*号\s*决议")),
    ("ga_resolution", re.compile(
        r"(?:(?:General\s+Assembly|GA)\s+)?(?:resolution|res\.?)\s*(?P<session>\d{1,3})\s*/\s*(?P<number>\d{1,4})",
        re.I)),
    ("sc_resolution", re.compile(
        rf"(?:(?:Security\s+Council|SC)\s+)?(?:resolution|res\.?)\s*{_SC_NUMBER}(?:{_YEAR})?", re.I)),
    ("prst", re.compile(r"S\s*/\s*PRST\s*/\s*(?P<year>\d{4})\s*/\s*(?P<number>\d{1,3})", re.I)),
    ("pv", re.compile(
        r"S\s*/\s*PV\s*\.\s*(?P<number>\d{1,5})(?:\s*\(\s*(?P<part>Resumption|Part)\s*(?P<n>\d{0,2})\s*\))?", re.I)),
    ("document", re.compile(
        r"(?P<organ>[SA])\s*/\s*(?P<year>\d{2,4})\s*/\s*(?P<number>\d{1,5})"
        r"(?P<suffix>(?:\s*/\s*(?:Add|Corr|Rev)\s*\.\s*\d{1,3})*)", re.I)),
)
_MAX_QUERY = 80  # no symbol is longer; longer input is not a symbol query


def _squash(text):
    return "".join(text.split())


def _clean(text):
    return " ".join(unicodedata.normalize("NFKC", text).split())


def parse_symbol_query(text):
    """The UN document that a whole query (or one term) names, or None.

    >>> parse_symbol_query("resolution 1631").prefix
    'S/RES/1631('
    >>> q = parse_symbol_query("大会第60/1号决议"); (q.symbol, q.texts)
    ('A/RES/60/1', ('大会第 60/1 号决议', 'A/RES/60/1'))
    """
    if not isinstance(text, str) or len(text) > _MAX_QUERY:
        return None
    text = _clean(text)
    for kind, pattern in _PATTERNS:
        m = pattern.fullmatch(text)
        if m:
            return _BUILD[kind](m)
    return None


def _sc_resolution(m):
    number, year = int(m.group("number")), m.group("year")
    if year is None:
        # Without its year the resolution is still one document; the index values start so.
        prefix = f"S/RES/{number}("
        return SymbolQuery("sc_resolution", None, prefix, (f"第 {number}(", prefix))
    symbol = f"S/RES/{number}({year})"
    return SymbolQuery("sc_resolution", symbol, None, (f"第 {number}({year})号决议", symbol))


def _ga_resolution(m):
    session, number = int(m.group("session")), int(m.group("number"))
    symbol = f"A/RES/{session}/{number}"
    return SymbolQuery("ga_resolution", symbol, None, (f"大会第 {session}/{number} 号决议", symbol))


def _prst(m):
    symbol = f"S/PRST/{m.group('year')}/{int(m.group('number'))}"
    return SymbolQuery("prst", symbol, None, (symbol,))


def _pv(m):
    number = int(m.group("number"))
    symbol = f"S/PV.{number}"
    if m.group("part"):
        part = m.group("part").capitalize()
        symbol = normalize_symbol(f"{symbol}({part} {m.group('n')})".replace(" )", ")"))
    return SymbolQuery("pv", symbol, None, (symbol,), meeting=number)


def _document(m):
    suffix = re.sub(r"\s+", "", m.group("suffix") or "")
    suffix = re.sub(r"(?i)(add|corr|rev)\.", lambda s: s.group(1).capitalize() + ".", suffix)
    symbol = f"{m.group('organ').upper()}/{m.group('year')}/{int(m.group('number'))}{suffix}"
    return SymbolQuery("document", symbol, None, (symbol,))


_BUILD = {
    "sc_resolution": _sc_resolution,
    "ga_resolution": _ga_resolution,
    "prst": _prst,
    "pv": _pv,
    "document": _document,
}


def document_named(text):
    """The document a whole query (or one term) names, as `parse_symbol_query` reads it, with the
    year of a Security Council resolution typed without one taken from the UN meetings table.

    The one reading of a document's name: the search's readings, the direct link to the
    document's page and the document page's own address all use it.

    >>> document_named("resolution 1631").symbol
    'S/RES/1631(2005)'
    """
    query = parse_symbol_query(text)
    if query is not None and query.symbol is None and query.prefix:
        symbol = _resolution_years().get(query.prefix[len("S/RES/"):].rstrip("("))
        if symbol is not None:
            query = parse_symbol_query(symbol) or query
    return query


@functools.cache
def _resolution_years():
    """Security Council resolution number -> its symbol with the year, from the UN meetings table."""
    out = {}
    for meeting in get_table():
        for outcome in meeting.outcomes:
            if outcome.kind == "resolution" and outcome.symbol.startswith("S/RES/"):
                out.setdefault(outcome.symbol[len("S/RES/"):].split("(")[0], outcome.symbol)
    return out


def decision_symbol(decision):
    """The symbol of the decision a heading names (`第 1631(2005)号决议` -> `S/RES/1631(2005)`), or None.

    A presidential statement's heading (主席声明) carries no number; its symbol comes from the
    meetings table, not from here. A resolution heading without its year names no one symbol.

    >>> [decision_symbol(d) for d in ("第 1631(2005)号决议", "主席声明", None)]
    ['S/RES/1631(2005)', None, None]
    """
    q = parse_symbol_query(decision) if isinstance(decision, str) else None
    return q.symbol if q is not None and q.kind in ("sc_resolution", "ga_resolution") else None


def decision_document(decision, meeting=None):
    """The document a decision line stands for: a resolution's symbol (decision_symbol), or for
    主席声明 the presidential statement the UN meetings table lists for `meeting` (the chapter's
    text does not give its number), when it lists exactly one; else None.

    >>> decision_document("第 1631(2005)号决议"), decision_document("主席声明", 5007), decision_document("主席声明")
    ('S/RES/1631(2005)', 'S/PRST/2004/27', None)
    """
    if decision != "主席声明":
        return decision_symbol(decision)
    found = get_table().get(meeting) if meeting else None
    statements = [o.symbol for o in found.outcomes if o.kind == "presidential_statement"] if found else []
    return statements[0] if len(statements) == 1 else None


def record_symbols(record, cited=()):
    """A record's document symbols: those it cites (`cited`), then the decision it is a clause of.

    So the clauses under the heading 第 1631(2005)号决议 are found by S/RES/1631(2005) even
    though no footnote of theirs cites it. Only decision records and headings carry their
    decision's symbol: the debate paragraphs before a resolution are not its text.
    """
    symbols = list(dict.fromkeys(cited))
    kind, decision = getattr(record, "kind", None), getattr(record, "decision", None)
    # The heading that names the decision, not the other headings of its section.
    is_own_heading = kind == "heading" and _squash(getattr(record, "text", "")) == _squash(decision or "")
    if kind == "decision" or is_own_heading:
        symbol = decision_symbol(decision)
        if symbol and symbol not in symbols:
            symbols.append(symbol)
    return tuple(symbols)
