"""Text -> the Articles and Chapters of the Charter, and the rules of procedure, it refers to.

Values are short and stable, for a facet and a URL: `art53` (Article 53), `ch8` (Chapter
VIII), `rule37` (rule 37 of the provisional rules of procedure, a value of its own).

Which 第N章 is the Charter's? The Repertoire also refers to its own chapters
("见关于《宪章》第八章的第十三章第三部分 A 节"). A 第N章 is read, in this order:
1. the Charter's when a Charter name stands right before it (《宪章》, 《联合国宪章》所载);
2. the Repertoire's when a part or section follows it (第三部分, A 节), when 见/参看/参见 or
   本汇辑 stands right before it, or when it follows 关于《宪章》…的 (the chapter "on" a
   Charter chapter is a Repertoire chapter);
3. the same as the reference it is listed with (第十二章和第十三章; 第六章和第七章);
4. nothing when another instrument's title stands right before it (《非洲联盟组织法》第七章);
5. otherwise the Charter's if the Charter has that chapter (it has 19), as in 根据第八章.
A 第N条 is an Article (the Charter has 111), a rule when 议事规则 stands before it, and
nothing when another instrument's title does (《罗马规约》第十六条).
"""
import functools
import re
import unicodedata
from dataclasses import dataclass

from ..text import chinese_number, chinese_numeral

CHARTER_CHAPTERS = 19
CHARTER_ARTICLES = 111
RULES_OF_PROCEDURE = 61

_NUM = r"(?:\d{1,3}|[零〇一二两三四五六七八九十百]{1,6})"
_SEP = r"(?:、|，|,|和|及|与|或|以及|至|到|-|–|—)"
# 第五十二条, 第五十二条第 2 款, 第五十二、五十三和五十四条, 第五十二至五十四条, 第 37 条.
_REF = re.compile(
    rf"第\s*(?P<nums>{_NUM}(?:\s*{_SEP}\s*(?:第\s*)?{_NUM})*)\s*(?P<unit>条|章)"
    rf"(?:\s*第\s*{_NUM}\s*款)?"
)
_NUM_IN_LIST = re.compile(rf"(?P<sep>至|到|-|–|—)?\s*(?:第\s*)?(?P<num>{_NUM})")
_REPERTOIRE_TAIL = re.compile(rf"\s*(?:第\s*(?P<part>{_NUM})\s*部分)?(?:\s*(?P<section>[A-Z])\s*节)?")
_CHARTER_BEFORE = re.compile(r"(?:《(?:联合国)?宪章》|宪章)\s*(?:所载|中|的)?\s*$")
_REPERTOIRE_BEFORE = re.compile(r"(?:见|参看|参见|本汇辑|汇辑)\s*$|关于《(?:联合国)?宪章》[^。；《》]{0,40}的\s*$")
_RULES_BEFORE = re.compile(r"议事规则\s*$")
_TITLE_BEFORE = re.compile(r"《(?P<title>[^《》]{1,40})》\s*(?:所载|中|的)?\s*$")
_LIST_GAP = re.compile(rf"\s*{_SEP}\s*")
_LOOKBACK = 60


@dataclass(frozen=True)
class CharterRef:
    """An Article or Chapter of the Charter, or a rule of procedure, at its first mention."""

    value: str   # "art53", "ch8", "rule37"
    start: int   # offsets of the first mention in the text
    end: int

    @property
    def label(self):
        return charter_label(self.value)[0]

    @property
    def label_en(self):
        return charter_label(self.value)[1]


@dataclass(frozen=True)
class RepertoireRef:
    """A cross-reference to a chapter (part, section) of the Repertoire itself."""

    label: str             # "本汇辑第十三章第三部分 A 节"
    chapter: int           # 13
    part: int | None       # 3
    section: str | None    # "A"
    start: int
    end: int


def _roman(n):
    out = ""
    for value, letters in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + letters, n - value
    return out


def _numbers(nums):
    """第五十二至五十四条 -> 52, 53, 54; 第五十二、五十三和五十四条 -> the same."""
    out = []
    for m in _NUM_IN_LIST.finditer(nums):
        n = chinese_number(m.group("num"))
        if n is None:
            continue
        if m.group("sep") and out and out[-1] < n <= out[-1] + 20:
            out.extend(range(out[-1] + 1, n + 1))
        else:
            out.append(n)
    return out


@functools.lru_cache(maxsize=1024)
def _scan(text):
    """Every reference in `text`: ("charter" | "repertoire", value or RepertoireRef, start, end)."""
    found = []
    last_end, last_kind = None, None
    for m in _REF.finditer(text):
        before = text[max(0, m.start() - _LOOKBACK):m.start()]
        listed = last_end is not None and _LIST_GAP.fullmatch(text[last_end:m.start()]) is not None
        title = _TITLE_BEFORE.search(before)
        other_title = title is not None and title.group("title") not in ("宪章", "联合国宪章")
        if m.group("unit") == "章":
            tail = _REPERTOIRE_TAIL.match(text, m.end())
            if _CHARTER_BEFORE.search(before):
                kind = "charter"
            elif other_title or (listed and last_kind == "other"):
                kind = "other"  # 《非洲联盟组织法》第七章: another instrument's chapter
            elif tail.group("part") or tail.group("section") or _REPERTOIRE_BEFORE.search(before):
                kind = "repertoire"
            elif listed and last_kind in ("charter", "repertoire"):
                kind = last_kind
            else:
                kind = "charter"
            if kind == "repertoire":
                found.extend(_repertoire_refs(m, tail))
            elif kind == "charter":
                found.extend(("charter", f"ch{n}", m.start(), m.end())
                             for n in _numbers(m.group("nums")) if 1 <= n <= CHARTER_CHAPTERS)
        else:
            if _RULES_BEFORE.search(before) or (listed and last_kind == "rule"):
                kind, prefix, top = "rule", "rule", RULES_OF_PROCEDURE
            elif other_title or (listed and last_kind == "other"):
                kind, prefix, top = "other", None, 0  # 《罗马规约》第十六条: another instrument's article
            else:
                kind, prefix, top = "charter", "art", CHARTER_ARTICLES
            found.extend(("charter", f"{prefix}{n}", m.start(), m.end())
                         for n in _numbers(m.group("nums")) if 1 <= n <= top)
        last_end, last_kind = m.end(), kind
    return tuple(found)


def _repertoire_refs(m, tail):
    numbers = _numbers(m.group("nums"))
    part = chinese_number(tail.group("part")) if tail.group("part") else None
    section = tail.group("section")
    end = tail.end() if (part or section) else m.end()
    for i, chapter in enumerate(numbers):
        # In 第十二章和第十三章第三部分 the part and section belong to the last chapter listed.
        own_part, own_section = (part, section) if i == len(numbers) - 1 else (None, None)
        label = f"本汇辑第{chinese_numeral(chapter)}章"
        if own_part:
            label += f"第{chinese_numeral(own_part)}部分"
        if own_section:
            label += f" {own_section} 节"
        yield "repertoire", RepertoireRef(label, chapter, own_part, own_section, m.start(), end), m.start(), end


def find_charter_refs(text):
    """The Charter Articles and Chapters and the rules of procedure `text` refers to, in order of first mention."""
    if not isinstance(text, str) or not text:
        return ()
    seen = {}
    for kind, value, start, end in _scan(text):
        if kind == "charter" and value not in seen:
            seen[value] = CharterRef(value, start, end)
    return tuple(seen.values())


def find_repertoire_refs(text):
    """The cross-references of `text` to the Repertoire's own chapters, parts and sections, in order."""
    if not isinstance(text, str) or not text:
        return ()
    return tuple(value for kind, value, _, _ in _scan(text) if kind == "repertoire")


_VALUE = re.compile(r"(art|ch|rule)([1-9]\d{0,2})")


def charter_label(value):
    """The Chinese and English labels of a value: "art53" -> ("《宪章》第五十三条", "Article 53"); None if unknown.

    >>> charter_label("ch8"), charter_label("rule37")
    (('《宪章》第八章', 'Chapter VIII'), ('暂行议事规则第 37 条', 'Rule 37 of the provisional rules of procedure'))
    """
    m = _VALUE.fullmatch(value) if isinstance(value, str) else None
    if m is None:
        return None
    kind, n = m.group(1), int(m.group(2))
    if kind == "art" and n <= CHARTER_ARTICLES:
        return f"《宪章》第{chinese_numeral(n)}条", f"Article {n}"
    if kind == "ch" and n <= CHARTER_CHAPTERS:
        return f"《宪章》第{chinese_numeral(n)}章", f"Chapter {_roman(n)}"
    if kind == "rule" and n <= RULES_OF_PROCEDURE:
        return f"暂行议事规则第 {n} 条", f"Rule {n} of the provisional rules of procedure"
    return None


_ROMAN = {_roman(n): n for n in range(1, CHARTER_CHAPTERS + 1)}
_QUERY_EN = re.compile(
    r"(?:(?:UN\s+)?Charter\s*,?\s*)?(?P<kind>articles?|art\.?|chapter|chap\.?|ch\.?|rules?|r\.)\s*"
    r"(?P<n>\d{1,3}|[IVXLC]{1,6})(?:\s*\(\s*\d{1,2}\s*\)|\s*,?\s*paragraph\s*\d{1,2})?"
    r"(?:\s*of\s+the\s+(?:UN\s+|United\s+Nations\s+)?Charter)?"
    r"(?:\s*of\s+the\s+(?:provisional\s+)?rules\s+of\s+procedure)?",
    re.I,
)
_QUERY_ZH = re.compile(
    rf"(?P<prefix>《?(?:联合国)?宪章》?\s*(?:所载)?|(?:安理会|安全理事会)?(?:暂行)?议事规则\s*)?"
    rf"第\s*(?P<n>{_NUM})\s*(?P<unit>条|章)(?:\s*第\s*{_NUM}\s*款)?(?P<rule>\s*规则)?"
)


def parse_charter_query(term):
    """The value a query term names: "Article 53", "art. 53", "第五十三条", "Chapter VIII", "rule 37" -> "art53", "ch8", "rule37"; else None.

    >>> [parse_charter_query(t) for t in ("Article 53", "第八章", "Chapter VIII", "rule 37", "第 5007 次")]
    ['art53', 'ch8', 'ch8', 'rule37', None]
    """
    if not isinstance(term, str) or len(term) > 80:
        return None
    term = " ".join(unicodedata.normalize("NFKC", term).split())
    if _VALUE.fullmatch(term.lower()):
        return term.lower() if charter_label(term.lower()) else None
    m = _QUERY_EN.fullmatch(term)
    if m:
        kind = m.group("kind").lower().rstrip(".s")
        raw = m.group("n").upper()
        n = int(raw) if raw.isdigit() else _ROMAN.get(raw)
        if n is None or (raw.isalpha() and not kind.startswith("ch")):
            return None  # Roman numerals number the Charter's chapters only
        prefix = "ch" if kind.startswith("ch") else "rule" if kind in ("rule", "r") else "art"
    else:
        m = _QUERY_ZH.fullmatch(term)
        if m is None:
            return None
        n = chinese_number(m.group("n"))
        is_rule = "议事规则" in (m.group("prefix") or "") or bool(m.group("rule"))
        if is_rule and m.group("unit") != "条":
            return None
        prefix = "rule" if is_rule else "ch" if m.group("unit") == "章" else "art"
    value = f"{prefix}{n}"
    return value if n and charter_label(value) else None
