"""How a hit matched the query, said from its text and the parsed query (the same on every engine).

    exact       it holds the string typed (each clause's), or is a unit the term names (a document
                it cites, a Charter article it refers to)
    words       it holds the typed words apart
    translated  it holds what an English term was read as (peacekeeping -> 维持和平; France -> 法国)
    expanded    it holds what a Chinese term was read as (维和 -> 维持和平; 法国 -> 法兰西共和国)
    partial     (after the hits) it holds all concepts of a translated or expanded term but one
    meaning     none of these: the meaning search found it (语义相关)

A hit matched by several clauses in different ways says the weakest.
"""
from ..text import HAN_CHAR, normalize, squash

MATCH_LABELS = {"exact": "完全匹配", "words": "词语匹配", "translated": "译词匹配", "expanded": "扩展词匹配",
                "partial": "部分匹配", "meaning": "语义相关"}
_STRENGTH = {"exact": 0, "words": 1, "expanded": 2, "translated": 2}


def _reading_kind(typed):
    return "expanded" if HAN_CHAR.search(typed.text) else "translated"


def _clause(clause, text, named):
    """How one clause (an OR of terms, the typed term first) matches `text`, or None."""
    typed = clause[0]
    best = None
    for term in clause:
        if term.senses:
            how = _reading_kind(typed) if all(any(k in text for k in g) for g in term.senses) else None
        elif term.key in text or named.intersection(term.facets):
            how = "exact" if term is typed or term.text == typed.text else _reading_kind(typed)
        elif not term.exact and term.words and all(squash(w) in text for w in term.words):
            how = "words" if term is typed else _reading_kind(typed)
        else:
            how = None
        if how is not None and (best is None or _STRENGTH[how] < _STRENGTH[best]):
            best = how
    return best


def how_matched(record, parsed):
    """"exact", "words", "translated", "expanded" or "meaning" for a record dict and a ParsedQuery
    (None for a search without terms: every unit is listed)."""
    if not parsed.clauses:
        return None
    text = squash(normalize(record.get("text") or ""))
    named = {("symbol", v) for v in record.get("symbols", ())} | {("charter", v) for v in record.get("charter", ())}
    found = [_clause(clause, text, named) for clause in parsed.clauses]
    if any(how is None for how in found):
        return "meaning"
    weakest = max(found, key=lambda how: _STRENGTH[how])
    if _STRENGTH[weakest] == 2 and "translated" in found:
        return "translated"
    return weakest
