"""Write parsed chapter records back out as text in a random layout, for the reader to read back.

A layout is what an extraction may do to the same chapter: wrap lines at any width, break pages
anywhere (each page's footnotes after a line of underscores, some carried onto the next page, the
last one sometimes cut and continued there), print a footnote marker at a line's end, in mid-line
followed by a space, on a line of its own or glued to the next character, end lines with CRLF or
LF, indent with tabs or spaces, and keep a space at each paragraph's end or strip them all.

What stays as in print, so that the layout still says what is what: a paragraph or heading starts
on an indented line and runs on unindented ones (only an extraction that keeps trailing spaces
may start a run-on line with the space of a break, as the seed does); lines break where joining
them gives the text back (not inside a Latin word or a number); a footnote cut at a page's end
leaves its first line on that page.
"""
import dataclasses
import random
import re
from collections import Counter
from dataclasses import dataclass

from search.ingest.reader import DECISION_HEADING

PLACEMENTS = ("end", "mid", "own", "glued")
SEPARATOR = "__________________"


@dataclass(frozen=True)
class Layout:
    width: int
    newline: str
    indent: str  # of paragraphs and headings
    trailing: bool  # a space at the end of each unit's last line
    page_lines: int  # body lines per page, on average
    carry: float  # chance that a page's last footnote is printed on the next page
    cut: float  # chance that a page's last footnote is cut and continued on the next page

    @classmethod
    def random(cls, rng):
        """A layout drawn from `rng`."""
        return cls(
            width=rng.randint(8, 80),
            newline=rng.choice(["\n", "\r\n"]),
            indent=rng.choice([" ", "  ", "\t"]),
            trailing=rng.random() < 0.5,
            page_lines=rng.randint(4, 40),
            carry=rng.choice([0.0, 0.3]),
            cut=rng.choice([0.0, 0.5]),
        )


def _pairs(a, b):
    """Does join_pieces put a space between a line ending in `a` and one starting with `b`?"""
    return bool(a and b) and (
        (a.isascii() and a.isalnum() and (b.isascii() and b.isalnum() or "\u4e00" <= b <= "\u9fff"))
        or ("\u4e00" <= a <= "\u9fff" and b.isascii() and b.isalnum())
    )


class _Tokens:
    """A unit's text as tokens: characters, text spaces, markers and the layout's spaces."""

    def __init__(self, text, markers, rng, stats, protect=0):
        self.items = []  # (display, kind, placement of a marker)
        at = {}
        for number, offset in markers:
            at.setdefault(offset, []).append(number)
        for pos in range(len(text) + 1):
            for k, number in enumerate(at.get(pos, ())):
                placement = rng.choice(PLACEMENTS)
                if k + 1 < len(at[pos]) and placement == "glued":
                    placement = "mid"  # two markers glued together would read as one number
                stats[placement] += 1
                self.items.append((str(number), "marker", placement))
                if placement == "mid" and pos < len(text):
                    self.items.append((" ", "layout", None))
            if pos < len(text):
                ch = text[pos]
                self.items.append((ch, "space" if ch == " " else "char", None))
        self.protect = protect  # no break among the first tokens ("49. 与…")

    def _neighbours(self, k):
        """The text characters either side of a break before token k (markers and spaces left out)."""
        a = next((d for d, kind, _ in reversed(self.items[:k]) if kind == "char"), "")
        b = next((d for d, kind, _ in self.items[k:] if kind == "char"), "")
        return a, b

    def can_break(self, k):
        """May a line end before token k?"""
        if k <= self.protect or k >= len(self.items):
            return False
        prev, cur = self.items[k - 1], self.items[k]
        if cur[1] == "marker" and cur[2] == "end":
            return False  # (a line may start with a marker set in mid-line, as a wrap falls)
        if prev[1] == "marker" and prev[2] in ("mid", "glued") and cur[1] != "layout":
            return False
        a, b = self._neighbours(k)
        if cur[1] == "space":
            return _pairs(a, b)  # the dropped space comes back when the lines are joined
        if cur[1] == "layout":
            return True
        if prev[1] == "space":
            return False  # a line would end with the text's space; break at the space instead
        if prev[1] == "char" and cur[1] == "char" and prev[0].isascii() and cur[0].isascii():
            return False  # inside a Latin word or a number
        return not _pairs(a, b)

    def must_break(self, k):
        """Must a line end before token k?"""
        prev = self.items[k - 1] if k else None
        cur = self.items[k] if k < len(self.items) else None
        if cur and cur[1] == "marker" and cur[2] == "own" and k > 0:
            return True
        return prev is not None and prev[1] == "marker" and prev[2] in ("end", "own") and cur is not None


def _wrap(tokens, width, indent, rng, move_spaces):
    """Lines of one unit; breaks fall at allowed points, markers where their placement puts them."""
    items, lines, start, prefix = tokens.items, [], 0, indent
    while start < len(items):
        k, length, best, end = start, len(prefix.expandtabs(4)), None, len(items)
        while k < len(items):
            if k > start and tokens.must_break(k):
                end = k
                break
            if k > start and tokens.can_break(k):
                best = k
            if length + len(items[k][0]) > width and best is not None:
                end = best
                break
            length += len(items[k][0])
            k += 1
        lines.append((prefix + "".join(d for d, _, _ in items[start:end])).rstrip(" "))
        prefix, start = "", end
        if start < len(items) and items[start][1] in ("space", "layout"):
            # The space at a break is dropped, or (some extractions) starts the next line.
            prefix = " " if move_spaces and rng.random() < 0.5 else ""
            start += 1
    return lines


def _heading_kind(record, prev_kind):
    if re.match(r"^\d{1,3}\. ", record["text"]):
        return "item"
    if re.match(r"^[A-Z]\. ", record["text"]):
        return "section"
    if DECISION_HEADING.match(record["text"]):
        return "decision"
    if prev_kind == "decision" and record["text"] == record["decision"]:
        return "verdict"
    return "sub"


def _units(paragraphs, layout, rng, stats):
    """(lines, marker numbers) per paragraph record, in order."""
    prev_kind = None
    for p in paragraphs:
        markers = [(m["number"], m["offset"]) for m in p["markers"]]
        if p["kind"] == "heading":
            kind = _heading_kind(p, prev_kind)
            prev_kind = kind
            protect = {"item": len(p["text"].split(" ")[0]) + 2, "section": 3}.get(kind, 0)
            indent = {"verdict": "", "sub": layout.indent * 2}.get(kind, layout.indent)
            # A subheading ("初步程序") is short enough never to wrap in print.
            width = max(layout.width, len(indent.expandtabs(4)) + len(p["text"])) if kind == "sub" else layout.width
            tokens = _Tokens(p["text"], markers, rng, stats, protect)
            lines = _wrap(tokens, width, indent, rng, move_spaces=False)
        else:
            prev_kind = p["kind"]
            tokens = _Tokens(p["text"], markers, rng, stats)
            lines = _wrap(tokens, layout.width, layout.indent, rng, move_spaces=layout.trailing)
        yield lines, [n for n, _ in markers], p["item"]


def _footnote_lines(f, layout, rng):
    # As in the seed, a three-digit footnote number may push the indent out.
    indent = "" if f["number"] >= 100 and rng.random() < 0.5 else layout.indent
    return _wrap(_Tokens(f["text"], (), rng, Counter()), layout.width, f"{indent}{f['number']} ", rng, False)


@dataclass(frozen=True)
class Rendering:
    layout: Layout
    text: str
    stats: Counter  # marker placements, pages, footnotes carried over and cut


def render_chapter(corpus_dict, seed, **overrides):
    """The chapter of `corpus_dict` (paragraphs and footnotes as record_to_dict) in a random layout.

    :param overrides: Layout fields to set instead of drawing them ("width=8").
    """
    rng = random.Random(seed)
    layout = dataclasses.replace(Layout.random(rng), **overrides)
    stats = Counter()
    notes = {(f["item"], f["number"]): f for f in corpus_dict["footnotes"]}
    out, page, pending = [], [], []  # pending: footnote lines owed to the next footnote block

    def end_page(last=False):
        nonlocal page, pending
        block, page, pending = pending + page, [], []
        if not last and block and block[-1][0] and rng.random() < layout.carry:
            pending.append(block.pop())
            stats["carried"] += 1
        if not last and block and block[-1][0] and len(block[-1][1]) > 1 and rng.random() < layout.cut:
            number, lines = block.pop()
            block.append((number, lines[:1]))
            pending.insert(0, (None, lines[1:]))  # the rest opens the next page's footnotes
            stats["cut"] += 1
        if block:
            stats["pages"] += 1
            out.append(SEPARATOR + (" " if layout.trailing else ""))
            out.extend(line for _, lines in block for line in lines)

    for lines, numbers, item in _units(corpus_dict["paragraphs"], layout, rng, stats):
        if layout.trailing:
            lines = lines[:-1] + [lines[-1] + " "]
        for line in lines:
            out.append(line)
            if rng.random() < 1 / layout.page_lines:
                end_page()
        page.extend((n, _footnote_lines(notes[(item, n)], layout, rng)) for n in numbers)
    end_page(last=True)
    return Rendering(layout, layout.newline.join(out) + layout.newline, stats)
