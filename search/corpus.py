"""Chapter text -> heading, paragraph, decision and footnote records.

The input is the Repertoire as extracted from the PDF: lines wrap every few characters,
paragraphs run across page breaks, each page's footnotes follow a line of underscores,
and footnote markers sit inline in the body ("…发了言。5"). The layout still tells what
is what: a line that ends with a space ends a paragraph, a line that starts with a space
after such a line starts the next one, and footnote markers run 1, 2, 3… within an item.
"""
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import PROJECT_ROOT, gazetteer
from .citations import Citation, fix_glued_footnote_number, parse_citations
from .errors import CorpusError

ENCODINGS = ("utf-8-sig", "gb18030")

SEPARATOR = re.compile(r"^\s*_{5,}\s*$")
ITEM_HEADING = re.compile(r"^\s*(\d{1,3})\s*[.．]\s*([\u4e00-\u9fff《“].*?)\s*$")
SECTION_HEADING = re.compile(r"^\s*([A-Z])\s*[.．]\s*([\u4e00-\u9fff《“].*?)\s*$")
DECISION_HEADING = re.compile(
    r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*[(（]\s*第\s*(\d+)\s*次会议\s*[)）]"
    r"\s*的\S{1,4}\s*[:：]\s*$"
)
FOOTNOTE_START = re.compile(r"^\s*(\d{1,3})\s+(\S.*)$")
# Short headings inside an item; anything else short, indented and unpunctuated is caught below.
SUBHEADINGS = {"初步程序", "审议情况", "讨论情况", "概述", "导言", "注释"}
# Characters that follow a number that is part of the text, never a footnote marker.
UNIT_AFTER = "年月日页号次个名项条段章部节届%％万亿千百)）-－—/"
DECISION_INTRO = ("其中", "除其他外", "安理会", "决议", "声明")
TERMINAL = ("。", "。)", "。）", "。”", "！", "？")
LINE_END_MARKER = re.compile(r"^(?P<text>.*?[^\d\s])?(?P<gap>\s*)(?P<num>\d{1,3})\s*$")
# After these a number at the end of a line is a marker whatever follows ("…作用。33" + "日本代表").
MARKER_AFTER = "。，；：！？”’）)》"
MID_MARKER = re.compile(r"(?<=[\u4e00-\u9fff，。；：”）)])\s?(?P<num>\d{1,3})\s+(?=[(（\u4e00-\u9fff])")


@dataclass(frozen=True)
class Source:
    file: str
    line: int


@dataclass(frozen=True)
class Paragraph:
    id: str
    chapter: str
    kind: str  # "heading" | "paragraph" | "decision"
    item: int
    item_title: str
    section: str | None
    section_title: str | None
    meeting: int | None
    date: str | None
    decision: str | None
    text: str
    footnotes: tuple[int, ...]
    countries: tuple[str, ...]
    orgs: tuple[str, ...]
    source: Source
    order: int
    # (footnote number, offset in text) for each marker, to print it where it stands.
    marker_offsets: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Footnote:
    id: str
    chapter: str
    item: int
    number: int
    text: str
    citations: tuple[Citation, ...]
    countries: tuple[str, ...]
    orgs: tuple[str, ...]
    meeting: int | None
    date: str | None
    cited_by: tuple[str, ...]
    source: Source
    order: int
    kind: str = "footnote"


@dataclass(frozen=True)
class Corpus:
    paragraphs: tuple[Paragraph, ...]
    footnotes: tuple[Footnote, ...]
    warnings: tuple[str, ...] = ()

    def records(self):
        """Every record: paragraphs, then footnotes."""
        yield from self.paragraphs
        yield from self.footnotes


# ---------------------------------------------------------------- reading


def read_chapter_text(path):
    """Read a chapter file as text; UTF-8, or GB18030/GBK when it is not UTF-8.

    :returns: (text, warnings)
    :raises CorpusError: missing, empty, binary or undecodable file.
    """
    path = Path(path)
    if path.suffix.lower() == ".pdf":
        from .pdf import read_pdf_text

        return read_pdf_text(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise CorpusError(path, "no such file") from None
    except IsADirectoryError:
        raise CorpusError(path, "is a directory, not a chapter file") from None
    except OSError as exc:
        raise CorpusError(path, f"cannot read: {exc.strerror}") from None
    if not data.strip():
        raise CorpusError(path, "empty file")
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise CorpusError(path, "binary data (NUL byte), not a text file", line)
    try:
        return data.decode(ENCODINGS[0]), []
    except UnicodeDecodeError as exc:
        first_error = exc
    if first_error.reason == "unexpected end of data":
        # A file cut off inside a character (a truncated copy): keep everything before it.
        warning = f"{_display_path(path)}: the file ends inside a character; its last bytes were dropped"
        return data[: first_error.start].decode(ENCODINGS[0]), [warning]
    try:
        return data.decode(ENCODINGS[1]), []
    except UnicodeDecodeError:
        line = data[: first_error.start].count(b"\n") + 1
        raise CorpusError(path, "not valid UTF-8 or GB18030 text", line) from None


def chapter_key(path):
    """The chapter's key in ids: the file's stem, limited to word characters and '-'."""
    return re.sub(r"[^\w-]", "_", Path(path).stem)


def _display_path(path):
    path = Path(path)
    try:
        return str(path.resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


# ---------------------------------------------------------------- lines


@dataclass
class _Line:
    no: int
    raw: str

    @property
    def text(self):
        return self.raw.strip()

    @property
    def lead(self):
        return len(self.raw) - len(self.raw.lstrip())

    @property
    def ends_paragraph(self):
        # The extraction keeps a trailing space on the last line of a paragraph only.
        return bool(self.raw) and self.raw[-1].isspace()


def _is_latin(ch):
    return ch.isascii() and ch.isalnum()


def _is_han(ch):
    return "\u4e00" <= ch <= "\u9fff"


# A footnote marker stands in the text as a private-use sentinel until the paragraph is joined,
# so that its offset in the joined text is known.
_SENTINEL = re.compile("\ue000(\\d+)\ue001")
_TRAILING_SENTINELS = re.compile("(?:\ue000\\d+\ue001)+$")


def _sentinel(number):
    return f"\ue000{number}\ue001"


def split_markers(text):
    """Take the marker sentinels out of joined text: (text, ((footnote number, offset), ...))."""
    parts, offsets, pos, length = [], [], 0, 0
    for m in _SENTINEL.finditer(text):
        parts.append(text[pos:m.start()])
        length += m.start() - pos
        offsets.append((int(m.group(1)), length))
        pos = m.end()
    parts.append(text[pos:])
    return "".join(parts), tuple(offsets)


def join_pieces(pieces):
    """Join wrapped lines: nothing between Chinese characters, one space at a Latin/digit boundary."""
    out = ""
    for piece in pieces:
        piece = piece.strip()
        if not piece:
            continue
        if out:
            a = _TRAILING_SENTINELS.sub("", out)[-1:]
            b = _SENTINEL.sub("", piece)[:1]
            if a and b and (
                (_is_latin(a) and (_is_latin(b) or _is_han(b))) or (_is_han(a) and _is_latin(b))
            ):
                out += " "
        out += piece
    return out


_STRAY_SPACE = re.compile(r"(?<=(.))\s+(?=(.))")


def remove_stray_spaces(text):
    """Drop the extraction's spaces between Chinese characters and punctuation.

    >>> remove_stray_spaces("同 上 ， 第 14 页 ( 中 国 ) ；")
    '同上，第 14 页(中国)；'
    """
    def keep(m):
        a, b = m.group(1), m.group(2)
        return " " if _is_latin(a) or _is_latin(b) else ""

    return _STRAY_SPACE.sub(keep, text.strip())


# ---------------------------------------------------------------- state machine


@dataclass
class _Block:
    kind: str  # heading | paragraph | decision
    heading: str | None  # item | section | decision | verdict | sub (for headings)
    line: int
    pieces: list = field(default_factory=list)
    markers: list = field(default_factory=list)
    item: int = 0
    item_title: str = ""
    section: str | None = None
    section_title: str | None = None
    meeting: int | None = None
    date: str | None = None
    decision: str | None = None

    @property
    def text(self):
        return split_markers(join_pieces(self.pieces))[0]

    @property
    def marker_offsets(self):
        return split_markers(join_pieces(self.pieces))[1]


@dataclass
class _RawFootnote:
    item: int
    number: int
    line: int
    pieces: list = field(default_factory=list)

    @property
    def text(self):
        return remove_stray_spaces(join_pieces(self.pieces))

    @property
    def complete(self):
        return self.text.endswith(TERMINAL)


class _ChapterReader:
    """Walks the lines once, splitting body from footnotes and body into records."""

    def __init__(self, path, lines):
        self.path = path
        self.file = _display_path(path)
        self.lines = lines
        self.blocks = []
        self.footnotes = []
        self.warnings = []
        self.block = None
        self.items = []  # item numbers in order of their headings
        self.item = None
        self.item_title = ""
        self.section = self.section_title = None
        self.meeting = self.date = self.decision = None
        self.next_marker = 1
        self.in_decision = False
        self.expect_verdict = False
        self.prev_ends = True  # did the previous body line end a paragraph?
        self.fn_item_index = 0
        self.in_footnotes = False
        # A reader that knows where the markers are (the PDF reader) writes every one as a
        # sentinel: a line without one then has none, and no number is taken for a marker.
        self.explicit_markers = any("\ue000" in line.raw for line in lines)

    # -- driving

    def read(self):
        body = []
        for line in self.lines:
            if not line.text:
                continue
            if SEPARATOR.match(line.raw):
                self.in_footnotes = True
                continue
            if self.in_footnotes and self._footnote_line(line):
                continue
            self.in_footnotes = False
            m = ITEM_HEADING.match(line.raw)
            if m and (not self.items or int(m.group(1)) > self.items[-1]):
                self.items.append(int(m.group(1)))
            body.append(line)
        # Body lines are processed after the split so that marker detection can look ahead.
        for i, line in enumerate(body):
            self._body_line(line, body[i + 1] if i + 1 < len(body) else None)
        self._flush()
        if not self.items:
            raise CorpusError(
                self.path, "not a Repertoire chapter: no item heading such as '49. …' found"
            )
        return self.blocks, self.footnotes, self.warnings

    # -- footnotes

    def _footnote_line(self, line):
        """Consume a line of a footnote block; False when the body resumes."""
        current = self.footnotes[-1] if self.footnotes else None
        m = FOOTNOTE_START.match(line.raw)
        if m:
            number = int(m.group(1))
            wrapped_page = current and not current.complete and m.group(2).startswith("页")
            item = self._footnote_item(number)
            if item is not None and not wrapped_page:
                self.footnotes.append(_RawFootnote(item, number, line.no, [m.group(2)]))
                return True
        if any(p.match(line.raw) for p in (ITEM_HEADING, SECTION_HEADING, DECISION_HEADING)):
            return False
        if current is not None and not current.complete and line.lead < 2:
            current.pieces.append(line.raw)
            return True
        return False

    def _footnote_item(self, number):
        """The item a footnote numbered `number` belongs to, if it comes next in sequence."""
        if self.fn_item_index >= len(self.items):
            return None
        item = self.items[self.fn_item_index]
        done = [f.number for f in self.footnotes if f.item == item]
        if number == (done[-1] + 1 if done else 1):
            return item
        if number == 1 and self.fn_item_index + 1 < len(self.items):
            self.fn_item_index += 1
            return self.items[self.fn_item_index]
        return None

    # -- body

    def _heading_kind(self, line):
        m = ITEM_HEADING.match(line.raw)
        if m and (self.item is None or int(m.group(1)) > self.item):
            return "item"
        m = SECTION_HEADING.match(line.raw)
        if m and self.item is not None:
            expected = chr(ord(self.section) + 1) if self.section else "A"
            if m.group(1) == expected:
                return "section"
        if DECISION_HEADING.match(line.raw) and self.item is not None:
            return "decision"
        return None

    def _is_subheading(self, line):
        text = line.text
        if text in SUBHEADINGS:
            return True
        return (
            self.prev_ends
            and line.lead >= 2
            and line.ends_paragraph
            and len(text) <= 12
            and not re.search(r"[\d，。；：、,.;:()（）]", text)
        )

    def _body_line(self, line, next_line):
        kind = self._heading_kind(line)
        if kind == "item":
            m = ITEM_HEADING.match(line.raw)
            self._flush()
            self.item = int(m.group(1))
            self.item_title = m.group(2)
            self.section = self.section_title = None
            self.meeting = self.date = self.decision = None
            self.next_marker = 1
            self._start("heading", "item", line, m.group(2))
            self.block.pieces = [line.text]
        elif kind == "section":
            m = SECTION_HEADING.match(line.raw)
            self._flush()
            self.section, self.section_title = m.group(1), m.group(2)
            self.meeting = self.date = self.decision = None
            self._start("heading", "section", line, line.text)
        elif kind == "decision":
            m = DECISION_HEADING.match(line.raw)
            self._flush()
            year, month, day, meeting = (int(g) for g in m.groups())
            self.meeting = meeting
            self.date = f"{year:04d}-{month:02d}-{day:02d}"
            self.decision = None
            self._start("heading", "decision", line, line.text)
            self.expect_verdict = True
        elif self.item is None:
            # Text before the first item heading (a chapter title page) is not indexed.
            return
        elif self.expect_verdict and line.lead == 0:
            self._flush()
            self.decision = line.text
            self._start("heading", "verdict", line, line.text)
        elif self._is_subheading(line):
            self._flush()
            self._start("heading", "sub", line, line.text)
        elif (
            self.block is not None
            and self.block.heading in ("item", "section")
            and line.lead == 0
        ):
            # A long item or section heading wraps onto an unindented second line.
            self.block.pieces.append(line.text)
            if self.block.heading == "item":
                self.item_title = join_pieces([self.item_title, line.text])
            else:
                self.section_title = join_pieces([self.section_title, line.text])
        else:
            self.expect_verdict = False
            starts = (
                self.block is None
                or self.block.kind == "heading"
                or (self.prev_ends and line.lead >= 1)
            )
            if starts:
                self._flush()
                self._start("decision" if self.in_decision else "paragraph", None, line, None)
            text, markers = self._strip_markers(line, next_line)
            self.block.pieces.append(text)
            self.block.markers.extend(markers)
        self.prev_ends = line.ends_paragraph

    def _start(self, kind, heading, line, text):
        self.block = _Block(
            kind=kind,
            heading=heading,
            line=line.no,
            pieces=[text] if text else [],
            item=self.item,
            item_title=self.item_title,
            section=self.section,
            section_title=self.section_title,
            meeting=self.meeting,
            date=self.date,
            decision=self.decision,
        )
        if kind == "heading":
            self.in_decision = False

    def _flush(self):
        block, self.block = self.block, None
        if block is None or not block.text:
            return
        if block.heading in ("item", "section"):
            block.item_title, block.section_title = self.item_title, self.section_title
            if block.heading == "section":
                block.section_title = self.section_title
        self.blocks.append(block)
        text = block.text
        if block.kind == "paragraph" and text.endswith(("：", ":")) and any(
            w in text[-30:] for w in DECISION_INTRO
        ):
            self.in_decision = True
        elif block.kind == "decision" and text.endswith("。"):
            self.in_decision = False

    # -- footnote markers

    def _accept(self, number, after, before=""):
        """Is `number` the next footnote marker, given the text around it?"""
        if number not in (self.next_marker, self.next_marker + 1):
            return False
        if before.endswith(tuple(MARKER_AFTER)):
            return True
        after = after.lstrip()
        return not after or after[0] not in UNIT_AFTER and not after[0].isdigit()

    def _take(self, number):
        if number != self.next_marker:
            self.warnings.append(
                f"{self.file}: item {self.item}: footnote marker {self.next_marker} not found "
                f"before marker {number}"
            )
        self.next_marker = number + 1
        return number

    def _strip_markers(self, line, next_line):
        """Remove footnote markers from a body line; returns (text, marker numbers).

        A reader that knows where the markers are (the PDF reader: small raised digits) writes
        them as sentinels already; such a line is taken as it is, with no guessing.
        """
        text = line.raw.strip()
        explicit = [int(m.group(1)) for m in _SENTINEL.finditer(text)]
        if explicit or self.explicit_markers:
            return text, [self._take(n) for n in explicit]
        markers = []
        while True:
            m = MID_MARKER.search(text)
            if not m or not self._accept(int(m.group("num")), text[m.end():]):
                break
            number = self._take(int(m.group("num")))
            markers.append(number)
            text = text[: m.start()] + _sentinel(number) + text[m.end():]
        following = next_line.text if next_line else ""
        m = LINE_END_MARKER.match(text)
        if m:
            before = (m.group("text") or "").rstrip()
            number = int(m.group("num"))
            glued_to_number = before[-1:].isdigit() or before.endswith(("第", "月", "年", "."))
            if not glued_to_number and self._accept(number, following, before):
                markers.append(self._take(number))
                text = before + _sentinel(number)
        return text, markers


# ---------------------------------------------------------------- records


def parse_chapter(path, order_start=0):
    """Parse one chapter file into records.

    :raises CorpusError: the file cannot be read, or is not a Repertoire chapter.
    """
    text, warnings = read_chapter_text(path)
    lines = [_Line(no, raw.rstrip("\r")) for no, raw in enumerate(text.split("\n"), 1)]
    blocks, raw_footnotes, reader_warnings = _ChapterReader(path, lines).read()
    warnings += reader_warnings
    return _make_records(path, blocks, raw_footnotes, warnings, order_start)


def _make_records(path, blocks, raw_footnotes, warnings, order_start):
    chapter = chapter_key(path)
    file = _display_path(path)
    counters = {}
    para_ids = []
    for block in blocks:
        counters[block.item] = counters.get(block.item, 0) + 1
        para_ids.append(f"{chapter}.{block.item}.p{counters[block.item]}")

    cited_by = {}
    first_citer = {}
    for pid, block in zip(para_ids, blocks):
        for number in block.markers:
            cited_by.setdefault((block.item, number), []).append(pid)
            first_citer.setdefault((block.item, number), block)

    known = {(f.item, f.number) for f in raw_footnotes}
    for key in sorted(set(cited_by) - known):
        warnings.append(f"{file}: item {key[0]}: footnote {key[1]} is cited but has no text")

    footnotes = {}
    last_symbol = {}
    pv_numbers = {}
    for raw in raw_footnotes:
        pv_numbers.setdefault(raw.item, set()).update(re.findall(r"S/PV\.(\d+)\(", raw.text))
    for raw in raw_footnotes:
        citer = first_citer.get((raw.item, raw.number))
        meeting = citer.meeting if citer else None
        text = raw.text
        citations = parse_citations(text, ibid=last_symbol.get(raw.item))
        citations = tuple(
            fix_glued_footnote_number(c, raw.number, {str(meeting)} | pv_numbers[raw.item])
            for c in citations
        )
        if any(c.symbol is None for c in citations):
            warnings.append(f"{file}: line {raw.line}: footnote {raw.number}: 同上 (ibid) with no earlier citation")
        symbols = [c.symbol for c in citations if c.symbol]
        if symbols:
            last_symbol[raw.item] = symbols[-1]
        if (raw.item, raw.number) not in cited_by:
            warnings.append(f"{file}: line {raw.line}: footnote {raw.number} has no marker in the text")
        footnotes[(raw.item, raw.number)] = dict(
            id=f"{chapter}.{raw.item}.fn{raw.number}",
            chapter=chapter,
            item=raw.item,
            number=raw.number,
            text=text,
            citations=citations,
            countries=gazetteer.find_countries(text),
            orgs=gazetteer.find_orgs(text),
            meeting=meeting,
            date=citer.date if citer else None,
            cited_by=tuple(cited_by.get((raw.item, raw.number), ())),
            source=Source(file, raw.line),
        )

    # One document order for all records: each footnote right after the paragraph that first cites it.
    order = order_start
    paragraphs, ordered_footnotes = [], []
    placed = set()
    for pid, block in zip(para_ids, blocks):
        text = block.text
        cited = [footnotes[(block.item, n)] for n in block.markers if (block.item, n) in footnotes]
        speakers = [s for f in cited for c in f["citations"] for s in c.speakers + (c.on_behalf_of,) if s]
        countries = _merge(gazetteer.find_countries(text), *(gazetteer.find_countries(s) for s in speakers))
        orgs = _merge(gazetteer.find_orgs(text), *(gazetteer.find_orgs(s) for s in speakers))
        paragraphs.append(
            Paragraph(
                id=pid,
                chapter=chapter,
                kind=block.kind,
                item=block.item,
                item_title=block.item_title,
                section=block.section,
                section_title=block.section_title,
                meeting=block.meeting,
                date=block.date,
                decision=block.decision,
                text=text,
                footnotes=tuple(block.markers),
                countries=countries,
                orgs=orgs,
                source=Source(file, block.line),
                order=order,
                marker_offsets=block.marker_offsets,
            )
        )
        order += 1
        for f in cited:
            if f["id"] not in placed:
                placed.add(f["id"])
                ordered_footnotes.append(Footnote(**f, order=order))
                order += 1
    for f in footnotes.values():
        if f["id"] not in placed:
            ordered_footnotes.append(Footnote(**f, order=order))
            order += 1
    ordered_footnotes.sort(key=lambda f: (f.item, f.number))
    return Corpus(tuple(paragraphs), tuple(ordered_footnotes), tuple(warnings))


def _merge(*groups):
    seen = {}
    for group in groups:
        for code in group:
            seen.setdefault(code, None)
    return tuple(seen)


def parse_corpus(paths):
    """Parse several chapter files; ids carry each file's chapter key.

    :raises CorpusError: for the first file that cannot be parsed, or a repeated chapter key.
    """
    paragraphs, footnotes, warnings = [], [], []
    keys = {}
    order = 0
    for path in paths:
        key = chapter_key(path)
        if key in keys:
            raise CorpusError(path, f"chapter key {key!r} is also the key of {keys[key]}: rename one file")
        keys[key] = path
        chapter = parse_chapter(path, order_start=order)
        order += len(chapter.paragraphs) + len(chapter.footnotes)
        paragraphs.extend(chapter.paragraphs)
        footnotes.extend(chapter.footnotes)
        warnings.extend(chapter.warnings)
    return Corpus(tuple(paragraphs), tuple(footnotes), tuple(warnings))


def record_to_dict(record):
    """The JSON shape of a paragraph or footnote (countries and organisations with their names)."""
    d = {
        "id": record.id,
        "kind": record.kind,
        "chapter": record.chapter,
        "item": record.item,
    }
    if isinstance(record, Paragraph):
        d.update(
            section=record.section,
            item_title=record.item_title,
            section_title=record.section_title,
            meeting=record.meeting,
            date=record.date,
            decision=record.decision,
            text=record.text,
            footnotes=list(record.footnotes),
            markers=[{"number": n, "offset": offset} for n, offset in record.marker_offsets],
        )
    else:
        d.update(
            number=record.number,
            text=record.text,
            citations=[c.to_dict() for c in record.citations],
            meeting=record.meeting,
            date=record.date,
            cited_by=list(record.cited_by),
        )
    d["countries"] = [gazetteer.entity_to_dict(gazetteer.country(c)) for c in record.countries]
    d["orgs"] = [gazetteer.entity_to_dict(gazetteer.org(c)) for c in record.orgs]
    d["source"] = {"file": record.source.file, "line": record.source.line}
    d["order"] = record.order
    return d
