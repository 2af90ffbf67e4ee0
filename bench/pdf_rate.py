"""Pages per second of search.ingest.pdf.read_pdf_text on a ~100-page chapter PDF (the seed, repeated).

    .venv/bin/python bench/pdf_rate.py                    # ~100 pages (one column), 7 runs, four layouts
    .venv/bin/python bench/pdf_rate.py --repeat 12 --runs 5 --layout one-column

The PDF is typeset with tests/pdf_fixtures.py (reportlab) into bench/out/pdf/. Each run reads
the whole file once in this process; the figure is pages / seconds (median and p90 of the
runs, p90 being the slow end). A profile of one run goes to stderr with --profile.
"""
import argparse
import cProfile
import pstats
import statistics
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))
from pdf_fixtures import LAYOUTS, Layout, write_chapter_pdf  # noqa: E402

from search.reference.resolve import parse_chapter  # noqa: E402
from search.ingest.pdf import read_pdf_text  # noqa: E402

SEED = ROOT / "seeds" / "000_433e06851ef59419.txt"
OUT = BENCH_DIR / "out" / "pdf"
# The Repertoire's own pages: A4, two columns, an embedded font. pdfium reads a page set in
# reportlab's non-embedded STSong-Light CID font several times slower (its CMap lookups).
REPERTOIRE_LIKE = Layout("a4-two-columns-embedded-font", columns=2, span_headings=True, justify=True,
                         running=True, font="noto", page=(595.0, 842.0))
DEFAULT_LAYOUTS = ("one-column", "embedded-noto-font", "two-columns-spanning-headings", REPERTOIRE_LIKE.name)


def measure(layout, repeat, runs, profile=False):
    """{"layout", "pages", "median", "p90"}: pages/s of read_pdf_text on the seed typeset `repeat` times."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{layout.name}-x{repeat}.pdf"
    stats = write_chapter_pdf(path, layout, parse_chapter(SEED), repeat=repeat, font_dir=OUT)
    read_pdf_text(path)  # warm: the library, the font caches, the file in the page cache
    rates = []
    for _ in range(runs):
        started = time.perf_counter()
        read_pdf_text(path)
        rates.append(stats["pages"] / (time.perf_counter() - started))
    if profile:
        profiler = cProfile.Profile()
        profiler.runcall(read_pdf_text, path)
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(15)
    # p90 of the time per run is the 10th percentile of the rate.
    slow = sorted(rates)[max(0, len(rates) - 1 - int(0.9 * (len(rates) - 1)))]
    return {"layout": layout.name, "pages": stats["pages"], "median": statistics.median(rates), "p90": slow}


def main(argv=None):
    """Print a Markdown table of pages/s per layout."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--layout", action="append", help="layout name (repeatable; default: four of them)")
    parser.add_argument("--repeat", type=int, default=6, help="copies of the seed (6 is ~100 pages one-column)")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args(argv)
    by_name = {layout.name: layout for layout in [*LAYOUTS, REPERTOIRE_LIKE]}
    names = args.layout or DEFAULT_LAYOUTS
    print("| layout | pages | pages/s median | pages/s p90 (slow end) |")
    print("|---|---:|---:|---:|")
    for name in names:
        r = measure(by_name[name], args.repeat, args.runs, args.profile)
        print(f"| {r['layout']} | {r['pages']} | {r['median']:.1f} | {r['p90']:.1f} |", flush=True)


if __name__ == "__main__":
    main()
