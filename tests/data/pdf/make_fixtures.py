"""Make the fixture PDFs of tests/data/pdf/ from the text chapters, with four real producers.

    .venv/bin/python tests/data/pdf/make_fixtures.py                  # all fixtures
    .venv/bin/python tests/data/pdf/make_fixtures.py --only writer-seed-1col --only ...
    .venv/bin/python tests/data/pdf/make_fixtures.py --list

Each fixture is made from a text chapter (the seed, or tests/data/three_items.txt) parsed by
search.corpus.parse_chapter, so it prints exactly the source's headings, paragraphs, decision
clauses, footnote markers and footnotes. The document handed to the producer (.fodt, .html,
.tex) is kept beside the PDF; reportlab draws directly. fixtures.json records for every PDF
its source, producer and version, and the layout choices it exercises (tags, see README.md).
After making a PDF the script checks that every character of the source is in it (nothing
clipped or lost), so a fixture that does not carry its whole text is never written.

Needs: soffice (libreoffice-writer-nogui), chromium, xelatex with ctex (texlive-xetex,
texlive-lang-chinese), fonts-noto-cjk, fonts-arphic-gbsn00lp; reportlab and fontTools (the
test extras). CI needs none of them: the PDFs are committed.
"""
import argparse
import json
import sys
import unicodedata
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

import pypdfium2 as pdfium  # noqa: E402

import chromium_html  # noqa: E402
import fonts  # noqa: E402
import reportlab_pdf  # noqa: E402
import writer_odt  # noqa: E402
import xelatex_tex  # noqa: E402
from chapter_model import load_chapter  # noqa: E402

SOURCES = {
    "seed": ROOT / "seeds" / "000_433e06851ef59419.txt",
    "three": ROOT / "tests" / "data" / "three_items.txt",
}
JOB = "09-25533 (C)"
MANIFEST = HERE / "fixtures.json"


@dataclass(frozen=True)
class Fixture:
    name: str
    source: str  # a key of SOURCES
    producer: str  # writer | chromium | reportlab | xelatex
    layout: object
    features: tuple = field(default_factory=tuple)


_A5_WRITER = ("14.8cm", "21cm")
_A5_HTML = ("148mm", "210mm")

FIXTURES = [
    # LibreOffice Writer: real footnotes, numbered per item by Writer's per-chapter restart.
    Fixture("writer-seed-1col", "seed", "writer",
            writer_odt.WriterLayout(running=True, font="Droid Sans Fallback"),
            ("columns:1", "notes:page", "markers:superscript", "numbering:per-chapter", "justify:inter-character",
             "headings:bold-body-size", "bold:synthetic", "running-heads", "font:embedded-subset",
             "font:truetype-8bit", "order:natural", "page:a4")),
    # Notes in 8.4 pt: in 8.5, Writer breaks note 100's "第2页" (no space in the source) after the
    # "2", where the PDF cannot say that no space stood (see chapter_model.junction).
    Fixture("writer-seed-2col-labels", "seed", "writer",
            writer_odt.WriterLayout(columns=2, labels=True, font="WenQuanYi Micro Hei", note=8.4),
            ("columns:2", "notes:column", "markers:superscript", "numbering:custom-labels", "justify:inter-character",
             "headings:bold-body-size", "bold:synthetic", "font:embedded-subset", "font:truetype-8bit",
             "order:natural", "page:a4")),
    Fixture("writer-three-2col-section", "three", "writer",
            writer_odt.WriterLayout(columns=2, section_columns=True, running=True),
            ("columns:2", "columns:section", "notes:page", "markers:superscript", "numbering:per-chapter",
             "justify:inter-character", "headings:bold-body-size", "running-heads", "font:embedded-subset",
             "font:cff-as-type1", "order:natural", "page:a4")),
    Fixture("writer-three-a5", "three", "writer",
            writer_odt.WriterLayout(page=_A5_WRITER, margins="1.5cm", running=True),
            ("columns:1", "notes:page", "markers:superscript", "numbering:per-chapter", "justify:inter-character",
             "headings:bold-body-size", "running-heads", "font:embedded-subset", "font:cff-as-type1",
             "order:natural", "page:a5")),
    # Chromium print-to-PDF: our own pagination (paginate.js), Chromium's line layout.
    Fixture("chromium-seed-1col-sup", "seed", "chromium",
            chromium_html.HtmlLayout(marker="sup", running=True, droid=True),
            ("columns:1", "notes:page", "markers:superscript", "justify:inter-character", "headings:bold-body-size",
             "running-heads", "font:embedded-subset", "font:truetype-cid", "order:natural", "page:a4")),
    Fixture("chromium-seed-2col-raised", "seed", "chromium",
            chromium_html.HtmlLayout(columns=2, marker="raised", justify="letter-spacing", droid=True),
            ("columns:2", "notes:column", "markers:raised", "justify:letter-spacing", "headings:bold-body-size",
             "font:embedded-subset", "font:truetype-cid", "order:natural", "page:a4")),
    Fixture("chromium-three-multicol-valign", "three", "chromium",
            chromium_html.HtmlLayout(multicol=True, marker="valign", running=True),
            ("columns:2", "columns:css-multicol", "notes:page", "markers:vertical-align", "justify:inter-character",
             "headings:bold-body-size", "running-heads", "font:embedded-subset", "font:truetype-cid",
             "order:natural", "page:a4")),
    Fixture("chromium-three-1col-spaced", "three", "chromium",
            chromium_html.HtmlLayout(page=_A5_HTML, margin="15mm 14mm", marker="sup", spaced=True, running=True),
            ("columns:1", "notes:page", "markers:superscript", "justify:space-gaps", "headings:bold-body-size",
             "running-heads", "font:embedded-subset", "font:truetype-cid", "order:natural", "page:a5")),
    # reportlab: our own typesetter, the PDF operators the others never use.
    Fixture("reportlab-seed-2col-shuffled", "seed", "reportlab",
            reportlab_pdf.RlLayout(columns=2, notes="column", marker="rise", justify="tc", font="cid",
                                   shuffle=True, running=True),
            ("columns:2", "notes:column", "markers:text-rise", "justify:char-spacing", "headings:bold-body-size",
             "bold:stroked", "running-heads", "font:not-embedded", "order:shuffled", "page:a4")),
    Fixture("reportlab-seed-2col-spaces", "seed", "reportlab",
            reportlab_pdf.RlLayout(columns=2, notes="page", marker="baseline", justify="spaces", font="cid"),
            ("columns:2", "notes:page", "notes:continued", "markers:raised", "justify:space-glyphs",
             "justify:char-spacing", "headings:bold-body-size", "bold:stroked", "font:not-embedded", "order:natural", "page:a4")),
    Fixture("reportlab-three-a5-shuffled", "three", "reportlab",
            reportlab_pdf.RlLayout(page=(420.0, 595.0), margin=40.0, marker="rise", justify="tc", font="ttf",
                                   shuffle=True, running=True, seed=11),
            ("columns:1", "notes:page", "markers:text-rise", "justify:char-spacing",
             "headings:bold-body-size", "bold:stroked", "running-heads", "font:embedded-subset",
             "font:truetype-8bit", "order:shuffled", "page:a5")),
    # XeLaTeX + ctex: TeX's own footnotes and page builder; no space glyphs at all.
    Fixture("xelatex-seed-2col", "seed", "xelatex",
            xelatex_tex.TexLayout(twocolumn=True, running=True, font="noto"),
            ("columns:2", "notes:column", "markers:superscript", "note-numbers:raised", "numbering:counter-reset",
             "justify:inter-character", "headings:bold-body-size", "running-heads", "spaces:none",
             "font:embedded-subset", "font:cff-cid", "order:natural", "page:a4")),
    Fixture("xelatex-three-1col", "three", "xelatex",
            xelatex_tex.TexLayout(paper="a5paper", margin="1.6cm", baseline_note_numbers=True, font="noto"),
            ("columns:1", "notes:page", "markers:superscript", "note-numbers:baseline", "numbering:counter-reset",
             "justify:inter-character", "headings:bold-body-size", "spaces:none", "font:embedded-subset",
             "font:cff-cid", "order:natural", "page:a5")),
    Fixture("xelatex-three-2col", "three", "xelatex",
            xelatex_tex.TexLayout(twocolumn=True, paper="a5paper", margin="1.2cm", running=True),
            ("columns:2", "notes:column", "markers:superscript", "note-numbers:raised", "numbering:counter-reset",
             "justify:inter-character", "headings:bold-body-size", "running-heads", "spaces:none",
             "font:embedded-subset", "font:cff-cid-no-tounicode", "order:natural", "page:a5")),
]

_VERSIONS = {}


def _version(producer):
    if producer not in _VERSIONS:
        module = {"writer": writer_odt, "chromium": chromium_html, "reportlab": reportlab_pdf,
                  "xelatex": xelatex_tex}[producer]
        _VERSIONS[producer] = module.version()
    return _VERSIONS[producer]


def _expected_chars(chapter):
    """Every character the PDF must show (markers and note numbers included), spaces aside."""
    text = [b.text + "".join(str(m) for m in b.markers) for b in chapter.blocks]
    text += [f"{n.number}{n.text}" for n in chapter.notes]
    return Counter(_chars("".join(text)))


def _chars(text):
    return [ch for ch in unicodedata.normalize("NFKC", text) if not ch.isspace()]


def check_text(pdf_path, chapter):
    """(pages, extra characters): raises when a character of the source is missing from the PDF."""
    pdf = pdfium.PdfDocument(str(pdf_path))
    got = Counter()
    try:
        for page in pdf:
            textpage = page.get_textpage()
            got.update(_chars(textpage.get_text_range()))
            textpage.close()
            page.close()
        pages = len(pdf)
    finally:
        pdf.close()
    expected = _expected_chars(chapter)
    missing = expected - got
    if missing:
        raise RuntimeError(f"{pdf_path.name}: characters of the source missing from the PDF: {dict(missing)}")
    return pages, "".join(sorted((got - expected).elements()))


def make(fixture, chapters):
    """Make one fixture; returns its fixtures.json entry."""
    chapter = chapters[fixture.source]
    pdf = HERE / f"{fixture.name}.pdf"
    intermediate = None
    if fixture.producer == "writer":
        intermediate = HERE / f"{fixture.name}.fodt"
        writer_odt.write_fodt(chapter, fixture.layout, intermediate, job=JOB)
        writer_odt.convert(intermediate, pdf)
    elif fixture.producer == "chromium":
        generator = HERE / "build" / f"{fixture.name}.html"
        generator.parent.mkdir(exist_ok=True)
        intermediate = HERE / f"{fixture.name}.html"
        chromium_html.write_html(chapter, fixture.layout, generator, job=JOB)
        # The fonts folder sits beside both HTML files (relative URL "fonts/...").
        chromium_html.convert(generator, pdf, intermediate)
    elif fixture.producer == "reportlab":
        reportlab_pdf.write_pdf(chapter, fixture.layout, pdf, job=JOB)
    elif fixture.producer == "xelatex":
        intermediate = HERE / f"{fixture.name}.tex"
        xelatex_tex.write_tex(chapter, fixture.layout, intermediate)
        xelatex_tex.convert(intermediate, pdf)
    pages, extra = check_text(pdf, chapter)
    return {
        "file": pdf.name,
        "source": SOURCES[fixture.source].relative_to(ROOT).as_posix(),
        "producer": fixture.producer,
        "producer_version": _version(fixture.producer),
        "intermediate": intermediate.name if intermediate else None,
        "features": list(fixture.features),
        "layout": {k: v for k, v in asdict(fixture.layout).items()},
        "running_heads": [JOB, "{page}"] if "running-heads" in fixture.features else [],
        "pages": pages,
        "bytes": pdf.stat().st_size,
        "extra_characters": extra,  # drawn but not in the source: the running heads
    }


def main(argv=None):
    """Make the fixtures asked for (all by default) and update fixtures.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", metavar="NAME", help="make only this fixture (repeatable)")
    parser.add_argument("--list", action="store_true", help="list the fixtures and exit")
    args = parser.parse_args(argv)
    names = [f.name for f in FIXTURES]
    if args.list:
        print("\n".join(names))
        return 0
    unknown = set(args.only or ()) - set(names)
    if unknown:
        parser.error(f"unknown fixture(s): {', '.join(sorted(unknown))}")
    chosen = [f for f in FIXTURES if not args.only or f.name in args.only]
    chapters = {key: load_chapter(path) for key, path in SOURCES.items()}
    if any(f.producer == "chromium" for f in chosen):
        text = "".join(b.text for c in chapters.values() for b in c.blocks)
        text += "".join(n.text for c in chapters.values() for n in c.notes) + JOB
        fonts.write_subsets(text, HERE / "fonts")
        link = HERE / "build" / "fonts"
        link.parent.mkdir(exist_ok=True)
        if not link.exists():
            link.symlink_to("../fonts")
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8")) if MANIFEST.exists() else {}
    for fixture in chosen:
        entry = make(fixture, chapters)
        manifest[fixture.name] = entry
        print(f"{fixture.name}: {entry['pages']} pages, {entry['bytes']} bytes", file=sys.stderr)
    manifest = {name: manifest[name] for name in names if name in manifest}
    MANIFEST.write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
