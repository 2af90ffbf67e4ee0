"""Chapter PDFs -> the same records as the chapter text; bad PDFs refused in one line.

The PDFs are typeset at test time from the seed's own records (tests/pdf_fixtures.py), so
each layout must give back exactly the seed's records.
"""
import os
import subprocess
import sys

import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageDraw
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas

from conftest import records_without_source
from pdf_fixtures import JOB_NUMBER, LAYOUTS, RUNNING_TITLE, Layout, write_chapter_pdf
from pdf_fonts import register_cid
from search.reference.resolve import parse_chapter
from search.errors import CorpusError
from search.index.build import build_index
from search.query.searcher import open_searcher
from search.query.params import SearchParams
from search.ingest.pdf import read_pdf_text
from search.index.store import current_generation
from paths import ROOT

SEED = ROOT / "seeds" / "000_433e06851ef59419.txt"
KEY = SEED.stem


@pytest.fixture(scope="session")
def seed():
    return parse_chapter(SEED)


@pytest.fixture(scope="session")
def pdf_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("pdf")


@pytest.fixture(scope="session")
def typeset(seed, pdf_dir):
    """typeset(layout) -> (path, stats): the seed as a PDF named like the seed (so the same ids), once per layout."""
    made = {}

    def make(layout):
        if layout.name not in made:
            folder = pdf_dir / layout.name
            folder.mkdir()
            path = folder / f"{KEY}.pdf"
            made[layout.name] = path, write_chapter_pdf(path, layout, seed, font_dir=pdf_dir)
        return made[layout.name]

    return make


# ---------------------------------------------------------------- layouts


@pytest.mark.parametrize("layout", LAYOUTS, ids=[layout.name for layout in LAYOUTS])
def test_layout_parses_to_exactly_the_seeds_records(seed, typeset, layout):
    path, _ = typeset(layout)
    corpus = parse_chapter(path)
    assert corpus.warnings == ()
    assert records_without_source(corpus) == records_without_source(seed)


def test_the_layouts_exercise_what_they_are_named_for(typeset):
    continued = {layout.name: typeset(layout)[1]["continued_footnotes"] > 0 for layout in LAYOUTS
                 if layout.name in ("small-pages-footnotes-continued", "embedded-noto-font")}
    # small pages: footnotes go on in the next column and on the next page; one column: on the next page.
    assert continued == {"small-pages-footnotes-continued": True, "embedded-noto-font": True}


def test_kangxi_radicals_and_compatibility_ideographs_come_back_as_ordinary_characters(typeset):
    path, _ = typeset(next(layout for layout in LAYOUTS if layout.font == "noto"))
    raw = _raw_text(path)

    def variants(text):
        return sorted({ch for ch in text if 0x2F00 <= ord(ch) <= 0x2FDF or 0xF900 <= ord(ch) <= 0xFAFF})

    assert len(variants(raw)) >= 5  # the fixture really draws them
    text, warnings = read_pdf_text(path)
    assert (variants(text), warnings) == ([], [])


def _raw_text(path):
    """pdfium's own plain text of every page (only to check what a fixture draws)."""
    pdf = pdfium.PdfDocument(path)
    try:
        return "".join(page.get_textpage().get_text_range() for page in pdf)
    finally:
        pdf.close()


def test_running_heads_are_drawn_on_every_page_and_dropped(typeset):
    path, stats = typeset(next(layout for layout in LAYOUTS if layout.name == "justified-with-running-heads"))
    raw = _raw_text(path)
    text, _ = read_pdf_text(path)
    drawn = (raw.count(JOB_NUMBER), raw.count(RUNNING_TITLE))
    assert (drawn, JOB_NUMBER in text, RUNNING_TITLE in text) == ((stats["pages"], stats["pages"]), False, False)


def test_text_keeps_latin_spaces_and_has_none_between_chinese_characters(typeset):
    text, _ = read_pdf_text(typeset(LAYOUTS[0])[0])
    lines = text.splitlines()
    assert lines[:6] == [
        "  49. 与区域和次区域组织在维护国际和平与安全方面的作用有关的项目 ",
        "  A. 联合国与区域组织在稳定进程中的合作 ",
        "  初步程序 ",
        "  2004 年 7 月 20 日(第 5007 次会议)的决定： ",
        "主席声明",
        lines[5],
    ]
    assert lines[5].startswith(" 在 2004 年 7 月 20 日第 5007 次会议上，\ue0001\ue001安全理事会举行了")
    assert "S/2004/546。" in text


# ---------------------------------------------------------------- bad input


def _canvas_pdf(path, draw, pages=1):
    c = canvas.Canvas(str(path), pagesize=(420, 595))
    for number in range(1, pages + 1):
        draw(c, number)
        c.showPage()
    c.save()
    return path


def _image_only(path):
    image = Image.new("L", (300, 200), 255)
    ImageDraw.Draw(image).rectangle((20, 20, 280, 60), fill=0)  # a "scanned" line of text

    def draw(c, number):
        c.drawImage(ImageReader(image), 40, 300, width=300, height=200)

    return _canvas_pdf(path, draw, pages=2)


def _not_a_chapter(path):
    font = register_cid()

    def draw(c, number):
        c.setFont(font, 10)
        c.drawString(40, 500, "这是一份普通的笔记，没有任何条目标题。")

    return _canvas_pdf(path, draw)


def _unmapped_font(path, seed, typeset, pdf_dir):
    # Page 1 in the CID font (mapped through its CMap), then pages in an embedded TrueType font
    # whose /ToUnicode map is taken out: pdfium cannot tell what those glyphs are.
    stripped = path.with_name("stripped.pdf")
    write_chapter_pdf(stripped, Layout("unmapped", font="noto"), seed, font_dir=pdf_dir)
    data = stripped.read_bytes()
    assert data.count(b"/ToUnicode") >= 1
    stripped.write_bytes(data.replace(b"/ToUnicode", b"/ToUnicodX"))  # same length: offsets stay valid
    pdf = pdfium.PdfDocument.new()
    for source, pages in ((typeset(LAYOUTS[0])[0], [0]), (stripped, [0, 1])):
        other = pdfium.PdfDocument(source)
        pdf.import_pages(other, pages)
        other.close()
    pdf.save(path)
    pdf.close()
    return path


def _bad_pdf(kind, folder, seed, typeset, pdf_dir):
    path = folder / f"{kind}.pdf"
    good = typeset(LAYOUTS[0])[0].read_bytes()
    if kind == "encrypted":
        write_chapter_pdf(path, LAYOUTS[0], seed, encrypt="secret")
    elif kind == "image-only":
        _image_only(path)
    elif kind == "truncated":
        path.write_bytes(good[: len(good) // 2])
    elif kind == "corrupt":
        path.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 40 + b"\n%%EOF\n")
    elif kind == "not-a-pdf":
        path.write_bytes("49. 这不是 PDF 文件\n".encode())
    elif kind == "not-a-chapter":
        _not_a_chapter(path)
    elif kind == "unmapped-font":
        _unmapped_font(path, seed, typeset, pdf_dir)
    return path


BAD = {
    "encrypted": "the PDF is encrypted (password protected): save an unencrypted copy first",
    "image-only": "the PDF has no text layer, only images (a scan?): run OCR on it first",
    "truncated": "the PDF is truncated (no %%EOF at its end)",
    "corrupt": "not a readable PDF (corrupt or truncated)",
    "not-a-pdf": "not a PDF file (no %PDF- header)",
    "not-a-chapter": "not a Repertoire chapter: no item heading such as '49. …' found",
    "unmapped-font": "page 2: a font has no Unicode map (its characters cannot be read as text)",
}


@pytest.mark.parametrize("kind", BAD)
def test_bad_pdf_is_refused_with_a_message_naming_the_file(kind, tmp_path, seed, typeset, pdf_dir):
    path = _bad_pdf(kind, tmp_path, seed, typeset, pdf_dir)
    with pytest.raises(CorpusError) as caught:
        parse_chapter(path)
    assert str(caught.value) == f"{path}: {BAD[kind]}"


def test_a_missing_pdf_is_refused(tmp_path):
    with pytest.raises(CorpusError) as caught:
        parse_chapter(tmp_path / "nope.pdf")
    assert str(caught.value) == f"{tmp_path / 'nope.pdf'}: no such file"


def _run(*args):
    return subprocess.run([sys.executable, "-m", "search", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env={**os.environ, "PYTHONUNBUFFERED": "1"})


def test_parse_command_prints_one_line_for_an_encrypted_pdf(tmp_path, seed, typeset, pdf_dir):
    path = _bad_pdf("encrypted", tmp_path, seed, typeset, pdf_dir)
    result = _run("parse", path)
    assert (result.returncode, result.stdout, result.stderr) == (2, "", f"error: {path}: {BAD['encrypted']}\n")


@pytest.fixture(scope="module")
def mixed_index(tmp_path_factory, typeset):
    """`python -m search build` over the seed's text and a PDF of it under another chapter key."""
    folder = tmp_path_factory.mktemp("mixed")
    pdf = folder / "001_pdfchapter.pdf"
    pdf.write_bytes(typeset(LAYOUTS[1])[0].read_bytes())
    index_dir = folder / "index"
    return index_dir, _run("build", "--index", index_dir, SEED, pdf)


def test_build_takes_a_pdf_and_a_text_chapter_together(mixed_index, seed):
    index_dir, result = mixed_index
    records = len(seed.paragraphs) + len(seed.footnotes)
    assert (result.returncode, result.stderr.splitlines()[-1].split(" in ")[0]) == (
        0, f"whoosh: {2 * records} units")
    engine = open_searcher(index_dir)
    found = engine.search(SearchParams.from_mapping({"q": "专题辩论", "per_page": "50"}))
    engine.close()
    chapters = sorted({h["id"].split(".")[0] for h in found.hits})
    assert chapters == ["000_433e06851ef59419", "001_pdfchapter"]
    assert sorted(h["id"].split(".", 1)[1] for h in found.hits if h["id"].startswith("001")) == sorted(
        h["id"].split(".", 1)[1] for h in found.hits if h["id"].startswith("000"))


def test_a_bad_pdf_fails_the_build_and_the_serving_index_is_untouched(mixed_index, tmp_path, seed, typeset, pdf_dir):
    index_dir, result = mixed_index
    assert result.returncode == 0, result.stderr
    generation = current_generation(index_dir)
    bad = _bad_pdf("image-only", tmp_path, seed, typeset, pdf_dir)
    failed = _run("build", "--index", index_dir, SEED, bad)
    assert (failed.returncode, failed.stderr) == (2, f"error: {bad}: {BAD['image-only']}\n")
    assert current_generation(index_dir) == generation
    assert not list(index_dir.parent.glob(f".{index_dir.name}.build-*")), "a temp build folder was left"


def test_build_index_raises_before_swapping(mixed_index, tmp_path, seed, typeset, pdf_dir):
    index_dir, _ = mixed_index
    generation = current_generation(index_dir)
    with pytest.raises(CorpusError):
        build_index([SEED, _bad_pdf("truncated", tmp_path, seed, typeset, pdf_dir)], index_dir)
    assert current_generation(index_dir) == generation


def test_an_image_only_page_among_text_pages_is_read_around_with_a_warning(tmp_path, seed, typeset, pdf_dir):
    scan = _image_only(tmp_path / "scan.pdf")
    path = tmp_path / f"{KEY}.pdf"
    pdf = pdfium.PdfDocument.new()
    for source, pages in ((typeset(LAYOUTS[0])[0], None), (scan, [0])):
        other = pdfium.PdfDocument(source)
        pdf.import_pages(other, pages)
        other.close()
    pdf.save(path)
    pages = len(pdf)
    pdf.close()
    text, _ = read_pdf_text(typeset(LAYOUTS[0])[0])
    assert read_pdf_text(path) == (text, [f"{path}: page {pages} has no text layer, only images: its text is not indexed"])


def test_a_number_in_a_paragraph_without_markers_is_text_not_a_marker(tmp_path):
    # The PDF says which digits are markers; the text reader must not guess at the others.
    font = register_cid()

    def draw(c, number):
        c.setFont(font, 12)
        c.drawString(40, 540, "49. 与区域组织合作有关的项目")
        c.setFont(font, 10)
        c.drawString(60, 515, "安理会举行辩论，")
        c.setFont(font, 6)
        c.drawString(140, 519, "1")
        c.setFont(font, 10)
        c.drawString(143, 515, "成员")
        c.drawString(40, 501, "发了言。")
        c.drawString(60, 487, "会上有 2 位代表发了言，")
        c.drawString(40, 473, "其中包括秘书长。")
        c.setLineWidth(0.5)
        c.line(40, 460, 100, 460)
        c.setFont(font, 8)
        c.drawString(40, 448, "1")
        c.drawString(60, 448, "S/PV.5007。")

    corpus = parse_chapter(_canvas_pdf(tmp_path / "c.pdf", draw))
    assert [(p.kind, p.text, p.footnotes) for p in corpus.paragraphs] == [
        ("heading", "49. 与区域组织合作有关的项目", ()),
        ("paragraph", "安理会举行辩论，成员发了言。", (1,)),
        ("paragraph", "会上有 2 位代表发了言，其中包括秘书长。", ()),
    ]
    assert [(f.number, f.text) for f in corpus.footnotes] == [(1, "S/PV.5007。")]
    assert corpus.warnings == ()


def test_a_heading_opening_several_pages_is_not_taken_for_a_running_head(tmp_path):
    font = register_cid()

    def draw(c, number):
        top = 540
        if number == 1:
            c.setFont(font, 12)
            c.drawString(40, 540, "49. 与区域组织合作有关的项目")
            top = 500
        c.setFont(font, 11)
        c.drawString(40, top, "初步程序")
        c.setFont(font, 10)
        c.drawString(60, top - 30, f"安理会举行了第 {number} 次")
        c.drawString(40, top - 44, "辩论。")

    corpus = parse_chapter(_canvas_pdf(tmp_path / "c.pdf", draw, pages=4))
    assert [(p.kind, p.text) for p in corpus.paragraphs] == [
        ("heading", "49. 与区域组织合作有关的项目"),
        *[item for n in range(1, 5) for item in (("heading", "初步程序"), ("paragraph", f"安理会举行了第 {n} 次辩论。"))],
    ]


def test_a_character_past_the_basic_plane_comes_back_whole(tmp_path):
    # pdfium gives a character past U+FFFF (𠮷, of CJK Extension B, as in a name) as two UTF-16
    # halves; the record has the character, as Chromium printed it.
    html = tmp_path / "c.html"
    html.write_text('<!doctype html><html lang="zh"><meta charset="utf-8">'
                    '<style>body{font-family:"Noto Sans CJK SC";font-size:12pt}h1{font-size:16pt}</style>'
                    "<h1>49. 与区域组织合作有关的项目</h1><p>日本代表𠮷田先生发了言。</p></html>", encoding="utf-8")
    pdf = tmp_path / "c.pdf"
    subprocess.run(["/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    f"--user-data-dir={tmp_path / 'profile'}", "--no-pdf-header-footer", f"--print-to-pdf={pdf}",
                    html.as_uri()], check=True, capture_output=True, timeout=120)
    corpus = parse_chapter(pdf)
    assert [(p.kind, p.text) for p in corpus.paragraphs] == [
        ("heading", "49. 与区域组织合作有关的项目"), ("paragraph", "日本代表𠮷田先生发了言。")]
    assert corpus.warnings == ()


# ---------------------------------------------------------------- as publishers set them


def _text(c, font, x, y, text, size=10.0, bold=False, spacing=0.0):
    """Draw `text` at (x, y): in bold as Writer makes it for a font with no bold face (outlined and
    filled, text render mode 2), letter-spaced by `spacing` points (PDF character spacing)."""
    t = c.beginText()
    t.setFont(font, size)
    t.setTextOrigin(x, y)
    if spacing:
        t.setCharSpace(spacing)
    if bold:
        t.setTextRenderMode(2)
    t.textOut(text)
    c.drawText(t)


def test_bold_lines_in_the_bodys_type_are_headings_and_set_the_meeting(tmp_path):
    font = register_cid()

    def draw(c, number):
        c.setFont(font, 12)
        c.drawString(40, 540, "49. 与区域组织合作有关的项目")
        _text(c, font, 60, 515, "2004 年 7 月 20 日(第 5007 次会议)的决定：", bold=True)
        _text(c, font, 40, 500, "主席声明", bold=True)
        _text(c, font, 60, 485, "在 2004 年 7 月 20 日第 5007 次会议上，安理会举行")
        _text(c, font, 40, 471, "了辩论。")

    corpus = parse_chapter(_canvas_pdf(tmp_path / "c.pdf", draw))
    assert [(p.kind, p.text, p.meeting, p.decision) for p in corpus.paragraphs] == [
        ("heading", "49. 与区域组织合作有关的项目", None, None),
        ("heading", "2004 年 7 月 20 日(第 5007 次会议)的决定：", 5007, None),
        ("heading", "主席声明", 5007, "主席声明"),
        ("paragraph", "在 2004 年 7 月 20 日第 5007 次会议上，安理会举行了辩论。", 5007, "主席声明"),
    ]


def _justified(c, font, x, y, chars, width, indent=0.0):
    """A line of Chinese set as distributed justification leaves it: a space glyph between every two
    characters and the character spacing that fills the measure."""
    text = " ".join(chars)
    natural = pdfmetrics.stringWidth(text, font, 10)
    _text(c, font, x + indent, y, text, spacing=(width - indent - natural) / (len(text) - 1))


def test_letter_spaced_chinese_in_two_columns_reads_column_by_column_without_spaces(tmp_path):
    font = register_cid()
    left = ["安理会举行了关于区域组", "织的辩论，联合国大会通", "过了决议，秘书长和所有"]
    right = ["成员国都发了言。", "会后，各方继续磋商并", "表示满意。"]

    def draw(c, number):
        c.setFont(font, 12)
        c.drawString(40, 540, "49. 与区域组织合作有关的项目")
        for i, (a, b) in enumerate(zip(left, right)):
            y = 510 - 14 * i
            _justified(c, font, 40, y, a, 160, indent=20 if i == 0 else 0)
            if i == 2:
                _text(c, font, 220, y, " ".join(b), spacing=2.0)  # a short last line, spaced too
            else:
                _justified(c, font, 220, y, b, 160, indent=20 if i == 1 else 0)

    corpus = parse_chapter(_canvas_pdf(tmp_path / "c.pdf", draw))
    assert [(p.kind, p.text) for p in corpus.paragraphs] == [
        ("heading", "49. 与区域组织合作有关的项目"),
        ("paragraph", "安理会举行了关于区域组织的辩论，联合国大会通过了决议，秘书长和所有成员国都发了言。"),
        ("paragraph", "会后，各方继续磋商并表示满意。"),
    ]


def test_notes_stay_with_the_page_and_item_where_they_stand(tmp_path):
    # Item 2 has no notes; item 3's note 1 is its own, not item 2's. A note without a full stop is
    # followed by the next page's paragraph, which is body, not the rest of the note.
    font = register_cid()

    def note(c, y, number, text):
        c.setLineWidth(0.5)
        c.line(40, y + 12, 100, y + 12)
        c.setFont(font, 8)
        c.drawString(40, y, str(number))
        c.drawString(56, y, text)

    def marker(c, x, y, number):
        c.setFont(font, 6)
        c.drawString(x, y + 4, str(number))

    def draw(c, number):
        c.setFont(font, 12)
        if number == 1:
            c.drawString(40, 540, "1. 第一个项目")
            _text(c, font, 60, 515, "安理会举行了辩论。")
            marker(c, 150, 515, 1)
            c.setFont(font, 12)
            c.drawString(40, 490, "2. 第二个项目")
            _text(c, font, 60, 465, "安理会审议了该项目，没有发言者。")
            note(c, 420, 1, "S/PV.1001")
        else:
            _text(c, font, 60, 540, "会后，各方继续磋商。")
            c.setFont(font, 12)
            c.drawString(40, 515, "3. 第三个项目")
            _text(c, font, 60, 490, "安理会再次举行辩论。")
            marker(c, 160, 490, 1)
            note(c, 420, 1, "S/PV.3001。")

    path = _canvas_pdf(tmp_path / "items.pdf", draw, pages=2)
    corpus = parse_chapter(path)
    assert [(p.id, p.text, p.footnotes) for p in corpus.paragraphs] == [
        ("items.1.p1", "1. 第一个项目", ()),
        ("items.1.p2", "安理会举行了辩论。", (1,)),
        ("items.2.p1", "2. 第二个项目", ()),
        ("items.2.p2", "安理会审议了该项目，没有发言者。", ()),
        ("items.2.p3", "会后，各方继续磋商。", ()),
        ("items.3.p1", "3. 第三个项目", ()),
        ("items.3.p2", "安理会再次举行辩论。", (1,)),
    ]
    assert [(f.id, f.text, f.cited_by) for f in corpus.footnotes] == [
        ("items.1.fn1", "S/PV.1001", ("items.1.p2",)),
        ("items.3.fn1", "S/PV.3001。", ("items.3.p2",)),
    ]
    assert corpus.warnings == ()
