"""What a query term names, beyond its characters: a country or organisation, a UN document, a
Charter article or chapter. Each reading adds to what the term finds; the text as typed is always
searched too (plain text search stays exact and complete).

    France            -> also 法国 and 法兰西共和国 (every Chinese spelling the gazetteer knows)
    S/RES/1631(2005)  -> also the units citing or adopting it (the `symbol` facet), and 第 1631(2005)号决议
    resolution 1631   -> the same: the year comes from the UN meetings table
    Article 53        -> the units referring to it (the `charter` facet), and 第五十三条
"""
from dataclasses import dataclass

from ..reference import charter, gazetteer
from ..reference.symbols import document_named
from ..text import normalize, squash


@dataclass(frozen=True)
class Reading:
    """What a term also finds: strings (searched exactly) and (facet, value) pairs, and the notice."""

    texts: tuple[str, ...]
    facets: tuple[tuple[str, str], ...]
    notice: str
    filter: tuple[str, str] | None = None  # the facet filter the notice offers as a link


def read_term(text):
    """The reading of a term (or of a whole query such as "S/PV.5007 (Resumption 1)"), or None."""
    text = text.strip()
    if not text or len(text) > 80:
        return None
    return _symbol(text) or _charter(text) or _name(text)


def _name(text):
    entity = gazetteer.expand_name(text)
    if entity is None:
        return None
    typed = squash(normalize(text))
    texts = tuple(a for a in gazetteer.chinese_aliases(entity) if squash(normalize(a)) != typed)
    if not texts:
        return None
    return Reading(texts, (), gazetteer.describe_expansion(text, entity), (entity.kind, entity.code))


def _symbol(text):
    query = document_named(text)
    if query is None:
        return None
    symbol = query.symbol
    texts = tuple(t for t in query.texts if squash(normalize(t)) != squash(normalize(text)))
    if symbol is None:
        return Reading(texts, (), f"{text} → {query.label}") if texts else None
    return Reading(texts, (("symbol", symbol),), f"{text} → 引用或通过 {symbol} 的段落")


def _charter(text):
    value = charter.parse_charter_query(text)
    if value is None:
        return None
    zh, en = charter.charter_label(value)
    typed = squash(normalize(text))
    short = zh.removeprefix("《宪章》")
    texts = tuple(t for t in (short,) if squash(normalize(t)) != typed and not value.startswith("rule"))
    return Reading(texts, (("charter", value),), f"{text} → {zh}（{en}）", ("charter", value))
