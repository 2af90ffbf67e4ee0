"""What the home page, the table of contents and the suggestions need of the corpus, computed when
the index is built: per chapter (kept in the manifest, so an incremental build re-counts only what
changed) and summed over the chapters (stats.json of each generation).
"""
import json
import re
from collections import Counter

from ..text import HAN
from ..words import get_jieba

PHRASES = 2000  # frequent phrases of the corpus offered as suggestions
# What a chapter's stats hold: a build re-counts a chapter whose stats (in the manifest) are of
# another version, so that an index built before a field was added gains it on its next build.
STATS_VERSION = 3  # 3: parts in the contents


def chapter_stats(documents):
    """What the home page needs of one chapter: meetings (date, decisions, units, paragraphs),
    countries, orgs, kinds, years, the documents and Charter articles cited, and its contents."""
    meetings = {}
    countries, orgs, kinds, symbols, charter, years = (Counter() for _ in range(6))
    for doc in documents:
        kinds[doc["kind"]] += 1
        countries.update(doc["country"])
        orgs.update(doc["org"])
        symbols.update(doc["symbol"])
        charter.update(doc["charter"])
        if doc["year"]:
            years[doc["year"]] += 1
        if doc["meeting"] is not None:
            m = meetings.setdefault(doc["meeting"], {"date": doc["date"], "decisions": [], "units": 0,
                                                     "paragraphs": 0})
            m["units"] += 1
            m["paragraphs"] += doc["kind"] != "footnote"  # what the meeting's page lists
            decision = doc["decision"]
            if decision and decision not in m["decisions"]:
                m["decisions"].append(decision)
    return {"meetings": meetings, "countries": dict(countries), "orgs": dict(orgs), "kinds": dict(kinds),
            "symbols": dict(symbols), "charter": dict(charter), "years": dict(years),
            "contents": chapter_contents(documents),
            "phrases": chapter_phrases(d["text"] for d in documents)}


def chapter_contents(documents):
    """A chapter's parts, items and sections in document order: [{"part", "item", "section", "title",
    "first", "last", "units"}] (a part's entry has item None and stands before the items it holds;
    an item's or section's "part" is the part it is in, or None). `first`..`last` are the positions
    (`seq`) of its headings, paragraphs and decisions among the chapter's (what a reading page walks
    through); `units` counts its records, footnotes included (a footnote belongs where the paragraph
    that first cites it stands)."""
    entries, by_key = [], {}
    for doc in documents:
        keys = [(doc["item"], None)] + ([(doc["item"], doc["section"])] if doc["section"] else [])
        for key in keys:
            if key not in by_key and doc["cls"] == "p":
                _open_entries(entries, by_key, key, json.loads(doc["data"]), doc["seq"])  # once per item, section
            entry = by_key.get(key)
            if entry is None:
                continue
            # A part holds whole items: it counts what its items count.
            for counted in (entry, by_key.get(("part", entry["part"]))) if key[1] is None else (entry,):
                if counted is not None:
                    counted["units"] += 1
                    if doc["cls"] == "p":
                        counted["last"] = doc["seq"]
    return entries


def _open_entries(entries, by_key, key, data, seq):
    """The entry of an item or section first seen at position `seq` (and of the part an item opens)."""
    part = data.get("part")
    if key[1] is None and part is not None and ("part", part) not in by_key:
        by_key["part", part] = {"part": part, "item": None, "section": None, "title": data.get("part_title") or "",
                                "first": seq, "last": seq, "units": 0}
        entries.append(by_key["part", part])
    by_key[key] = {"part": part, "item": int(key[0]), "section": key[1].split(".", 1)[1] if key[1] else None,
                   "title": data.get("section_title" if key[1] else "item_title") or "",
                   "first": seq, "last": seq, "units": 0}
    entries.append(by_key[key])


def corpus_stats(chapters):
    """The home page's figures over every chapter of a manifest (summed per-chapter stats)."""
    meetings = {}
    countries, orgs, kinds, symbols, charter, phrases, years = (Counter() for _ in range(7))
    for chapter in chapters:
        s = chapter["stats"]
        for total, key in ((countries, "countries"), (orgs, "orgs"), (kinds, "kinds"), (symbols, "symbols"),
                           (charter, "charter"), (phrases, "phrases"), (years, "years")):
            total.update(s[key])
        for number, m in s["meetings"].items():
            agg = meetings.setdefault(number, {"date": m["date"], "decisions": [], "units": 0, "paragraphs": 0})
            agg["units"] += m["units"]
            agg["paragraphs"] += m["paragraphs"]
            agg["decisions"] += [d for d in m["decisions"] if d not in agg["decisions"]]
    contents = [{"key": c["key"], "repertoire_chapter": c.get("repertoire_chapter"), "units": c["units"],
                 "entries": c["stats"]["contents"]} for c in chapters]
    entries = [e for c in contents for e in c["entries"]]
    return {
        "units": sum(c["units"] for c in chapters),
        "chapters": len(chapters),
        "parts": sum(1 for e in entries if e["item"] is None),
        "items": sum(1 for e in entries if e["item"] is not None and e["section"] is None),
        "sections": sum(1 for e in entries if e["section"] is not None),
        "meetings": [{"number": int(n), **m} for n, m in sorted(meetings.items(), key=lambda nm: int(nm[0]))],
        "countries": sorted(countries.items(), key=lambda cc: (-cc[1], cc[0])),
        "orgs": sorted(orgs.items(), key=lambda cc: (-cc[1], cc[0])),
        "kinds": dict(kinds),
        "years": sorted(years.items()),
        "symbols": dict(symbols),
        "charter": dict(charter),
        "phrases": dict(phrases.most_common(PHRASES)),
        # Every chapter's parts, items and sections, in document order: the table of contents.
        "contents": contents,
        # The Repertoire's chapters that are indexed, by number: where a cross-reference leads.
        "repertoire_chapters": {str(c["repertoire_chapter"]): c["first_id"] for c in chapters
                                if c.get("repertoire_chapter") and c.get("first_id")},
    }


# Multi-character words that say nothing about a paragraph's subject.
_STOPWORDS = frozenset(
    "他们 我们 它们 以及 一个 一些 这些 那些 这种 这个 其中 没有 可以 已经 必须 需要 应该 能够 并且 而且 但是 因为 "
    "所以 因此 以便 包括 关于 对于 根据 通过 进行 方面 问题 认为 表示 指出 强调 他说 她说 同时 之间 有关 此外 特别 "
    "还是 以及 如何 目前 今后 以来 作出".split()
)
_HAN_RUN = re.compile(f"[{HAN}]{{2,}}")


def chapter_phrases(texts, limit=100, longest=6):
    """The most frequent dictionary words (2–6 Han characters) standing in `texts`: {phrase: count}.

    A dictionary look-up at each position rather than segmenting with jieba: 40 times faster, so
    the builder can afford it for every chapter (build time counts at the size of the Repertoire).
    """
    freq = get_jieba().FREQ
    counts = Counter()
    for text in texts:
        # Runs of Han characters only: every piece of one is all Han, and none crosses punctuation.
        for run in _HAN_RUN.findall(text or ""):
            n = len(run)
            for i in range(n - 1):
                for j in range(i + 2, min(i + longest, n) + 1):
                    word = run[i:j]
                    f = freq.get(word)
                    if f is None:  # jieba keeps every prefix of its words (frequency 0): none starts so
                        break
                    if f and word not in _STOPWORDS:
                        counts[word] += 1
    return dict(sorted(counts.items(), key=lambda pc: (-pc[1], len(pc[0]), pc[0]))[:limit])
