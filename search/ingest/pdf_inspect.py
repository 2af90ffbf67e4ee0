"""What the PDF reader saw, for any PDF (python -m search inspect FILE.pdf): a summary per page,
the body text in reading order, and each page drawn with its blocks outlined and labelled.

A user checks a new chapter PDF with it before building: the columns found, the headings,
paragraphs, decision clauses, footnotes and markers, and the running heads dropped. It reads
the layout only, so it works on a PDF that is not a Repertoire chapter too.
"""
import re
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from .pdf import read_pdf_pages, render_pages
from .pdf_chapter import read_document

# Colour of each kind in the pictures (distinct also to the colour-blind: blue, orange, green,
# vermilion, purple, grey), and its label.
COLOURS = {
    "heading": (213, 94, 0),
    "paragraph": (0, 114, 178),
    "decision": (204, 121, 167),
    "footnote": (0, 158, 115),
    "marker": (230, 159, 0),
    "running head": (112, 112, 112),
}
_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_SENTINEL = re.compile("\ue000(\\d+)\ue001")
_LEGEND = 44  # pixels above the page for the legend


@dataclass(frozen=True)
class Box:
    """One outlined thing on a page: its kind, its label and its box in PDF points."""

    kind: str
    label: str
    box: tuple  # (x0, bottom, x1, top)


def inspect_pdf(path):
    """Read a PDF's layout: (Document, warnings); characters of a font with no Unicode map read as
    "\ufffd" (a warning says so), where parse and build refuse the file.

    :raises CorpusError: a PDF that cannot be read (missing, encrypted, corrupt, no text).
    """
    pages, warnings = read_pdf_pages(path, strict=False)
    return read_document(pages), warnings


def with_superscripts(text):
    """The text with its marker sentinels as superscript digits ("会议上，¹安全理事会")."""
    return _SENTINEL.sub(lambda m: m.group(1).translate(_SUPERSCRIPT), text)


def body_text(document):
    """The body in reading order, one heading, paragraph or decision clause a line, markers as superscripts."""
    return "".join(with_superscripts(entry.text) + "\n" for entry in document.blocks)


# ---------------------------------------------------------------- the summary


def summary(document):
    """A few lines per page: its columns, what it holds, and the running heads dropped."""
    out = []
    totals = dict.fromkeys(("heading", "paragraph", "decision", "footnote", "marker"), 0)
    run_on = {id(part) for entry in document.blocks for part in entry.parts[1:]}
    for layout in document.pages:
        counts = _page_counts(layout)
        for kind in totals:
            totals[kind] += counts[kind]
        columns = max((r.columns for r in layout.regions), default=0)
        head = f"page {layout.number} ({layout.width:.0f} × {layout.height:.0f} pt): "
        head += f"{columns} column{'s' if columns != 1 else ''}" if columns else "no text"
        out.append(head)
        if not layout.regions:
            continue
        continued = sum(1 for b in layout.blocks if id(b) in run_on)
        notes = [b.number for b in layout.footnotes if b.number is not None]
        out.append(
            f"  headings {counts['heading']}, paragraphs {counts['paragraph']}, decision clauses "
            f"{counts['decision']}, footnotes {counts['footnote']}" + (f" ({_ranges(notes)})" if notes else "")
            + f", markers {counts['marker']}"
        )
        if continued:
            out.append(f"  {continued} block{'s' if continued > 1 else ''} running on from the column or page before")
        if layout.running:
            heads = ", ".join('"' + "".join(g.ch for g in row).strip() + '"' for row in layout.running)
            out.append(f"  running heads dropped: {heads}")
    names = {"heading": "headings", "paragraph": "paragraphs", "decision": "decision clauses",
             "footnote": "footnotes", "marker": "markers"}
    out.append(f"{len(document.pages)} pages: " + ", ".join(f"{names[kind]} {n}" for kind, n in totals.items()))
    return "\n".join(out) + "\n"


def _page_counts(layout):
    counts = dict.fromkeys(("heading", "paragraph", "decision", "footnote", "marker"), 0)
    for block in layout.blocks:
        counts[block.kind] += 1
    counts["footnote"] = sum(1 for b in layout.footnotes if b.number is not None)
    counts["marker"] = sum(len(line.markers) for lines in layout.lines.values() for line in lines)
    return counts


def _ranges(numbers):
    """"1–4, 1–2" for [1, 2, 3, 4, 1, 2]: runs of consecutive numbers."""
    runs = []
    for n in numbers:
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in runs)


# ---------------------------------------------------------------- the pictures


def page_boxes(document, layout):
    """Everything outlined on a page, labelled with its block's line in the --text output."""
    index = {id(part): i for i, entry in enumerate(document.blocks, 1) for part in entry.parts}
    boxes = [Box(b.kind, f"{b.kind} {index.get(id(b), '')}".strip(), b.box) for b in layout.blocks]
    for note in layout.footnotes:
        label = f"footnote {note.number}" if note.number is not None else "footnote (continued)"
        boxes.append(Box("footnote", label, note.box))
    for lines in layout.lines.values():
        for line in lines:
            for run in line.markers:
                boxes.append(Box("marker", "".join(g.ch for g in run), _glyph_box(run)))
    for row in layout.running:
        boxes.append(Box("running head", "running head", _glyph_box([g for g in row if g.ch != " "] or row)))
    return boxes


def _glyph_box(glyphs):
    return (min(g.x0 for g in glyphs), min(g.y - 0.2 * g.size for g in glyphs),
            max(g.x1 for g in glyphs), max(g.y + 0.8 * g.size for g in glyphs))


def to_pixels(box, origin, height, scale):
    """A box in PDF points as (left, top, right, bottom) pixels of the picture (legend included)."""
    x0, bottom, x1, top = box
    left, low = origin
    return (round((x0 - left) * scale), round((height - (top - low)) * scale) + _LEGEND,
            round((x1 - left) * scale), round((height - (bottom - low)) * scale) + _LEGEND)


def draw_pages(path, document, folder, scale=2.0, progress=None):
    """Write each page as folder/page-001.png with its blocks outlined and labelled; returns the paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    font = ImageFont.load_default(size=max(10, round(5.5 * scale)))
    layouts = {layout.number: layout for layout in document.pages}
    written = []
    for number, image, origin in render_pages(path, scale):
        layout = layouts[number]
        picture = Image.new("RGBA", (image.width, image.height + _LEGEND), "white")
        picture.paste(image.convert("RGBA"), (0, _LEGEND))
        tint = Image.new("RGBA", picture.size, (0, 0, 0, 0))
        boxes = [(box, to_pixels(box.box, origin, layout.height, scale)) for box in page_boxes(document, layout)]
        shade = ImageDraw.Draw(tint)
        for box, pixels in boxes:
            shade.rectangle(pixels, fill=COLOURS[box.kind] + (48,))
        picture = Image.alpha_composite(picture, tint).convert("RGB")
        draw = ImageDraw.Draw(picture)
        _legend(draw, font, picture.width)
        for box, pixels in boxes:
            _outline(draw, font, box, pixels, picture.width)
        out = folder / f"page-{number:03d}.png"
        # In the palette of its colours: a quarter of the bytes, the outlines' colours exact.
        picture.quantize(palette=_palette(), dither=Image.Dither.NONE).save(out, optimize=True)
        written.append(out)
        if progress:
            progress(out)
    return written


def _mix(a, b, share):
    return tuple(round(x + (y - x) * share) for x, y in zip(a, b))


def _palette():
    """The pictures' 256 colours: greys for the page, each kind's colour, its tint, and text on the tint."""
    white, black = (255, 255, 255), (0, 0, 0)
    colours = [white, black] + [(v, v, v) for v in range(4, 252, 4)]
    for colour in COLOURS.values():
        tint = _mix(white, colour, 48 / 255)
        colours += [colour] + [_mix(white, colour, k / 6) for k in range(1, 6)]
        colours += [_mix(tint, black, k / 14) for k in range(1, 14)] + [_mix(colour, white, k / 4) for k in range(1, 4)]
    image = Image.new("P", (1, 1))
    image.putpalette([v for colour in colours for v in colour] + [0] * (768 - 3 * len(colours)))
    return image


_SHORT = {"heading": "H", "paragraph": "P", "decision": "D", "footnote": "F", "marker": "", "running head": "R"}


def _legend(draw, font, width):
    x = 8
    for kind, colour in COLOURS.items():
        tint = tuple(round(255 - (255 - c) * 48 / 255) for c in colour)  # as the blocks' tint on white
        draw.rectangle((x, 12, x + 22, 32), fill=tint, outline=colour, width=2)
        name = f"{_SHORT[kind]}: {kind}" if _SHORT[kind] else kind
        draw.text((x + 28, 22), name, fill=(0, 0, 0), font=font, anchor="lm")
        x += 44 + round(draw.textlength(name, font=font))
    draw.text((width - 8, 22), "H/P/D n: line n of --text; F n: footnote n", fill=(90, 90, 90), font=font, anchor="rm")
    draw.line((0, _LEGEND - 1, width, _LEGEND - 1), fill=(160, 160, 160), width=1)


def _outline(draw, font, box, pixels, width):
    """The box's outline, and its label in a tab in the margin beside it (left of a box in the
    page's left half, right of one in its right half), so that no label hides the text."""
    colour = COLOURS[box.kind]
    left, top, right, bottom = pixels
    marker = box.kind == "marker"
    pad = 1 if marker else 2
    draw.rectangle((left - pad, top - pad, right + pad, bottom + pad), outline=colour, width=2)
    if marker:
        return
    number = box.label.rpartition(" ")[2]
    label = _SHORT[box.kind] + (number if number.isdigit() else "")
    size = round(draw.textlength(label, font=font)) + 8
    height = round(font.size * 1.3)
    if (left + right) / 2 < width / 2:
        tab = (left - pad - 3 - size, top - pad, left - pad - 3, top - pad + height)
    else:
        tab = (right + pad + 3, top - pad, right + pad + 3 + size, top - pad + height)
    draw.rectangle(tab, fill=colour)
    draw.text(((tab[0] + tab[2]) / 2, (tab[1] + tab[3]) / 2), label, fill="white", font=font, anchor="mm")
