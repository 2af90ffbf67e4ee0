"""Snippets: where the terms of a query stand in a hit's text, and the sentences around them in HTML.

Engine-neutral: every engine's hits are marked the same way, from the text as printed.
"""
import html
import re

from ..text import normalize, squash

SNIPPET_CHARS = 160

_SENTENCE_END = re.compile("[。！？；!?;]")
_NOT_SPACE = re.compile(r"\S+")


def match_spans(text, strings, norm=None):
    """Non-overlapping (start, end) offsets in `text` of the normalised, space-free `strings`.

    Spaces inside a match are inside its span: `第5649次` marks all of `第 5649 次`.

    :param norm: normalize(text), when the caller has it already.
    """
    norm = normalize(text) if norm is None else norm
    flat = squash(norm)
    if len(flat) == len(norm):  # no spaces: offsets in `flat` are offsets in `text`
        offsets = range(len(norm))
    else:
        offsets = [i for m in _NOT_SPACE.finditer(norm) for i in range(m.start(), m.end())]
    spans = []
    for s in sorted(set(strings), key=len, reverse=True):
        if not s:
            continue
        start = flat.find(s)
        while start != -1:
            spans.append((offsets[start], offsets[start + len(s) - 1] + 1))
            start = flat.find(s, start + 1)
    return _merge_intervals(sorted(spans))


def _merge_intervals(intervals):
    """Sorted (start, end) pairs with overlapping or touching ones joined."""
    merged = []
    for s, e in intervals:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def _sentences(text):
    """(start, end) of each sentence: up to and with its 。！？；!?;, and the rest of the text."""
    ends = [m.end() for m in _SENTENCE_END.finditer(text)]
    out = list(zip([0, *ends], ends))
    start = ends[-1] if ends else 0
    if start < len(text):
        out.append((start, len(text)))
    return out


def make_snippet(text, spans, limit=SNIPPET_CHARS):
    """HTML: the sentences (cut at 。！？；) holding the first matches, with <mark>…</mark>."""
    if not spans:
        cut = text[:limit]
        return html.escape(cut) + ("…" if len(text) > limit else "")
    pieces, used = [], 0
    for s0, s1 in _sentences(text):
        inside = [(s, e) for s, e in spans if s < s1 and e > s0]
        if not inside or used >= limit:
            continue
        # Grow the fragment to whole matches; shorten a long sentence around its first match.
        a, b = min(s0, inside[0][0]), max(s1, inside[-1][1])
        if b - a > limit:
            a = max(a, inside[0][0] - limit // 4)
            b = max(min(b, a + limit), inside[0][1])
        pieces.append((a, b))
        used += b - a
    merged = _merge_intervals(pieces)
    out = []
    for a, b in merged:
        frag = [] if a == 0 else ["…"]
        pos = a
        for s, e in spans:
            if e <= a or s >= b:
                continue
            s, e = max(s, a), min(e, b)
            frag.append(html.escape(text[pos:s]))
            frag.append("<mark>" + html.escape(text[s:e]) + "</mark>")
            pos = e
        frag.append(html.escape(text[pos:b]))
        if b < len(text):
            frag.append("…")
        out.append("".join(frag).strip())
    return " ".join(out)


def highlight_strings(parsed, text, norm=None):
    """The strings to mark in one hit: each term's whole string, else its words.

    :param norm: normalize(text), when the caller has it already.
    """
    norm = squash(normalize(text) if norm is None else norm)
    strings = []
    for term in parsed.positive:
        if term.senses:  # a translation or expansion: whichever of its strings stand in the text
            strings.extend(k for group in term.senses for k in group if k in norm)
        elif term.key in norm:
            strings.append(term.key)
        elif not term.exact:
            strings.extend(w for w in term.words if w in norm)
    return strings
