"""Footnote text -> citations of UN documents, with ibid resolution and undocs.org links.

A footnote is read left to right as a stream of tokens: a document symbol (or 同上, ibid)
makes that document current; each "第 N 页" is one citation of the current document,
with the speakers in the parentheses that follow it. A symbol that no page follows is a
citation of the whole document.
"""
import functools
import re
from dataclasses import dataclass, replace
from urllib.parse import quote

from . import gazetteer

UNDOCS = "https://undocs.org/{lang}/{symbol}"

_PAGE_NUMBER = r"\d+(?:\s*[-–—~～]\s*\d+)?"
_TOKEN = re.compile(
    r"(?P<pv>S/PV\.\d+(?:\s*[(（]\s*(?:Resumption|Part)\s*\d*\s*[)）])?)"
    r"|(?P<prst>S/PRST/\d{4}/\d+)"
    r"|(?P<sres>S/RES/\d+\s*\(\d{4}\))"
    r"|(?P<sdoc>S/\d{4}/\d+(?:/(?:Add|Corr|Rev)\.\d+)*)"
    r"|(?P<ares>A/RES/\d+/\d+)"
    r"|(?P<adoc>A/\d+/\d+(?:/(?:Add|Corr|Rev)\.\d+)*)"
    r"|大会第\s*(?P<ga_session>\d+)\s*/\s*(?P<ga_number>\d+)\s*号决议"
    r"|(?:安理会|安全理事会)?第\s*(?P<sc_number>\d+)\s*[(（](?P<sc_year>\d{4})[)）]\s*号决议"
    r"|(?P<ibid>同上)"
    rf"|第\s*(?P<pages>{_PAGE_NUMBER}(?:\s*(?:和|及|、|,|，)\s*(?:第\s*)?{_PAGE_NUMBER})*)\s*页"
    r"|[(（](?P<paren>[^()（）]*)[)）]"
)
_PAGE_SPLIT = re.compile(r"\s*(?:和|及|、|,|，)\s*(?:第\s*)?")
_SPEAKER_SPLIT = re.compile(r"\s*[、，,;；]\s*")


@dataclass(frozen=True)
class Citation:
    """One cited place: a document symbol, its pages and who spoke there."""

    symbol: str | None
    pages: tuple[str, ...] = ()
    speakers: tuple[str, ...] = ()
    on_behalf_of: str | None = None

    @property
    def url(self):
        return document_url(self.symbol, "zh") if self.symbol else None

    @property
    def url_en(self):
        return document_url(self.symbol, "en") if self.symbol else None

    def to_dict(self):
        return {
            "symbol": self.symbol,
            "pages": list(self.pages),
            "speakers": list(self.speakers),
            "on_behalf_of": self.on_behalf_of,
            "url": self.url,
            "url_en": self.url_en,
        }


@functools.lru_cache(maxsize=65536)  # a chapter names the same documents in many footnotes
def document_url(symbol, lang="zh"):
    """The undocs.org address that opens `symbol` in `lang` ("zh" or "en").

    >>> document_url("S/PV.5007(Resumption 1)", "en")
    'https://undocs.org/en/S/PV.5007(Resumption%201)'
    """
    return UNDOCS.format(lang=lang, symbol=quote(symbol, safe="/().-"))


def normalize_symbol(symbol):
    """Canonical spelling of a document symbol: ASCII brackets, one space in 'Resumption 1'.

    >>> normalize_symbol("S/PV.5007 （Resumption1）")
    'S/PV.5007(Resumption 1)'
    """
    symbol = symbol.replace("（", "(").replace("）", ")").strip()
    symbol = re.sub(r"\s*\(\s*", "(", symbol)
    symbol = re.sub(r"\s*\)", ")", symbol)
    symbol = re.sub(r"(Resumption|Part)\s*(\d+)", r"\1 \2", symbol)
    return symbol


_CONNECTIVES = re.compile(r"分别为|以及|和|及|见|[\s\W\d]")
# Where in the Repertoire or the Charter: "第十三章第三部分 A 节", "关于《宪章》第八章的", and the
# words that send a reader there ("会议讨论详情，见…").
_CROSS_REFERENCE = re.compile(
    r"(?:关于)?《宪章》第[一二三四五六七八九十百\d]+[章条](?:的)?"
    r"|第[一二三四五六七八九十百\d]+章(?:第[一二三四五六七八九十\d]+部分)?(?:\s*[A-Z]\s*节)?"
    r"|会议讨论详情|讨论详情|另见|参看"
)


def is_citation_only(text):
    """True when a footnote says nothing but where: document symbols, 同上, pages and speakers, or
    the chapter of the Repertoire that tells more.

    Such a note ("S/PV.5007，第 8 页(法国)。", "会议讨论详情，见第十三章第三部分 A 节。") is found by every
    search for its document, speakers or chapter, but a reader wants the paragraph that cites it
    first (search ranks it below them), and it has no meaning to compare.

    >>> [is_citation_only(t) for t in ("S/PV.5007，第 8 页(法国)。", "同上，第 5 页。", "分别为 S/PV.5282，第 17 页和 S/PV.5282(Resumption 1)，第 2 页。", "会议讨论详情，见关于《宪章》第八章的第十二章第三部分 A 节。", "罗马尼亚外交部长应邀参加；他的讲话，见 S/2006/757。")]
    [True, True, True, True, False]
    """
    return not _CONNECTIVES.sub("", _CROSS_REFERENCE.sub("", _TOKEN.sub("", text)))


def _symbol(m):
    for group in ("pv", "prst", "sres", "sdoc", "ares", "adoc"):
        if m.group(group):
            return normalize_symbol(re.sub(r"\s+", "" if group == "sres" else " ", m.group(group)))
    if m.group("ga_session"):
        return f"A/RES/{m.group('ga_session')}/{m.group('ga_number')}"
    if m.group("sc_number"):
        return f"S/RES/{m.group('sc_number')}({m.group('sc_year')})"
    return None


def _pages(text):
    return tuple(re.sub(r"\s*[-–—~～]\s*", "-", p) for p in _PAGE_SPLIT.split(text.strip()) if p)


def parse_speakers(text):
    """Speakers in a citation's parentheses -> (speakers, on_behalf_of).

    >>> parse_speakers("联合王国,代表欧洲联盟")
    (('联合王国',), '欧洲联盟')
    >>> parse_speakers("法国、巴拿马")
    (('法国', '巴拿马'), None)
    """
    speakers, behalf = [], None
    for part in _SPEAKER_SPLIT.split(text.strip()):
        if not part:
            continue
        if part.startswith("代表") and len(part) > 2:
            behalf = part[2:]
            continue
        # "联合王国代表欧洲联盟": a known name, then 代表, then whom it spoke for.
        i = part.find("代表")
        if 0 < i < len(part) - 2:
            head = part[:i]
            if gazetteer.lookup_country(head) or gazetteer.lookup_org(head):
                speakers.append(head)
                behalf = part[i + 2:]
                continue
        speakers.append(part)
    return tuple(speakers), behalf


def parse_citations(text, ibid=None):
    """Read a footnote's citations; `ibid` is the symbol that 同上 stands for.

    >>> [(c.symbol, c.pages) for c in parse_citations("同上，分别为第 6 页和第 33 页。", "S/PV.5529")]
    [('S/PV.5529', ('6',)), ('S/PV.5529', ('33',))]
    """
    citations = []
    current, pending = None, False
    last_page_end = None  # where the last "第 N 页" ended, for the speakers that follow it
    for m in _TOKEN.finditer(text):
        symbol = _symbol(m)
        if symbol or m.group("ibid"):
            if pending:
                citations.append(Citation(current))
            current, pending, last_page_end = (symbol or ibid), True, None
        elif m.group("pages"):
            citations.append(Citation(current or ibid, _pages(m.group("pages"))))
            pending, last_page_end = False, m.end()
        elif m.group("paren") is not None and last_page_end is not None:
            if not text[last_page_end:m.start()].strip():
                speakers, behalf = parse_speakers(m.group("paren"))
                citations[-1] = replace(citations[-1], speakers=speakers, on_behalf_of=behalf)
            last_page_end = None
    if pending:
        citations.append(Citation(current))
    return tuple(citations)


def fix_glued_footnote_number(citation, number, meetings):
    """Undo the extraction's gluing of a footnote number onto a verbatim record symbol.

    In footnote 106, "S/PV.5776106" is S/PV.5776: the digits end in the footnote number and
    what is left is a meeting the footnote is known to be about (`meetings`, as strings).

    >>> fix_glued_footnote_number(Citation("S/PV.5776106"), 106, {"5776"}).symbol
    'S/PV.5776'
    """
    m = re.fullmatch(r"S/PV\.(\d+)(.*)", citation.symbol or "")
    suffix = str(number)
    if m and m.group(1).endswith(suffix) and len(m.group(1)) > len(suffix):
        head = m.group(1)[: -len(suffix)]
        if head in meetings:
            return replace(citation, symbol=f"S/PV.{head}{m.group(2)}")
    return citation
