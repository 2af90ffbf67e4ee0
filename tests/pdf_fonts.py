"""Fonts for the test PDFs: reportlab's built-in CID font, and a TrueType subset of Noto CJK."""
import hashlib
import io
import unicodedata
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont

NOTO_CJK = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


def register_cid():
    """reportlab's built-in STSong-Light CID font (no font file), registered once; its name."""
    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def noto_truetype(chars, cache_dir):
    """A TrueType subset of Noto Sans CJK SC covering `chars` (reportlab refuses its CFF outlines)."""
    from fontTools import subset
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont as FontToolsFont
    from fontTools.ttLib import newTable

    digest = hashlib.sha1("".join(sorted(chars)).encode()).hexdigest()[:12]
    path = Path(cache_dir) / f"NotoSansCJKsc-subset-{digest}.ttf"
    if path.exists():
        return path
    font = FontToolsFont(NOTO_CJK, fontNumber=2, lazy=True)  # face 2 of the collection is SC
    options = subset.Options()
    options.layout_features, options.name_IDs, options.hinting = [], ["*"], False
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes={ord(c) for c in chars})
    subsetter.subset(font)
    order, glyph_set = font.getGlyphOrder(), font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))  # cubic -> quadratic
        glyphs[name] = pen.glyph()
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder, glyf.glyphs = order, glyphs
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for key in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, key, 0)
    maxp.maxZones = 1
    post = font["post"]
    post.formatType, post.extraNames, post.mapping, post.glyphOrder = 2.0, [], {}, order
    font["head"].glyphDataFormat = font["head"].indexToLocFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"
    buffer = io.BytesIO()
    font.save(buffer)
    font.close()
    path.write_bytes(buffer.getvalue())
    return path


def variant_forms(chars):
    """{ordinary character: its Kangxi radical or compatibility ideograph} for characters in `chars`."""
    forms = {}
    for code in [*range(0x2F00, 0x2FD6), *range(0xF900, 0xFADA)]:
        ordinary = unicodedata.normalize("NFKC", chr(code))
        if ordinary in chars and ordinary not in forms:
            forms[ordinary] = chr(code)
    return forms
