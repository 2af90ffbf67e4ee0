"""Chapter PDF -> chapter text in the layout the chapter reader takes.

pdfium gives every character with its box, baseline and font size, and the page's drawn
paths; search/pdf_layout.py turns those into body text and footnotes. The library's own
plain-text output is never used: it knows nothing of columns, rules or raised digits.
"""
import ctypes
import re
import unicodedata
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..errors import CorpusError
from .files import read_bytes
from .pdf_page import Glyph, PageContent, Rule
from .pdf_chapter import compose_text

# pdfium's FPDF_ERR_* codes, as PdfiumError.err_code carries them.
_LOAD_ERRORS = {
    pdfium_c.FPDF_ERR_PASSWORD: "the PDF is encrypted (password protected): save an unencrypted copy first",
    pdfium_c.FPDF_ERR_SECURITY: "the PDF uses an unsupported security handler: save an unencrypted copy first",
    pdfium_c.FPDF_ERR_FORMAT: "not a readable PDF (corrupt or truncated)",
    pdfium_c.FPDF_ERR_FILE: "not a readable PDF (corrupt or truncated)",
}
_SUPERSCRIPTS = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789"))
# A horizontal path no thicker than this (points) is a rule, such as the footnote separator.
_RULE_THICKNESS = 2.0


def read_pdf_text(path):
    """The chapter text of a PDF, with footnote markers as sentinels: (text, warnings).

    :raises CorpusError: missing, encrypted, corrupt or image-only PDF, or a font with no Unicode map.
    """
    path = Path(path)
    data = read_bytes(path)
    if not data.lstrip().startswith(b"%PDF-"):
        raise CorpusError(path, "not a PDF file (no %PDF- header)")
    end = _end_of_pdf(data)
    if end is None:
        # pdfium repairs a cut file silently and reads the pages before the cut: refuse instead,
        # as an index of half a chapter would look complete.
        raise CorpusError(path, "the PDF is truncated (no %%EOF at its end)")
    data = data[:end]  # bytes after the end of a whole PDF (a mail footer, padding) are not the PDF's
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        message = _LOAD_ERRORS.get(getattr(exc, "err_code", None), "not a readable PDF (corrupt or truncated)")
        raise CorpusError(path, message) from None
    try:
        pages, warnings = _read_pages(path, pdf)
    finally:
        pdf.close()
    if not any(page.glyphs for page in pages):
        if any(page.images for page in pages):
            raise CorpusError(path, "the PDF has no text layer, only images (a scan?): run OCR on it first")
        raise CorpusError(path, "the PDF has no text")
    return compose_text(pages), warnings


def _end_of_pdf(data):
    """Where a whole PDF ends in `data` (just past its last %%EOF), or None when it was cut: no %%EOF,
    a last `startxref` pointing past it, or a linearized file shorter than it says (/L)."""
    end = data.rfind(b"%%EOF")
    if end < 0:
        return None
    xref = re.search(rb"startxref\s+(\d+)\s*$", data[max(0, end - 64):end])
    if xref is not None and not int(xref.group(1)) < end:
        return None  # points past where this part ends: the rest is missing (pdfium judges the others)
    linearized = re.search(rb"/Linearized\b.*?/L\s+(\d+)", data[:1024], re.S)
    if linearized and int(linearized.group(1)) > len(data):
        return None
    return end + len(b"%%EOF")


def _read_pages(path, pdf):
    pages, warnings = [], []
    for index in range(len(pdf)):
        try:
            page = pdf[index]
        except pdfium.PdfiumError:
            raise CorpusError(path, f"page {index + 1}: cannot be read (corrupt PDF)") from None
        try:
            content = _read_page(path, index + 1, page)
        except pdfium.PdfiumError:
            raise CorpusError(path, f"page {index + 1}: cannot be read (corrupt PDF)") from None
        finally:
            page.close()
        if not content.glyphs and content.images:
            warnings.append(f"{path}: page {index + 1} has no text layer, only images: its text is not indexed")
        pages.append(content)
    return pages, warnings


def _read_page(path, number, page):
    width, height = page.get_size()
    textpage = page.get_textpage()
    try:
        glyphs = _read_glyphs(path, number, textpage)
    finally:
        textpage.close()
    rules, images = [], 0
    # The raw API: pypdfium2's get_objects() wraps every object, text objects included.
    bounds = [ctypes.c_float() for _ in range(4)]
    refs = [ctypes.byref(b) for b in bounds]
    raw = page.raw
    stack = [(pdfium_c.FPDFPage_GetObject(raw, i)) for i in range(pdfium_c.FPDFPage_CountObjects(raw))]
    while stack:
        obj = stack.pop()
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_FORM:
            # Objects inside a form XObject; their bounds are in the form's space, which is the
            # page's for the usual identity matrix.
            stack.extend(pdfium_c.FPDFFormObj_GetObject(obj, i) for i in range(pdfium_c.FPDFFormObj_CountObjects(obj)))
        elif kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            images += 1
        elif kind == pdfium_c.FPDF_PAGEOBJ_PATH and pdfium_c.FPDFPageObj_GetBounds(obj, *refs):
            left, bottom, right, top = (b.value for b in bounds)
            if top - bottom <= _RULE_THICKNESS and right - left > top - bottom:
                rules.append(Rule(left, right, (top + bottom) / 2))
    return PageContent(number, width, height, glyphs, rules, images)


def _read_glyphs(path, number, textpage):
    """Every drawn character of a page, with its box, baseline and size (spaces included)."""
    # The raw API with reused out-parameters: this loop runs for every character of the chapter.
    # Loose boxes span the advance width: tight ones would leave a gap after "，" as wide as a space.
    rect = pdfium_c.FS_RECTF()
    box = ctypes.byref(rect)
    x, y = ctypes.c_double(), ctypes.c_double()
    origin = ctypes.byref(x), ctypes.byref(y)
    glyphs = []
    textpage = textpage.raw  # the handle itself: the wrapper's lookup costs more than the call
    # Local names: a module attribute lookup per call adds up over every character.
    is_generated, get_unicode, map_error = (
        pdfium_c.FPDFText_IsGenerated, pdfium_c.FPDFText_GetUnicode, pdfium_c.FPDFText_HasUnicodeMapError)
    get_box, get_origin, get_size = (
        pdfium_c.FPDFText_GetLooseCharBox, pdfium_c.FPDFText_GetCharOrigin, pdfium_c.FPDFText_GetFontSize)
    ox, oy = origin
    for i in range(pdfium_c.FPDFText_CountChars(textpage)):
        if is_generated(textpage, i):
            # pdfium's own spaces and line breaks, guessed from gaps: we do our own.
            continue
        code = get_unicode(textpage, i)
        if code < 0x20 and pdfium_c.FPDFText_IsHyphen(textpage, i):
            # pdfium reports a hyphen that ends a line as 0x02; the text has the hyphen as printed.
            code = 0x2D
        if code in (0, 0xFFFD) or (code < 0x20 and code not in (9, 10, 13)) or map_error(textpage, i):
            raise CorpusError(
                path, f"page {number}: a font has no Unicode map (its characters cannot be read as text)"
            )
        ch, mark = chr(code), False
        if code < 0x3000:
            if ch.isspace():
                ch = " "
            elif ch in _SUPERSCRIPTS:
                ch, mark = _SUPERSCRIPTS[ch], True  # a marker typed as a superscript digit ("¹")
            elif 0x2F00 <= code <= 0x2FDF:
                ch = unicodedata.normalize("NFKC", ch)  # a Kangxi radical (see below)
        elif 0xF900 <= code <= 0xFAFF or 0x2F800 <= code <= 0x2FA1F:
            # Kangxi radicals and compatibility ideographs look like (and mean) the ordinary
            # characters; some fonts map to them. Full NFKC would also turn ，into ",".
            ch = unicodedata.normalize("NFKC", ch)
        get_box(textpage, i, box)
        get_origin(textpage, i, ox, oy)
        # Baselines and sizes to 0.1 pt: the layout compares and counts them.
        glyphs.append(Glyph(ch, rect.left, rect.right, round(y.value, 1), round(get_size(textpage, i), 1), mark))
    return glyphs
