"""The table of contents: every chapter's parts, items and sections in order, the records each
covers, and where a record stands in it.

The entries are counted when the index is built (search.index.stats.chapter_contents) and read
from its statistics, so the contents cost the same at any size. A part of the book is a range of
positions (`first`..`last`) among a chapter's headings, paragraphs and decisions (the engines'
class "p"), so reading it in order is a look-up per record (`Engine.at`).
"""
from dataclasses import dataclass

from ..text import chinese_numeral


@dataclass(frozen=True)
class Part:
    """A chapter, a part (第三部分, which holds whole items), an item or a section, and the records
    it covers."""

    chapter: str               # the chapter's key (file stem)
    item: int | None           # None for a whole chapter or part
    section: str | None        # "A", or None for a whole item, part or chapter
    title: str
    first: int                 # positions among the chapter's headings, paragraphs and decisions
    last: int
    units: int                 # records, footnotes included
    part: int | None = None    # the part's number (of a part, or of the part an item or section is in)

    @property
    def level(self):
        """"chapter", "part", "item" or "section"."""
        if self.section:
            return "section"
        if self.item is not None:
            return "item"
        return "part" if self.part is not None else "chapter"

    @property
    def label(self):
        """How the contents and breadcrumbs name it: "第三部分", "项目 49", "A 节", or the chapter's title."""
        return {"part": f"第{chinese_numeral(self.part or 0)}部分", "item": f"项目 {self.item}",
                "section": f"{self.section} 节"}.get(self.level, self.title)

    def page_of(self, seq, per_page):
        """The page of a reading of this part (`per_page` records a page) that holds position `seq`."""
        return (seq - self.first) // per_page + 1

    def pages(self, per_page):
        """How many pages a reading of this part has."""
        return max(1, -(-(self.last - self.first + 1) // per_page))


def chapter_title(chapter):
    """A chapter's title: "第十三章" when the file says which chapter it is, else the items it holds.

    >>> chapter_title({"key": "c", "repertoire_chapter": 13, "entries": []})
    '第十三章'
    >>> chapter_title({"key": "c", "repertoire_chapter": None, "entries": [{"item": 49}, {"item": 50}]})
    '章节（项目 49–50）'
    """
    if chapter.get("repertoire_chapter"):
        return f"第{chinese_numeral(chapter['repertoire_chapter'])}章"
    items = [e["item"] for e in chapter["entries"] if e["item"] is not None]
    if not items:
        return f"章节 {chapter['key']}"
    return f"章节（项目 {items[0]}）" if items[0] == items[-1] else f"章节（项目 {items[0]}–{items[-1]}）"


def _chapter_part(chapter):
    entries = chapter["entries"]
    last = max((e["last"] for e in entries), default=-1)
    return Part(chapter["key"], None, None, chapter_title(chapter), 0, last, chapter["units"])


def _part(key, entry):
    return Part(key, entry["item"], entry["section"], entry["title"], entry["first"], entry["last"], entry["units"],
                entry["part"])


def _where(entry):
    """What names an entry in its chapter: a part by its number, an item or section by theirs."""
    return (entry["part"] if entry["item"] is None else None, entry["item"], entry["section"])


def contents_parts(contents):
    """Every chapter, part, item and section of `contents` (the index statistics' "contents"), in order."""
    out = []
    for chapter in contents:
        out.append(_chapter_part(chapter))
        out += [_part(chapter["key"], e) for e in chapter["entries"]]
    return out


def find_part(contents, key, item=None, section=None, part=None):
    """The chapter `key`, or its part `part`, or its item, or the item's section; None when the
    index has none such."""
    for chapter in contents:
        if chapter["key"] != key:
            continue
        if item is None and part is None:
            return _chapter_part(chapter)
        where = (part, None, None) if item is None else (None, item, section)
        for entry in chapter["entries"]:
            if _where(entry) == where:
                return _part(key, entry)
    return None


def place_of(contents, key, seq):
    """The parts position `seq` of chapter `key` stands in, widest first: [chapter, part, item, section]."""
    for chapter in contents:
        if chapter["key"] == key:
            inside = [_part(key, e) for e in chapter["entries"] if e["first"] <= seq <= e["last"]]
            return [_chapter_part(chapter), *inside]
    return []


def _level(entry):
    return "section" if entry["section"] else "item" if entry["item"] is not None else "part"


def neighbours(contents, part):
    """(previous, next) part of the same level as `part` in the contents (None at either end),
    looked for from `part` outwards: what it costs does not grow with the contents."""
    at = next((i for i, c in enumerate(contents) if c["key"] == part.chapter), None)
    if at is None:
        return None, None
    if part.level == "chapter":
        return (_chapter_part(contents[at - 1]) if at > 0 else None,
                _chapter_part(contents[at + 1]) if at + 1 < len(contents) else None)
    entries = contents[at]["entries"]
    here = next(i for i, e in enumerate(entries) if _part(part.chapter, e) == part)
    found = []
    for step in (-1, 1):
        chapter, i, hit = at, here + step, None
        while hit is None and 0 <= chapter < len(contents):
            entries = contents[chapter]["entries"]
            while hit is None and 0 <= i < len(entries):
                if _level(entries[i]) == part.level:
                    hit = _part(contents[chapter]["key"], entries[i])
                i += step
            chapter += step
            if 0 <= chapter < len(contents):
                i = 0 if step > 0 else len(contents[chapter]["entries"]) - 1
        found.append(hit)
    return tuple(found)

