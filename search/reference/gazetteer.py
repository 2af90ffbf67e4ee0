"""Names -> countries (ISO 3166-1 alpha-3) and organisations, from search/data/gazetteer.json.

Matching scans a text once, left to right, and at each position takes the longest name
that starts there, over the names of states, of organisations and of "blocker" phrases
(印度洋, 发展中国家, ...) that contain a state's name without naming it. So a name inside a
longer name never matches: 印度尼西亚 is Indonesia and not India, 索马里 is not Mali,
阿拉伯国家联盟 is an organisation.
"""
import functools
import json
import re
import unicodedata
from dataclasses import dataclass

from ..config import DATA_DIR
from ..text import HAN_CHAR, normalize

DATA_FILE = DATA_DIR / "gazetteer.json"

# The extraction can leave spaces inside a name ("刚 果"); Chinese names never contain one.
_SPACE = re.compile(r"\s+")

# An abbreviation of up to three capitals is only an abbreviation when typed in capitals:
# "us", "eu", "au", "cis", "las", "sco", "can", "per", "gin" are words or syllables
# (English, French, Spanish, pinyin) that a reader may search as text. Longer ones
# (NATO, ASEAN, ECOWAS) are unambiguous in any case.
_SHORT_ABBREVIATION = re.compile(r"[A-Z]{2,3}")
# ISO alpha-3 codes of countries count only when typed in capitals, for the reason above,
# and never the query operators: AND is Andorra's code, and "a AND b" is a Boolean query.
_OPERATORS = frozenset({"AND", "OR", "NOT"})


@dataclass(frozen=True)
class Entity:
    code: str                 # ISO alpha-3 for countries; short code for organisations ("AU")
    zh: str                   # Chinese display name ("联合王国")
    en: str                   # English display name
    kind: str                 # "country" | "org"
    aliases: tuple[str, ...]  # every Chinese (and English) spelling that names it


@dataclass(frozen=True)
class _Gazetteer:
    countries: dict   # code -> Entity
    orgs: dict        # code -> Entity
    names: dict       # exact alias -> Entity
    names_folded: dict  # case-folded English alias -> Entity
    abbreviations: dict  # abbreviation of 2-3 capitals, exact case -> Entity ("US", "AU", "FRA")
    by_first: dict    # first character -> ((name, Entity | None), ...), longest first
    first_chars: re.Pattern


def _entities(items, kind):
    out = {}
    for item in items:
        code = item["code"]
        if code in out:
            raise ValueError(f"{DATA_FILE}: duplicate {kind} code {code!r}")
        aliases = tuple(dict.fromkeys([item["zh"], *item.get("aliases", ()), item["en"]]))
        out[code] = Entity(code, item["zh"], item["en"], kind, aliases)
    return out


@functools.cache
def _load():
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    countries = _entities(data["countries"], "country")
    orgs = _entities(data["orgs"], "org")
    names, folded, scanned, abbreviations = {}, {}, {}, {}
    for entity in [*countries.values(), *orgs.values()]:
        for alias in entity.aliases:
            if names.setdefault(alias, entity) is not entity:
                raise ValueError(f"{DATA_FILE}: {alias!r} names both {names[alias].code} and {entity.code}")
            if HAN_CHAR.search(alias):
                scanned[alias] = entity
            elif _SHORT_ABBREVIATION.fullmatch(alias):
                abbreviations[alias] = entity
            else:
                # English names are for lookups only: "Mali" is inside "Somalia".
                folded.setdefault(alias.casefold(), entity)
    for phrase in data.get("blockers", ()):
        if phrase in names:
            raise ValueError(f"{DATA_FILE}: blocker {phrase!r} is a name of {names[phrase].code}")
        scanned[phrase] = None
    by_first = {}
    for name in sorted(scanned, key=len, reverse=True):
        by_first.setdefault(name[0], []).append((name, scanned[name]))
    first_chars = re.compile("[" + re.escape("".join(by_first)) + "]")
    for entity in countries.values():
        if entity.code not in _OPERATORS:
            abbreviations.setdefault(entity.code, entity)
    return _Gazetteer(
        countries, orgs, names, folded, abbreviations, {c: tuple(v) for c, v in by_first.items()}, first_chars
    )


@functools.lru_cache(maxsize=512)
def _scan(text):
    # Leftmost-longest: corpus.py asks for countries and then orgs of the same text, hence the cache.
    g = _load()
    text = _SPACE.sub("", text)
    found = []
    pos = 0
    while (m := g.first_chars.search(text, pos)) is not None:
        pos = m.start()
        for name, entity in g.by_first[text[pos]]:
            if text.startswith(name, pos):
                if entity is not None:
                    found.append(entity)
                pos += len(name)
                break
        else:
            pos += 1
    return tuple(found)


def _codes(text, kind):
    if not text:
        return ()
    return tuple(dict.fromkeys(e.code for e in _scan(text) if e.kind == kind))


def find_countries(text):
    """ISO alpha-3 codes of the states named in `text`, in order of first mention, without duplicates."""
    return _codes(text, "country")


def find_orgs(text):
    """Codes of the organisations named in `text`, in order of first mention, without duplicates."""
    return _codes(text, "org")


def country(code):
    """The country with this ISO alpha-3 code (exact, upper case), or None."""
    return _load().countries.get(code)


def org(code):
    """The organisation with this code ("AU", "EU"), or None."""
    return _load().orgs.get(code)


def _lookup(value, table, kind):
    if not isinstance(value, str) or not value.strip():
        return None
    g = _load()
    value = value.strip()
    entity = table.get(value.upper())
    if entity is None:
        entity = (g.names.get(value) or g.names.get(_SPACE.sub("", value))
                  or g.names_folded.get(value.casefold()) or g.abbreviations.get(value.upper()))
    return entity if entity is not None and entity.kind == kind else None


def lookup_country(value):
    """The country named by an ISO alpha-3 code (any case), its Chinese or English name or any alias; else None."""
    return _lookup(value, _load().countries, "country")


def lookup_org(value):
    """The organisation named by its code (any case), its Chinese or English name or any alias; else None."""
    return _lookup(value, _load().orgs, "org")


def entity_to_dict(entity):
    """The JSON shape of a country or organisation: {"code", "zh", "en"}."""
    return {"code": entity.code, "zh": entity.zh, "en": entity.en}


def all_countries():
    """All member and observer states, sorted by code."""
    return sorted(_load().countries.values(), key=lambda e: e.code)


def all_orgs():
    """All organisations, sorted by code."""
    return sorted(_load().orgs.values(), key=lambda e: e.code)


def _clean_term(term):
    # NFKC: full-width letters and brackets from a Chinese IME ("ＮＡＴＯ", "刚果（金）") as typed in ASCII.
    return " ".join(unicodedata.normalize("NFKC", term).split())


def expand_name(term):
    """The country or organisation a query term names (any spelling, whole term), or None.

    Chinese names and short names (Traditional characters too), English names in any case,
    organisation codes, and ISO alpha-3 country codes typed in capitals. The entity's
    `aliases` are the spellings to search.

    >>> [expand_name(t).code for t in ("France", "法國", "非盟", "nato", "AU", "FRA")]
    ['FRA', 'FRA', 'AU', 'NATO', 'AU', 'FRA']
    >>> [expand_name(t) for t in ("fra", "au", "AND", "Atlantis")]
    [None, None, None, None]
    """
    if not isinstance(term, str) or not term.strip() or len(term) > 200:
        return None
    g = _load()
    term = _clean_term(term)
    if HAN_CHAR.search(term):
        return g.names.get(_SPACE.sub("", normalize(term)))
    if term in g.abbreviations:
        return g.abbreviations[term]
    if _SHORT_ABBREVIATION.fullmatch(term.upper()):
        return None  # a short code in lower or mixed case is not a code (see _SHORT_ABBREVIATION)
    return g.names_folded.get(term.casefold()) or g.orgs.get(term.upper())


def describe_expansion(term, entity):
    """The notice shown above the hits when `term` was read as `entity`: "France → 法国".

    When the term is already the display name, the notice names the other Chinese spellings
    searched ("法国 → 法兰西共和国"); with none, it is the display name alone.

    >>> describe_expansion("NATO", org("NATO"))
    'NATO → 北大西洋公约组织'
    """
    term = _clean_term(term) if isinstance(term, str) else ""
    if term and _SPACE.sub("", term) != entity.zh:
        return f"{term} → {entity.zh}"
    others = [a for a in chinese_aliases(entity) if a != entity.zh]
    return f"{entity.zh} → {'、'.join(others)}" if others else entity.zh


def chinese_aliases(entity):
    """The Chinese spellings of `entity`, display name first: what a search for it looks for in the text."""
    return tuple(a for a in entity.aliases if HAN_CHAR.search(a))
