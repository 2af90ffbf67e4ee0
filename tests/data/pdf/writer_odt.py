"""Chapter -> flat ODT (.fodt) for LibreOffice Writer, then PDF with `soffice --headless`.

Writer does its own typesetting: real footnotes (<text:note>) with superscript anchors, the
separator line of the page style, justified paragraphs (Writer spreads CJK lines by
inter-character spacing). The Repertoire numbers footnotes per item; Writer counts them per
"chapter" (text:start-numbering-at="chapter"), a chapter being the text after an outline
level-1 heading, so the item headings are level-1 headings. With `labels` the notes carry
their numbers as custom labels instead (<text:note-citation text:label="3">).
"""
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
    'xmlns:loext="urn:org:documentfoundation:names:experimental:office:xmlns:loext:1.0"'
)


@dataclass(frozen=True)
class WriterLayout:
    page: tuple = ("21cm", "29.7cm")  # A4
    margins: str = "2cm"
    columns: int = 1
    section_columns: bool = False  # the columns of a section (notes across the page), not of the page
    column_gap: str = "0.7cm"
    labels: bool = False  # custom note labels instead of per-chapter numbering
    running: bool = False  # job number in the header, page number in the footer
    font: str = "Noto Serif CJK SC"
    body: float = 10.5
    note: float = 8.5


def _para_style(name, size, bold=False, align="justify", indent="0pt", left="0pt", before="0pt",
                after="3pt", keep=False, outline=None, parent=None):
    weight = ' fo:font-weight="bold" style:font-weight-asian="bold"' if bold else ""
    outline_attr = f' style:default-outline-level="{outline}"' if outline else ""
    keep_attr = ' fo:keep-with-next="always"' if keep else ""
    display = f' style:display-name="{name.replace("_20_", " ")}"' if "_20_" in name else ""
    parent_attr = f' style:parent-style-name="{parent}"' if parent else ""
    return (
        f'<style:style style:name="{name}"{display} style:family="paragraph"{parent_attr}{outline_attr}>'
        f'<style:paragraph-properties fo:text-align="{align}" fo:text-indent="{indent}" '
        f'fo:margin-left="{left}" fo:margin-top="{before}" fo:margin-bottom="{after}"{keep_attr} '
        f'fo:line-height="135%"/>'
        f'<style:text-properties fo:font-size="{size}pt" style:font-size-asian="{size}pt"{weight}/>'
        "</style:style>"
    )


def _styles(layout):
    b, n = layout.body, layout.note
    return "".join([
        '<style:default-style style:family="paragraph">'
        # No hanging punctuation: Writer 7.4 loses a "。" that would hang into the margin when a
        # footnote anchor follows it (the anchor goes to the next line, the "。" is not drawn).
        # No space added between Chinese and Latin text (autospace): Writer would leave a gap
        # where the source has no space ("8日"), and the PDF would not say which it was.
        '<style:paragraph-properties fo:orphans="2" fo:widows="2" style:writing-mode="lr-tb" '
        'style:punctuation-wrap="simple" style:text-autospace="none"/>'
        f'<style:text-properties style:font-name="{layout.font}" style:font-name-asian="{layout.font}" '
        # Latin text in English: tagged Chinese, Writer breaks Latin words and numbers anywhere
        # ("S/PV.52" | "82") and no reader can tell such a break from one at a space.
        f'fo:font-size="{b}pt" style:font-size-asian="{b}pt" fo:language="en" fo:country="US" '
        'style:language-asian="zh" style:country-asian="CN" fo:hyphenate="false"/>'
        "</style:default-style>",
        _para_style("Standard", b),
        _para_style("Heading_20_1", b + 2, bold=True, align="start", before="8pt", after="6pt", keep=True, outline=1),
        _para_style("Heading_20_2", b + 1, bold=True, align="start", before="6pt", after="4pt", keep=True, outline=2),
        # Level-3 headings and decision headings: bold at the body's size, as in the Repertoire.
        _para_style("Sub", b, bold=True, align="start", left=f"{b}pt", before="4pt", keep=True),
        _para_style("Decision", b, bold=True, align="start", indent=f"{2 * b}pt", keep=True),
        _para_style("Verdict", b, bold=True, align="start", keep=True),
        _para_style("Body", b, indent=f"{2 * b}pt"),
        # Quoted clauses: smaller type, indented.
        _para_style("Clause", b - 1, indent=f"{2 * (b - 1)}pt", left=f"{2 * b}pt"),
        _para_style("Footnote", n, align="justify", indent=f"{-2 * n}pt", left=f"{2 * n}pt", after="1pt"),
        _para_style("Header", n, align="end"),
        _para_style("Footer", n, align="center"),
        '<style:style style:name="Footnote_20_anchor" style:display-name="Footnote anchor" style:family="text">'
        '<style:text-properties style:text-position="super 58%"/></style:style>',
        '<style:style style:name="Footnote_20_Symbol" style:display-name="Footnote Symbol" style:family="text"/>',
        '<text:outline-style style:name="Outline">'
        + "".join(
            f'<text:outline-level-style text:level="{i}" style:num-format=""/>' for i in range(1, 11)
        )
        + "</text:outline-style>",
        '<text:notes-configuration text:note-class="footnote" text:citation-style-name="Footnote_20_Symbol" '
        'text:citation-body-style-name="Footnote_20_anchor" style:num-format="1" text:start-value="0" '
        'text:footnotes-position="page" '
        f'text:start-numbering-at="{"document" if layout.labels else "chapter"}"/>',
    ])


def _page_layout(layout):
    width, height = layout.page
    columns = ""
    if layout.columns > 1 and not layout.section_columns:
        columns = f'<style:columns fo:column-count="{layout.columns}" fo:column-gap="{layout.column_gap}"/>'
    header = footer = ""
    if layout.running:
        header = '<style:header-style><style:header-footer-properties fo:min-height="0cm" fo:margin-bottom="0.4cm"/></style:header-style>'
        footer = '<style:footer-style><style:header-footer-properties fo:min-height="0cm" fo:margin-top="0.4cm"/></style:footer-style>'
    m = layout.margins
    return (
        '<style:page-layout style:name="pm1">'
        f'<style:page-layout-properties fo:page-width="{width}" fo:page-height="{height}" '
        f'fo:margin-top="{m}" fo:margin-bottom="{m}" fo:margin-left="{m}" fo:margin-right="{m}" '
        'style:writing-mode="lr-tb" style:footnote-max-height="0cm">'
        f"{columns}"
        '<style:footnote-sep style:width="0.02cm" style:distance-before-sep="0.15cm" '
        'style:distance-after-sep="0.15cm" style:line-style="solid" style:adjustment="left" '
        'style:rel-width="25%" style:color="#000000"/>'
        "</style:page-layout-properties>"
        f"{header}{footer}</style:page-layout>"
    )


def _master(layout, job):
    inner = ""
    if layout.running:
        inner = (
            f'<style:header><text:p text:style-name="Header">{escape(job)}</text:p></style:header>'
            '<style:footer><text:p text:style-name="Footer">'
            '<text:page-number text:select-page="current">1</text:page-number></text:p></style:footer>'
        )
    return f'<style:master-page style:name="Standard" style:page-layout-name="pm1">{inner}</style:master-page>'


_STYLE_OF = {"section": "Heading_20_2", "sub": "Sub", "decision": "Decision", "verdict": "Verdict",
             "paragraph": "Body", "clause": "Clause"}


def _note(chapter, item, number, labels, counter):
    note = chapter.note(item, number)
    label = f' text:label="{number}"' if labels else ""
    return (
        f'<text:note text:id="ftn{counter}" text:note-class="footnote">'
        f"<text:note-citation{label}>{number}</text:note-citation>"
        f'<text:note-body><text:p text:style-name="Footnote">{escape(note.text)}</text:p></text:note-body>'
        "</text:note>"
    )


def write_fodt(chapter, layout, path, job="09-25533 (C)"):
    """Write the chapter as a flat ODT document."""
    body, counter = [], 0
    for block in chapter.blocks:
        parts = []
        for run in block.runs:
            if isinstance(run, int):
                counter += 1
                parts.append(_note(chapter, block.item, run, layout.labels, counter))
            else:
                parts.append(escape(run))
        content = "".join(parts)
        if block.kind == "item":
            body.append(f'<text:h text:style-name="Heading_20_1" text:outline-level="1">{content}</text:h>')
        elif block.kind == "section":
            body.append(f'<text:h text:style-name="Heading_20_2" text:outline-level="2">{content}</text:h>')
        else:
            body.append(f'<text:p text:style-name="{_STYLE_OF[block.kind]}">{content}</text:p>')
    automatic = _page_layout(layout)
    text = "\n".join(body)
    if layout.section_columns:
        automatic += (
            '<style:style style:name="Sect1" style:family="section"><style:section-properties>'
            f'<style:columns fo:column-count="{layout.columns}" fo:column-gap="{layout.column_gap}"/>'
            "</style:section-properties></style:style>"
        )
        text = f'<text:section text:style-name="Sect1" text:name="Chapter">\n{text}\n</text:section>'
    doc = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<office:document {NS} office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">\n'
        "<office:font-face-decls>"
        f'<style:font-face style:name="{layout.font}" svg:font-family="&apos;{layout.font}&apos;" '
        'style:font-family-generic="roman" style:font-pitch="variable"/>'
        "</office:font-face-decls>\n"
        f"<office:styles>{_styles(layout)}</office:styles>\n"
        f"<office:automatic-styles>{automatic}</office:automatic-styles>\n"
        f"<office:master-styles>{_master(layout, job)}</office:master-styles>\n"
        "<office:body><office:text>\n" + text + "\n</office:text></office:body>\n"
        "</office:document>\n"
    )
    path.write_text(doc, encoding="utf-8")


def convert(fodt, pdf):
    """fodt -> pdf with soffice in a throwaway profile (no user settings leak in)."""
    with tempfile.TemporaryDirectory() as tmp:
        profile = Path(tmp) / "profile"
        subprocess.run(
            ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
             "--convert-to", "pdf:writer_pdf_Export", "--outdir", tmp, str(fodt)],
            check=True, capture_output=True, timeout=300,
        )
        shutil.move(Path(tmp) / (fodt.stem + ".pdf"), pdf)


def version():
    out = subprocess.run(["soffice", "--version"], capture_output=True, text=True).stdout
    return out.strip()
