"""What users type in `q` -> ParsedQuery: clauses (an AND of ORs) of terms, exclusions and notices.

- `安全理事会` finds every unit whose text contains the string (spaces in the text and the
  query are ignored, Traditional characters match Simplified ones, full-width = half-width,
  Latin is case-insensitive), and also units that contain each of its jieba words somewhere.
- `"维持和平行动"` (ASCII or full-width double quotes): exactly the units containing it.
- `区域组织 合作`: both must match; `-北约` or `NOT 北约` excludes units containing it;
  `非洲联盟 OR 非盟`: either. `-` before a digit (`3-4`, `-5`) is text.
- Nothing is an error: unbalanced quotes, lone operators, `*`/`?` (no wildcards), field
  syntax (`meeting:5007` is searched as text; use the filters), control characters become
  notices and the rest is searched. Queries longer than MAX_QUERY characters are cut there.

The parse is the same for every engine; engines only decide how to find each Term.
"""
import functools
import re
from dataclasses import dataclass

from ..config import MAX_QUERY
from ..text import normalize, squash
from ..words import segment
from .readings import Reading, read_term

MAX_TERMS = 32           # search terms per query, alternatives and exclusions included


@dataclass(frozen=True)
class Term:
    """One thing to find: a string (normalised, spaces removed) and how to match it."""

    text: str            # as typed
    key: str             # normalize + squash: what is matched
    exact: bool          # quoted: the string only, not its words apart
    words: tuple[str, ...]
    # (facet, value) pairs whose units the term finds too: ("symbol", "S/RES/1631(2005)"), ("charter", "art53")
    facets: tuple[tuple[str, str], ...] = ()
    added: bool = False  # not typed: another spelling of what a typed term names (France -> 法国)
    # A translation or expansion (readings.py): a unit matches when it holds one string of every
    # group (normalised, spaces removed). It widens its clause but never joins the top ranking
    # group, and what only it finds ranks below what the typed terms find. () for typed terms.
    senses: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class ParsedQuery:
    clauses: tuple[tuple[Term, ...], ...]  # AND of ORs
    excluded: tuple[Term, ...]
    notices: tuple[str, ...]
    whole: Term | None  # the whole typed string, for the top ranking group of multi-word queries
    readings: tuple[Reading, ...] = ()  # what terms were also read as (search.readings)

    @property
    def positive(self):
        return [t for clause in self.clauses for t in clause]

    @property
    def typed(self):
        """The positive terms but the senses: what the query finds as it was typed."""
        return [t for clause in self.clauses for t in clause if not t.senses]

    @property
    def has_senses(self):
        return any(t.senses for clause in self.clauses for t in clause)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")
_FIELD = re.compile(r"^-?[A-Za-z_]+:\S")
_QUOTES = '"＂'


def _term(text, exact, facets=(), added=False):
    key = squash(normalize(text))
    if not key:
        return None
    return Term(text, key, exact, tuple(dict.fromkeys(w for w in segment(text))), facets, added)


def _sense_term(text, senses):
    keyed = (tuple(dict.fromkeys(k for k in (squash(normalize(s)) for s in group) if k)) for group in senses)
    groups = tuple(g for g in keyed if g)
    if not groups:
        return None
    return Term(text, "".join(g[0] for g in groups), False, (), (), senses=groups)


def _read(text, quoted, readings, drop=(), dictionary=None):
    """The terms a piece stands for: itself, and what it names (a quoted piece is only itself)."""
    reading = None if quoted else read_term(text, drop, dictionary)
    if reading is None:
        term = _term(text, quoted)
        return (term,) if term else ()
    readings.append(reading)
    terms = (_term(text, False, reading.facets), *(_term(a, True, added=True) for a in reading.texts),
             _sense_term(text, reading.senses) if reading.senses else None)
    return tuple(t for t in terms if t)


_OPERATORS = frozenset({"OR", "|", "AND", "&&", "NOT"})


def _whole_reading(cleaned, pieces, drop, dictionary):
    """True when a query of several plain words is one name, document, Charter reference or English
    phrase ("African Union", "S/PV.5007 (Resumption 1)", "Article 53", "small arms")."""
    if len(pieces) < 2 or any(quoted or negated or text in _OPERATORS for text, quoted, negated in pieces):
        return False
    reading = read_term(cleaned, drop, dictionary)
    return reading is not None and reading.kind != "expanded"


def _split(raw, notices):
    """(text, quoted, negated) pieces of the raw query."""
    pieces, i, n = [], 0, len(raw)
    while i < n:
        c = raw[i]
        if c.isspace():
            i += 1
            continue
        negated = False
        start = i
        if c == "-" and i + 1 < n and (raw[i + 1] in _QUOTES or not (raw[i + 1].isspace() or raw[i + 1].isdigit()
                                                                      or raw[i + 1] == "-")):
            negated, i = True, i + 1
        if raw[i] in _QUOTES:
            end = next((j for j in range(i + 1, n) if raw[j] in _QUOTES), None)
            if end is None:
                notices.append("引号不成对，已按普通文字检索其后的内容。")
                i += 1
                continue
            pieces.append((raw[i + 1:end], True, negated))
            i = end + 1
            continue
        j = i
        while j < n and not raw[j].isspace() and raw[j] not in _QUOTES:
            j += 1
        word = raw[i:j]
        if word == "" and negated:
            word = raw[start:j]
            negated = False
        pieces.append((word, False, negated))
        i = j
    return pieces


def _clean(raw, notices):
    """The query without control characters, cut to MAX_QUERY; a notice for each thing done."""
    cleaned = _CONTROL.sub(" ", raw)
    if cleaned != raw:
        notices.append("已删除查询中的控制字符。")
    if len(cleaned) > MAX_QUERY:
        notices.append(f"查询过长，只检索了前 {MAX_QUERY} 个字符。")
        cleaned = cleaned[:MAX_QUERY]
    if "*" in cleaned or "?" in cleaned:
        notices.append("不支持通配符：* 和 ? 按普通字符检索。")
    return cleaned


@functools.lru_cache(maxsize=1024)
def parse_query(raw, drop=(), dictionary=None):
    """Parse what a user typed into clauses (AND of ORs) and exclusions, never raising.

    :param drop: canonical names of former bodies not to search (SearchParams.drop).
    :param dictionary: the generation's CC-CEDICT table (glossary.Dictionary), or None.
    """
    notices = []
    cleaned = _clean(raw, notices)
    clauses, excluded, readings = [], [], []
    pending_or = pending_not = False
    pieces = _split(cleaned, notices)
    if _whole_reading(cleaned, pieces, drop, dictionary):
        # A name or symbol with spaces in it: "African Union", "S/PV.5007 (Resumption 1)", "Article 53".
        pieces = [(cleaned.strip(), False, False)]
    for k, (text, quoted, negated) in enumerate(pieces):
        if not quoted and not negated and text in ("OR", "|"):
            if not clauses or k == len(pieces) - 1:
                notices.append("OR 两边都需要检索词，已忽略。")
            else:
                pending_or = True
            continue
        if not quoted and not negated and text in ("AND", "&&"):
            if not clauses or k == len(pieces) - 1:
                notices.append("AND 两边都需要检索词，已忽略。")
            continue
        if not quoted and not negated and text == "NOT":
            if k == len(pieces) - 1:
                notices.append("NOT 后面需要检索词，已忽略。")
            else:
                pending_not = True
            continue
        if not quoted and text == "-":
            notices.append("单独的“-”已忽略：排除请写成 -词语。")
            continue
        if not quoted and _FIELD.match(text):
            notices.append(f"不支持字段查询：“{text}”按普通文字检索；请用筛选条件（如会议、国家）。")
        terms = _read(text, quoted, readings, drop, dictionary)
        if not terms:
            continue
        if negated or pending_not:
            excluded.extend(terms)
            pending_not = pending_or = False
            continue
        if pending_or and clauses:
            clauses[-1] = clauses[-1] + terms
        else:
            clauses.append(terms)
        pending_or = False
    if sum(len(c) for c in clauses) + len(excluded) > MAX_TERMS:
        notices.append(f"检索词过多，只使用了前 {MAX_TERMS} 个。")
        clauses, excluded = _first_terms(clauses, excluded, MAX_TERMS)
    whole = None
    plain = [c[0] for c in clauses if sum(not t.senses for t in c) == 1 and not c[0].exact]
    if len(clauses) > 1 and len(plain) == len(clauses):
        whole = _term(" ".join(t.text for t in plain), True)
    return ParsedQuery(tuple(clauses), tuple(excluded), tuple(dict.fromkeys(notices)), whole,
                       tuple(dict.fromkeys(readings)))


def _concepts(clause):
    """The concepts of a one-term clause: a sense's groups, else the typed term's words (unquoted)."""
    senses = [t for t in clause if t.senses]
    if senses:
        return senses[0].senses
    typed = clause[0]
    return () if typed.exact or len(clause) > 1 else tuple((squash(w),) for w in typed.words if squash(w))


def relaxed(parsed):
    """The query of one clause with one of its concepts left out in turn (the units holding all its
    concepts but one: 维和部队快速部署 without 快速, 伙伴关系制度化 without 制度化), or None when it
    has fewer than two concepts or several clauses."""
    if len(parsed.clauses) != 1:
        return None
    concepts = _concepts(parsed.clauses[0])
    if len(concepts) < 2:
        return None
    typed = parsed.clauses[0][0]
    loose = tuple(Term(typed.text, typed.key, False, (), (), senses=concepts[:i] + concepts[i + 1:])
                  for i in range(len(concepts)))
    return ParsedQuery((loose,), parsed.excluded, parsed.notices, None, parsed.readings)


def _first_terms(clauses, excluded, budget):
    """Keep the first `budget` terms, counting every alternative of an OR clause as a term."""
    kept = []
    for clause in clauses:
        if budget <= 0:
            break
        kept.append(clause[:budget])
        budget -= len(kept[-1])
    return kept, excluded[:max(0, budget)]

