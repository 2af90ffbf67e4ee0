"""What a query term names, beyond its characters: a country or organisation, a UN document, a
Charter article or chapter. Each reading adds to what the term finds; the text as typed is always
searched too (plain text search stays exact and complete).

    France            -> also 法国 and 法兰西共和国 (every Chinese spelling the gazetteer knows)
    S/RES/1631(2005)  -> also the units citing or adopting it (the `symbol` facet), and 第 1631(2005)号决议
    resolution 1631   -> the same: the year comes from the UN meetings table
    Article 53        -> the units referring to it (the `charter` facet), and 第五十三条
    peacekeeping      -> also 维持和平 or 维和 (search.reference.glossary: a translation)
    维和经费           -> also (维和 or 维持和平) with (经费 or 资金, 预算, …) (an expansion)

Names, documents and Charter references find their units as the term itself does (the top
ranking group). Translations and expansions are `senses`: they widen the clause, and what only
they find ranks below what the term as typed finds.
"""
from dataclasses import dataclass

from ..reference import charter, gazetteer, glossary
from ..reference.symbols import document_named
from ..text import HAN_CHAR, normalize, squash


@dataclass(frozen=True)
class Reading:
    """What a term also finds: strings (searched exactly) and (facet, value) pairs, and the notice."""

    texts: tuple[str, ...]
    facets: tuple[tuple[str, str], ...]
    notice: str
    filter: tuple[str, str] | None = None  # the facet filter the notice offers as a link
    # Translated or expanded: for each concept, the strings any one of which stands for it.
    senses: tuple[tuple[str, ...], ...] = ()
    kind: str = "name"  # name | document | charter | translated | expanded
    predecessors: tuple[str, ...] = ()  # a former body's names searched too (`drop` leaves them out)
    dropped: tuple[str, ...] = ()       # a former body's names left out because the URL says so


def read_term(text, drop=(), dictionary=None):
    """The reading of a term (or of a whole query such as "S/PV.5007 (Resumption 1)"), or None.

    :param drop: canonical names of former bodies not to search (glossary.drop_name).
    :param dictionary: a glossary.Dictionary (CC-CEDICT) for English words the glossary lacks.
    """
    text = text.strip()
    if not text or len(text) > 80:
        return None
    return (_symbol(text) or _charter(text) or _name(text, drop) or _english(text, drop, dictionary)
            or _chinese(text, drop))


def _keep(names, drop):
    """(kept, dropped) of a former body's names, by the canonical names in `drop`."""
    gone = tuple(n for n in names if glossary.drop_name(n) in drop)
    return tuple(n for n in names if n not in gone), gone


def _name(text, drop=()):
    entity = gazetteer.expand_name(text)
    if entity is None:
        return None
    typed = squash(normalize(text))
    sense = glossary.name_sense(text, entity)
    former, gone = _keep(sense.predecessors, drop)
    texts = tuple(a for a in (*sense.terms, *former) if squash(normalize(a)) != typed)
    if not texts:
        return None
    notice = gazetteer.describe_expansion(text, entity)
    if sense.predecessors:
        others = [a for a in sense.terms if squash(normalize(a)) != typed]
        notice = f"{text.strip()} → {'、'.join(others)}" if others else text.strip()
    return Reading(texts, (), notice, (entity.kind, entity.code), predecessors=former, dropped=gone)


def _notice(senses, untranslated=()):
    parts = [n for s in senses if (n := s.notice())]
    if untranslated:
        parts.append(f"未译：{' '.join(untranslated)}（按语义检索）")
    return "；".join(parts)


def _sensed(senses, drop, kind, untranslated=()):
    """The Reading of translated or expanded senses, their former bodies kept or dropped."""
    groups, former, gone = [], [], []
    for sense in senses:
        kept, left_out = _keep(sense.predecessors, drop)
        groups.append(tuple(dict.fromkeys((*sense.terms, *kept))))
        former += kept
        gone += left_out
    notice = _notice(senses, untranslated)
    return Reading((), (), notice, None, tuple(groups), kind, tuple(former), tuple(gone))


def _english(text, drop, dictionary):
    if HAN_CHAR.search(text) or not any(c.isalpha() for c in text) or any(c.isdigit() for c in text):
        return None
    found = glossary.translate_english(text, dictionary)
    if found is None:
        return None
    senses, untranslated = found
    return _sensed(senses, drop, "translated", untranslated)


def _chinese(text, drop):
    if not HAN_CHAR.search(text):
        return None
    senses = glossary.expand_chinese(text)
    if senses is None:
        return None
    return _sensed(senses, drop, "expanded")


def _symbol(text):
    query = document_named(text)
    if query is None:
        return None
    symbol = query.symbol
    texts = tuple(t for t in query.texts if squash(normalize(t)) != squash(normalize(text)))
    if symbol is None:
        return Reading(texts, (), f"{text} → {query.label}", kind="document") if texts else None
    return Reading(texts, (("symbol", symbol),), f"{text} → 引用或通过 {symbol} 的段落", kind="document")


def _charter(text):
    value = charter.parse_charter_query(text)
    if value is None:
        return None
    zh, en = charter.charter_label(value)
    typed = squash(normalize(text))
    short = zh.removeprefix("《宪章》")
    texts = tuple(t for t in (short,) if squash(normalize(t)) != typed and not value.startswith("rule"))
    return Reading(texts, (("charter", value),), f"{text} → {zh}（{en}）", ("charter", value), kind="charter")
