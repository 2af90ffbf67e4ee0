"""TrueType subsets of Noto Sans CJK SC (regular and bold) for the Chromium fixtures.

Chromium's PDF back end (Skia) embeds TrueType outlines as CID fonts, but draws OpenType/CFF
fonts such as the Noto CJK collections as Type 3 glyph procedures: a page of them costs
hundreds of kilobytes. So the HTML loads a subset of Noto with its cubic CFF outlines turned
into quadratic TrueType ones (fontTools' cu2qu), holding only the characters the chapters use.
"""
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable

NOTO = {
    "regular": Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    "bold": Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"),
}
_SC_NAME = "Noto Sans CJK SC"


def _sc_index(path):
    """The index of the Simplified Chinese face in a Noto CJK collection."""
    for i in range(16):
        font = TTFont(path, fontNumber=i, lazy=True)
        if font["name"].getDebugName(1) == _SC_NAME:
            return i
    raise LookupError(f"{path}: no {_SC_NAME} face")


def _to_truetype(font):
    """Replace the CFF outlines of `font` with TrueType ones, in place (the otf2ttf recipe)."""
    glyph_order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in glyph_order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, max_err=3.0, reverse_direction=True))
        glyphs[name] = pen.glyph()
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = glyph_order
    glyf.glyphs = glyphs
    font["loca"] = newTable("loca")
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for attr in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                 "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    font["head"].indexToLocFormat = 0
    font["head"].glyphDataFormat = 0
    post = font["post"]
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = glyph_order
    font.sfntVersion = "\x00\x01\x00\x00"


def write_subsets(text, folder):
    """Write NotoSansSC-{regular,bold}.ttf into `folder`, holding the characters of `text`."""
    folder.mkdir(parents=True, exist_ok=True)
    chars = set(text) | {chr(c) for c in range(0x20, 0x7F)}
    written = {}
    for weight, path in NOTO.items():
        out = folder / f"NotoSansSC-{weight}.ttf"
        font = TTFont(path, fontNumber=_sc_index(path))
        options = subset.Options()
        options.layout_features = ["*"]
        options.name_IDs = ["*"]
        options.notdef_outline = True
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=sorted(ord(c) for c in chars))
        subsetter.subset(font)
        _to_truetype(font)
        font.save(out)
        written[weight] = out
    return written
