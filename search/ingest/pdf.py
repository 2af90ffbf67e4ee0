"""Chapter PDF -> its pages as pdfium reads them: every character with its box, baseline, size
and weight, the drawn rules and the images.

pypdfium2 gives the characters; the layout modules (pdf_columns, pdf_lines, pdf_blocks,
pdf_chapter) rebuild the text from them. pdfium's own plain-text output is never used: it knows
nothing of columns, rules or raised digits.
"""
import ctypes
import re
import unicodedata
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..errors import CorpusError
from .files import read_bytes
from .pdf_chapter import compose_text
from .pdf_glyphs import Glyph, PageContent, Rule

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
_FORCE_BOLD = 1 << 18  # the font descriptor's ForceBold flag
_BOLD_NAMES = ("bold", "heavy", "black", "demi", "semibold")
_STRIDE = 6  # characters read between two looks at their text object


def read_pdf_text(path):
    """The chapter text of a PDF, with footnote markers as sentinels: (text, warnings).

    :raises CorpusError: missing, encrypted, corrupt or image-only PDF, or a font with no Unicode map.
    """
    pages, warnings = read_pdf_pages(path)
    return compose_text(pages), warnings


def read_pdf_pages(path, strict=True):
    """Every page's glyphs, rules and image count: ([PageContent], warnings).

    :param strict: refuse a font with no Unicode map; else its characters read as "\ufffd", with a warning.
    :raises CorpusError: missing, encrypted, corrupt or image-only PDF, or (strict) a font with no Unicode map.
    """
    path = Path(path)
    pdf = _open(path)
    try:
        pages, warnings = _read_pages(path, pdf, strict)
    finally:
        pdf.close()
    if not any(page.glyphs for page in pages):
        if any(page.images for page in pages):
            raise CorpusError(path, "the PDF has no text layer, only images (a scan?): run OCR on it first")
        raise CorpusError(path, "the PDF has no text")
    return pages, warnings


def _open(path):
    """The PDF document. :raises CorpusError: missing, not a PDF, truncated, encrypted or corrupt."""
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
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        message = _LOAD_ERRORS.get(getattr(exc, "err_code", None), "not a readable PDF (corrupt or truncated)")
        raise CorpusError(path, message) from None


def render_pages(path, scale=2.0):
    """Each page drawn as an image: yields (page number, PIL image, (left, bottom) of the page's
    crop box in PDF points), for a picture of what the reader saw (python -m search inspect --png).

    :raises CorpusError: a file read_pdf_pages would refuse as unreadable.
    """
    pdf = _open(Path(path))
    try:
        for index in range(len(pdf)):
            page = pdf[index]
            try:
                left, bottom, _, _ = page.get_cropbox()
                yield index + 1, page.render(scale=scale).to_pil(), (left, bottom)
            finally:
                page.close()
    finally:
        pdf.close()


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


def _read_pages(path, pdf, strict):
    pages, warnings = [], []
    for index in range(len(pdf)):
        try:
            page = pdf[index]
        except pdfium.PdfiumError:
            raise CorpusError(path, f"page {index + 1}: cannot be read (corrupt PDF)") from None
        try:
            content, unmapped = _read_page(path, index + 1, page, strict)
        except pdfium.PdfiumError:
            raise CorpusError(path, f"page {index + 1}: cannot be read (corrupt PDF)") from None
        finally:
            page.close()
        if not content.glyphs and content.images:
            warnings.append(f"{path}: page {index + 1} has no text layer, only images: its text is not indexed")
        if unmapped:
            warnings.append(f"{path}: page {index + 1}: a font has no Unicode map: {unmapped} characters read as \ufffd")
        pages.append(content)
    return pages, warnings


def _read_page(path, number, page, strict=True):
    width, height = page.get_size()
    textpage = page.get_textpage()
    try:
        glyphs, unmapped = _read_glyphs(path, number, textpage, strict)
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
    return PageContent(number, width, height, glyphs, rules, images), unmapped


_NAME = ctypes.create_string_buffer(256)
_FLAGS = ctypes.c_int()


def _bold_font(font):
    """Is a font a bold face: by its name, its ForceBold flag or a plausible heavy weight?"""
    if not font:
        return False
    if pdfium_c.FPDFFont_GetBaseFontName(font, _NAME, 256) and any(
            word in _NAME.value.decode("latin-1").lower() for word in _BOLD_NAMES):
        return True
    if pdfium_c.FPDFFont_GetFlags(font, ctypes.byref(_FLAGS)) and _FLAGS.value & _FORCE_BOLD:
        return True
    # Descriptors carry nonsense weights too (6980): only a plausible heavy one counts.
    return 700 <= pdfium_c.FPDFFont_GetWeight(font) <= 1000


def _is_bold(obj, fonts):
    """Is a text object drawn bold: in a bold face, or outlined and filled (text render mode 2:
    synthetic bold, as Writer and others embolden a font with no bold face)?"""
    if pdfium_c.FPDFTextObj_GetTextRenderMode(obj) == pdfium_c.FPDF_TEXTRENDERMODE_FILL_STROKE:
        return True
    font = pdfium_c.FPDFTextObj_GetFont(obj)
    key = ctypes.c_void_p.from_buffer(font).value
    if key not in fonts:
        fonts[key] = _bold_font(font)
    return fonts[key]


def _read_glyphs(path, number, textpage, strict=True):
    """Every drawn character of a page, with its box, baseline, size and weight (spaces included),
    and how many had no Unicode map (read as "\ufffd" when not `strict`)."""
    # The raw API with reused out-parameters: this loop runs for every character of the chapter.
    # Loose boxes span the advance width: tight ones would leave a gap after "，" as wide as a space.
    rect = pdfium_c.FS_RECTF()
    box = ctypes.byref(rect)
    x, y = ctypes.c_double(), ctypes.c_double()
    glyphs = []
    textpage = textpage.raw  # the handle itself: the wrapper's lookup costs more than the call
    # Local names: a module attribute lookup per call adds up over every character.
    is_generated, get_unicode, map_error = (
        pdfium_c.FPDFText_IsGenerated, pdfium_c.FPDFText_GetUnicode, pdfium_c.FPDFText_HasUnicodeMapError)
    get_box, get_origin, get_size = (
        pdfium_c.FPDFText_GetLooseCharBox, pdfium_c.FPDFText_GetCharOrigin, pdfium_c.FPDFText_GetFontSize)
    # A pointer's address read through the buffer protocol: ctypes.cast costs three times as much.
    get_object, address = pdfium_c.FPDFText_GetTextObject, ctypes.c_void_p.from_buffer
    ox, oy = ctypes.byref(x), ctypes.byref(y)
    bold, fonts = {}, {}  # text object -> bold, font -> bold: one lookup per object and font
    unmapped, heavy, looked, last, second_half = 0, False, -_STRIDE, (None, None), -1
    for i in range(pdfium_c.FPDFText_CountChars(textpage)):
        if i == second_half:
            continue
        if is_generated(textpage, i):
            # pdfium's own spaces and line breaks, guessed from gaps: the layout does its own.
            looked = -_STRIDE  # and the next character may be another run's
            continue
        code = get_unicode(textpage, i)
        if 0xD800 <= code < 0xE000:
            code, second_half = _joined_halves(code, get_unicode(textpage, i + 1), i)
        if code < 0x20 and pdfium_c.FPDFText_IsHyphen(textpage, i):
            # pdfium reports a hyphen that ends a line as 0x02; the text has the hyphen as printed.
            code = 0x2D
        if code in (0, 0xFFFD) or (code < 0x20 and code not in (9, 10, 13)) or map_error(textpage, i):
            if strict:
                raise CorpusError(
                    path, f"page {number}: a font has no Unicode map (its characters cannot be read as text)"
                )
            code, unmapped = 0xFFFD, unmapped + 1
        if 0x3000 <= code < 0xF900:
            ch, mark = chr(code), False  # Chinese characters and punctuation: as they are
        else:
            ch, mark = _character(code)
            if ch is None:
                continue
        get_box(textpage, i, box)
        get_origin(textpage, i, ox, oy)
        # Baselines and sizes to 0.1 pt: the layout compares and counts them.
        run = (round(y.value, 1), round(get_size(textpage, i), 1))
        if run != last or i - looked >= _STRIDE:
            # The text object, for the weight: where a run may begin (another baseline or size,
            # after a line break) and every few characters, not for every one of them.
            obj = get_object(textpage, i)
            key = address(obj).value
            heavy = bold.get(key)
            if heavy is None:
                heavy = bold[key] = bool(key) and _is_bold(obj, fonts)
            looked, last = i, run
        glyphs.append(Glyph(ch, rect.left, rect.right, run[0], run[1], heavy, i, mark))
    return glyphs, unmapped


def _joined_halves(first, second, i):
    """A character that pdfium gives as two UTF-16 halves, at i and i + 1 (one past U+FFFF: 𠮷, a
    mathematical letter): (its code, i + 1, the index to skip); (0xFFFD, -1), unreadable, for a half
    without its other half."""
    if first < 0xDC00 and 0xDC00 <= second < 0xE000:
        return 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00), i + 1
    return 0xFFFD, -1


def _character(code):
    """(the character as the text has it, is it a marker typed as a superscript digit); None for
    an invisible format character (a word joiner, a zero-width space, a soft hyphen)."""
    ch = chr(code)
    if code < 0x3000:
        if ch.isspace():
            return " ", False
        if 0x2000 <= code and unicodedata.category(ch) == "Cf" or code == 0xAD:
            return None, False
        if ch in _SUPERSCRIPTS:
            return _SUPERSCRIPTS[ch], True  # a marker typed as a superscript digit ("¹")
        if 0x2F00 <= code <= 0x2FDF:
            return unicodedata.normalize("NFKC", ch), False  # a Kangxi radical (see below)
    elif code == 0xFEFF:
        return None, False
    elif 0xF900 <= code <= 0xFAFF or 0x2F800 <= code <= 0x2FA1F:
        # Kangxi radicals and compatibility ideographs look like (and mean) the ordinary
        # characters; some fonts map to them. Full NFKC would also turn ，into ",".
        return unicodedata.normalize("NFKC", ch), False
    return ch, False
