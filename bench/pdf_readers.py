"""How exactly PDF readers give back the text of the fixture PDFs in tests/data/pdf/ (not a test).

    .venv/bin/python bench/pdf_readers.py                          # every fixture, every reader
    .venv/bin/python bench/pdf_readers.py --fixture writer-seed-1col --reader pdfminer-default
    .venv/bin/python bench/pdf_readers.py --json out.json          # also every figure as JSON

Each fixture was made from a text chapter (tests/data/pdf/fixtures.json names it), so what a
reader should give back is known exactly. For every fixture and reader:

- body: the source's headings, paragraphs and decision clauses in order, footnote markers as
  the digits they are printed as, against the reader's text (its footnotes and the running
  heads the fixture prints taken out). Both are put in one canonical form: NFKC, whitespace
  removed except one space between two Latin letters or digits ("Resumption 1"). `ratio` is
  difflib's SequenceMatcher ratio; `blocks` counts the source blocks found whole and in order
  (a marker may be missing or present), `whole` those found whole anywhere.
- notes: the source's footnotes (number and text) found whole, each occurrence used once.
- cjk_spaces: spaces left between two Chinese characters in the reader's raw text (line
  breaks do not count).
- pages/s: the reader's time on the file (one run; subprocess start included for poppler).

The project's own reader ("ours": search.ingest.pdf.read_pdf_text, then search.reference.resolve.parse_chapter
on the PDF) is also compared record by record: headings, paragraphs and footnotes exactly equal
(kind, item, section, meeting, text and markers; item, number and text).

`compare(pdf_path, text_path)` is the reusable part: a future test can import it.
"""
import argparse
import difflib
import json
import logging
import re
import statistics
import subprocess
import sys
import time
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path.insert(0, str(ROOT))

from search.reference.resolve import parse_chapter  # noqa: E402
from search.errors import CorpusError  # noqa: E402

FIXTURE_DIR = ROOT / "tests" / "data" / "pdf"
# pdfminer logs a warning for every font descriptor without a FontBBox (Skia's Type 3 fonts).
logging.getLogger("pdfminer").setLevel(logging.ERROR)
SENTINEL = re.compile("\ue000(\\d+)\ue001")
_HAN = "\u2e80-\u2fdf\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_SPACE = re.compile(f"(?<=[{_HAN}\u3000-\u303f\uff00-\uffef])[ \t\u3000\u00a0]+(?=[{_HAN}\u3000-\u303f\uff00-\uffef])")
_KEEP_SPACE = re.compile(r"(?<=[A-Za-z0-9])\s+(?=[A-Za-z0-9])")


def canonical(text, lines=False):
    """NFKC, no whitespace but one space between two Latin letters or digits.

    :param lines: keep a line break (as "\\n") where the whitespace removed held one.
    """
    text = unicodedata.normalize("NFKC", text)
    text = _KEEP_SPACE.sub("\0", text)
    if lines:
        text = re.sub(r"\s*\n\s*", "\n", text)
    return re.sub(r"[^\S\n]+" if lines else r"\s+", "", text).replace("\0", " ")


# ---------------------------------------------------------------- what the source says


def source_records(text_path):
    """(blocks, notes) of a text chapter: blocks as (kind, item, runs), notes as (item, number, text)."""
    corpus = parse_chapter(text_path, strict=True)
    blocks = []
    for p in corpus.paragraphs:
        runs, at = [], 0
        for number, offset in p.marker_offsets:
            runs += [p.text[at:offset], number]
            at = offset
        runs.append(p.text[at:])
        blocks.append((p.kind, p.item, runs))
    notes = [(f.item, f.number, f.text) for f in corpus.footnotes]
    return blocks, notes, corpus


def _block_pattern(runs):
    # Markers may come out as digits where they stand, or not at all.
    parts = []
    for run in runs:
        if isinstance(run, int):
            parts.append(f"(?: ?{run})?")
        else:
            parts.append(re.escape(canonical(run)))
    return re.compile("".join(parts))


def _note_pattern(number, text):
    # Over the reader's lines: a line break may stand between any two characters.
    return re.compile(f"(?<![0-9]){number}[ \n]?" + "\n?".join(re.escape(ch) for ch in canonical(text)))


# ---------------------------------------------------------------- the readers


def _read_ours(path):
    from search.ingest.pdf import read_pdf_text

    text, _ = read_pdf_text(path)
    # The chapter text's rules before each page's notes are layout, not text.
    return [re.sub(r"(?m)^_{5,}$", "", SENTINEL.sub(r"\1", text))]


def _read_pdfminer(path, **params):
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTTextContainer

    pages = []
    for layout in extract_pages(str(path), laparams=LAParams(**params)):
        pages.append("\n".join(el.get_text() for el in layout if isinstance(el, LTTextContainer)))
    return pages


def _read_pdfplumber(path, words=False, **params):
    import pdfplumber

    pages = []
    with pdfplumber.open(str(path)) as pdf:
        for page in pdf.pages:
            if words:
                # Words in the order extract_words gives them, a line break where the top changes.
                out, top = [], None
                for w in page.extract_words(**params):
                    if top is not None and abs(w["top"] - top) > 2:
                        out.append("\n")
                    elif top is not None:
                        out.append(" ")
                    out.append(w["text"])
                    top = w["top"]
                pages.append("".join(out))
            else:
                pages.append(page.extract_text(**params) or "")
    return pages


def _read_pdftotext(path, *args):
    out = subprocess.run(["pdftotext", *args, str(path), "-"], capture_output=True, text=True, check=True).stdout
    pages = out.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def _read_bbox_layout(path):
    out = subprocess.run(["pdftotext", "-bbox-layout", str(path), "-"], capture_output=True, text=True,
                         check=True).stdout
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    root = ET.fromstring(out)
    pages = []
    for page in root.iterfind(".//x:page", ns):
        blocks = []
        for block in page.iterfind(".//x:block", ns):
            lines = [" ".join(w.text or "" for w in line.iterfind("x:word", ns)) for line in block.iterfind("x:line", ns)]
            blocks.append("\n".join(lines))
        pages.append("\n\n".join(blocks))
    return pages


READERS = {
    "ours": _read_ours,
    "pdfminer-default": lambda p: _read_pdfminer(p),
    "pdfminer-flow1": lambda p: _read_pdfminer(p, boxes_flow=1.0),
    "pdfminer-noflow": lambda p: _read_pdfminer(p, boxes_flow=None),
    # Lines further apart than LAParams' default 0.5 line heights still make one box: CJK
    # fonts' descriptors give pdfminer short character boxes, so each line was a box of its own.
    "pdfminer-lm2": lambda p: _read_pdfminer(p, line_margin=2.0),
    "pdfminer-lm2-wm1": lambda p: _read_pdfminer(p, line_margin=2.0, word_margin=1.0),
    "pdfplumber-default": lambda p: _read_pdfplumber(p),
    "pdfplumber-flow": lambda p: _read_pdfplumber(p, use_text_flow=True),
    "pdfplumber-words-xtol1": lambda p: _read_pdfplumber(p, words=True, x_tolerance=1, use_text_flow=True),
    "pdftotext": lambda p: _read_pdftotext(p),
    "pdftotext-layout": lambda p: _read_pdftotext(p, "-layout"),
    "pdftotext-raw": lambda p: _read_pdftotext(p, "-raw"),
    "pdftotext-bbox-layout": _read_bbox_layout,
}


# ---------------------------------------------------------------- measuring


def _without_running_heads(pages, running):
    """The pages' text with the fixture's running heads (job number, page number lines) taken out."""
    out = []
    job = [r for r in running if r != "{page}"]
    for number, text in enumerate(pages, 1):
        lines = text.split("\n")
        if running:
            lines = [line for line in lines if line.strip() not in job]
            # The page number: a line of its own, first or last among the page's lines.
            filled = [i for i, line in enumerate(lines) if line.strip()]
            for i in (filled[:1] + filled[-1:]) if "{page}" in running else []:
                if lines[i].strip() in (str(number), f"- {number} -"):
                    lines[i] = ""
        out.append("\n".join(lines))
    return out


def measure_text(pages, blocks, notes, running=()):
    """The text measures of one reader's pages against the source's blocks and notes."""
    raw = "\n".join(pages)
    cjk_spaces = len(_CJK_SPACE.findall(raw))
    text = canonical("\n".join(_without_running_heads(pages, running)), lines=True)
    # Notes first: each found note is cut out, so that the body around it joins up again.
    found_notes, spans = 0, []
    for item, number, note in notes:
        for m in _note_pattern(number, note).finditer(text):
            if not any(s < m.end() and m.start() < e for s, e in spans):
                spans.append((m.start(), m.end()))
                found_notes += 1
                break
    pieces, last = [], 0
    for start, end in sorted(spans):
        pieces.append(text[last:start])
        last = end
    body = ("".join(pieces) + text[last:]).replace("\n", "")
    expected = canonical("".join("".join(str(r) for r in runs) for _, _, runs in blocks))
    ratio = difflib.SequenceMatcher(None, expected, body, autojunk=False).ratio()
    in_order = whole = 0
    at = 0
    for _, _, runs in blocks:
        pattern = _block_pattern(runs)
        m = pattern.search(body, at)
        if m:
            in_order += 1
            whole += 1
            at = m.end()
        elif pattern.search(body):
            whole += 1
    return {
        "ratio": round(ratio, 4),
        "blocks_in_order": in_order,
        "blocks_whole": whole,
        "blocks": len(blocks),
        "notes_whole": found_notes,
        "notes": len(notes),
        "cjk_spaces": cjk_spaces,
    }


def _record_key(p):
    return (p.kind, p.item, p.section, p.meeting, p.text, tuple(p.footnotes))


def compare_records(pdf_path, expected):
    """Our reader, record by record: how many of the source's records come out exactly equal."""
    try:
        got = parse_chapter(pdf_path)
    except CorpusError as exc:
        return {"error": str(exc), "headings_equal": 0, "paragraphs_equal": 0, "footnotes_equal": 0,
                "warnings": 0, "mismatches": []}

    def matched(a, b):
        sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
        return sum(block.size for block in sm.get_matching_blocks()), sm

    src_h = [_record_key(p) for p in expected.paragraphs if p.kind == "heading"]
    got_h = [_record_key(p) for p in got.paragraphs if p.kind == "heading"]
    src_p = [_record_key(p) for p in expected.paragraphs if p.kind != "heading"]
    got_p = [_record_key(p) for p in got.paragraphs if p.kind != "heading"]
    src_f = [(f.item, f.number, f.text) for f in expected.footnotes]
    got_f = [(f.item, f.number, f.text) for f in got.footnotes]
    h, _ = matched(src_h, got_h)
    p, sm = matched(src_p, got_p)
    f, _ = matched(src_f, got_f)
    # The text alone (and its markers), whatever kind, section or meeting the record got.
    t, _ = matched([(k[4], k[5]) for k in map(_record_key, expected.paragraphs)],
                   [(k[4], k[5]) for k in map(_record_key, got.paragraphs)])
    missing = set(src_p) - set(got_p)
    return {
        "headings_equal": h, "headings": len(src_h), "headings_read": len(got_h),
        "paragraphs_equal": p, "paragraphs": len(src_p), "paragraphs_read": len(got_p),
        "footnotes_equal": f, "footnotes": len(src_f), "footnotes_read": len(got_f),
        "texts_equal": t, "records": len(expected.paragraphs),
        "warnings": len(got.warnings),
        "warning_samples": list(got.warnings[:8]),
        "mismatches": [k[4][:40] for k in src_p if k in missing][:8],
        "footnotes_missing": [fn for fn in src_f if fn not in set(got_f)][:8],
    }


_CLASSES = (
    "equal", "kind/meeting lost", "heading read as text", "split clause", "split paragraph",
    "merged", "spacing differs", "markers", "other",
)


def _split_at(texts, start, target):
    """How many consecutive texts from `start` make up `target` exactly (0 when none do)."""
    joined = ""
    for k in range(start, min(start + 12, len(texts))):
        joined += texts[k]
        if joined == target:
            return k - start + 1
        if not target.startswith(joined):
            return 0
    return 0


def diagnose(pdf_path, text_path):
    """Our reader: what became of each source record and footnote (classes with examples).

    :returns: {"records": {class: count}, "footnotes": {class: count}, "examples": {class: [text, ...]}}
    """
    _, _, expected = source_records(Path(text_path))
    try:
        got = parse_chapter(Path(pdf_path))
    except CorpusError as exc:
        return {"error": str(exc)}
    keys = [_record_key(p) for p in got.paragraphs]
    texts = [p.text for p in got.paragraphs]
    nospace = [re.sub(r"\s+", "", t) for t in texts]
    records, examples = {c: 0 for c in _CLASSES}, {}
    for p in expected.paragraphs:
        key = _record_key(p)
        if key in keys:
            cls = "equal"
        elif p.text in texts:
            i = texts.index(p.text)
            cls = "heading read as text" if p.kind == "heading" and got.paragraphs[i].kind != "heading" \
                else "kind/meeting lost"
        elif any(_split_at(texts, i, p.text) for i in range(len(texts))):
            cls = "split clause" if p.kind == "decision" else "split paragraph"
        elif any(p.text in t and len(t) > len(p.text) for t in texts):
            cls = "merged"
        elif re.sub(r"\s+", "", p.text) in nospace:
            cls = "spacing differs"
        elif re.sub(r"[\s\d]+", "", p.text) in [re.sub(r"\d+", "", t) for t in nospace]:
            cls = "markers"
        else:
            cls = "other"
        records[cls] += 1
        examples.setdefault(cls, []).append(p.text[:30])
    notes = {"equal": 0, "other item": 0, "text differs": 0, "missing": 0}
    got_notes = {(f.item, f.number): f.text for f in got.footnotes}
    by_text = {(f.number, f.text) for f in got.footnotes}
    for f in expected.footnotes:
        if got_notes.get((f.item, f.number)) == f.text:
            notes["equal"] += 1
        elif (f.number, f.text) in by_text:
            notes["other item"] += 1
        elif (f.item, f.number) in got_notes:
            notes["text differs"] += 1
            examples.setdefault("note text differs", []).append(f"{f.number} {got_notes[(f.item, f.number)][:40]}")
        else:
            notes["missing"] += 1
    return {"records": records, "footnotes": notes, "warnings": len(got.warnings),
            "examples": {k: v[:4] for k, v in examples.items() if k != "equal"}}


def compare(pdf_path, text_path, reader="ours", running=None):
    """Measure how exactly `reader` gives back the text chapter `text_path` from `pdf_path`.

    :param running: the running heads the PDF prints (["09-25533 (C)", "{page}"]); by default
        those fixtures.json records for the file.
    :returns: {"reader", "pages", "seconds", "pages_per_s", "ratio", "blocks_in_order", "blocks_whole",
        "blocks", "notes_whole", "notes", "cjk_spaces"} and, for "ours", "records" (compare_records).
    """
    pdf_path, text_path = Path(pdf_path), Path(text_path)
    if running is None:
        running = _manifest().get(pdf_path.stem, {}).get("running_heads", [])
    blocks, notes, expected = source_records(text_path)
    started = time.perf_counter()
    try:
        pages = READERS[reader](pdf_path)
    except Exception as exc:  # a reader that refuses the file scores nothing
        return {"reader": reader, "error": f"{type(exc).__name__}: {exc}"[:200]}
    seconds = time.perf_counter() - started
    page_count = _page_count(pdf_path)
    result = {"reader": reader, "pages": page_count, "seconds": round(seconds, 3),
              "pages_per_s": round(page_count / seconds, 1) if seconds else None}
    result.update(measure_text(pages, blocks, notes, [] if reader == "ours" else running))
    if reader == "ours":
        result["records"] = compare_records(pdf_path, expected)
    return result


def _page_count(path):
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        return len(pdf)
    finally:
        pdf.close()


def _manifest():
    path = FIXTURE_DIR / "fixtures.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


# ---------------------------------------------------------------- the report


def _pivot(results, fixtures, readers, cell):
    lines = ["| fixture | " + " | ".join(readers) + " |", "|---" * (len(readers) + 1) + "|"]
    for name in fixtures:
        row = []
        for reader in readers:
            r = results[name][reader]
            row.append("error" if "error" in r else cell(r))
        lines.append(f"| {name} | " + " | ".join(row) + " |")
    return "\n".join(lines)


def report(results, fixtures, readers):
    """Markdown: a summary per reader, then one table per measure (fixtures x readers)."""
    out = ["| reader | body ratio (mean) | blocks in order | blocks whole | notes whole | CJK spaces | pages/s (median) | errors |",
           "|---|---|---|---|---|---|---|---|"]
    for reader in readers:
        rs = [results[f][reader] for f in fixtures]
        ok = [r for r in rs if "error" not in r]
        blocks = sum(r["blocks"] for r in ok) or 1
        notes = sum(r["notes"] for r in ok) or 1
        out.append(
            f"| {reader} | {statistics.mean(r['ratio'] for r in ok):.3f} | "
            f"{sum(r['blocks_in_order'] for r in ok)}/{sum(r['blocks'] for r in ok)} ({100 * sum(r['blocks_in_order'] for r in ok) / blocks:.0f}%) | "
            f"{100 * sum(r['blocks_whole'] for r in ok) / blocks:.0f}% | "
            f"{sum(r['notes_whole'] for r in ok)}/{sum(r['notes'] for r in ok)} ({100 * sum(r['notes_whole'] for r in ok) / notes:.0f}%) | "
            f"{sum(r['cjk_spaces'] for r in ok)} | {statistics.median(r['pages_per_s'] for r in ok):.1f} | {len(rs) - len(ok)} |"
            if ok else f"| {reader} | – | – | – | – | – | – | {len(rs)} |"
        )
    out += ["", "Body ratio:", "", _pivot(results, fixtures, readers, lambda r: f"{r['ratio']:.3f}")]
    out += ["", "Blocks whole and in order / blocks:", "",
            _pivot(results, fixtures, readers, lambda r: f"{r['blocks_in_order']}/{r['blocks']}")]
    out += ["", "Notes whole / notes:", "", _pivot(results, fixtures, readers, lambda r: f"{r['notes_whole']}/{r['notes']}")]
    out += ["", "Spaces left between Chinese characters:", "",
            _pivot(results, fixtures, readers, lambda r: str(r["cjk_spaces"]))]
    out += ["", "Pages per second:", "", _pivot(results, fixtures, readers, lambda r: f"{r['pages_per_s']}")]
    if "ours" in readers:
        out += ["", "Our reader, records exactly equal (headings, paragraphs and clauses, footnotes; warnings):", "",
                "| fixture | headings | paragraphs and clauses | footnotes | texts (any kind) | warnings | refused |",
                "|---|---|---|---|---|---|---|"]
        for name in fixtures:
            r = results[name]["ours"]
            rec = r.get("records", {"error": r.get("error")})
            if rec.get("error"):
                out.append(f"| {name} | 0 | 0 | 0 | 0 | – | {rec['error'][:80]} |")
                continue
            out.append(
                f"| {name} | {rec['headings_equal']}/{rec['headings']} ({rec['headings_read']} read) | "
                f"{rec['paragraphs_equal']}/{rec['paragraphs']} ({rec['paragraphs_read']} read) | "
                f"{rec['footnotes_equal']}/{rec['footnotes']} ({rec['footnotes_read']} read) | "
                f"{rec['texts_equal']}/{rec['records']} | {rec['warnings']} | |"
            )
    return "\n".join(out)


def diagnosis_report(manifest, fixtures):
    """Markdown: per fixture, our reader's records by class, its footnotes by fate."""
    head = ["fixture", *_CLASSES, "notes equal", "notes other item", "notes text differs", "notes missing", "warnings"]
    out = ["| " + " | ".join(head) + " |", "|---" * len(head) + "|"]
    details = []
    for name in fixtures:
        entry = manifest[name]
        d = diagnose(FIXTURE_DIR / entry["file"], ROOT / entry["source"])
        if "error" in d:
            out.append(f"| {name} | refused: {d['error']} |")
            continue
        n = d["footnotes"]
        out.append(f"| {name} | " + " | ".join(str(d["records"][c]) for c in _CLASSES)
                   + f" | {n['equal']} | {n['other item']} | {n['text differs']} | {n['missing']} | {d['warnings']} |")
        details.append(f"- {name}: " + "; ".join(f"{k}: " + " / ".join(v) for k, v in d["examples"].items()))
    return "\n".join(out + [""] + details)


def main(argv=None):
    """Measure every reader on every fixture; print Markdown tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fixture", action="append", help="a fixture name (repeatable; default: all)")
    parser.add_argument("--reader", action="append", choices=sorted(READERS), help="a reader (repeatable; default: all)")
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    parser.add_argument("--diagnose", action="store_true",
                        help="only our reader: what became of each source record (classes, examples)")
    args = parser.parse_args(argv)
    manifest = _manifest()
    fixtures = args.fixture or list(manifest)
    if args.diagnose:
        print(diagnosis_report(manifest, fixtures))
        return 0
    readers = args.reader or list(READERS)
    results = {}
    for name in fixtures:
        entry = manifest[name]
        results[name] = {}
        for reader in readers:
            results[name][reader] = compare(FIXTURE_DIR / entry["file"], ROOT / entry["source"], reader,
                                            entry.get("running_heads", []))
            r = results[name][reader]
            print(f"{name} {reader}: " + (r.get("error") or
                  f"ratio {r['ratio']}, blocks {r['blocks_in_order']}/{r['blocks']}, notes {r['notes_whole']}/{r['notes']}"),
                  file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    print(report(results, fixtures, readers))
    return 0


if __name__ == "__main__":
    sys.exit(main())
