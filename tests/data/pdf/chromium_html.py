"""Chapter -> HTML paginated by our own script (paginate.js) -> PDF with Chromium's print-to-PDF.

Chromium lays out the lines (justified Chinese, CSS columns); paginate.js decides what goes
on which page and puts each footnote at the foot of the page or column its marker lands in,
splitting paragraphs between pages and columns. Chromium runs the script once (--dump-dom);
the laid-out HTML, script removed, is kept beside the PDF and is what Chromium prints.
"""
import json
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
CHROMIUM = [
    "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
_HAN = "\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef"


@dataclass(frozen=True)
class HtmlLayout:
    page: tuple = ("210mm", "297mm")
    margin: str = "20mm 18mm"
    columns: int = 1  # frames per page, each with its own notes (notes per column when 2)
    multicol: bool = False  # one frame per page whose body is CSS columns: notes across the page
    marker: str = "sup"  # sup (<sup>) | raised (position:relative) | valign (vertical-align)
    justify: str = "inter-character"  # inter-character | letter-spacing
    spaced: bool = False  # a space between every two Chinese characters (Skia draws no space glyph: gaps)
    running: bool = False
    font: str = "Fixture Sans"  # with webfont: fonts.py's TrueType subsets, loaded from fonts/
    webfont: bool = True  # False: `font` is an installed font, found by fontconfig
    droid: bool = False  # regular text in Droid Sans Fallback (smaller files), bold in the Noto subset
    body: float = 10.0
    note: float = 8.0


def _css(layout):
    width, height = layout.page
    b, n = layout.body, layout.note
    justify = "text-align: justify; text-justify: inter-character;"
    if layout.justify == "letter-spacing":
        justify = "text-align: justify; letter-spacing: 0.06em;"
    markers = {
        "sup": "sup.mk { font-size: 62%; vertical-align: super; line-height: 0; }",
        "raised": "span.mk.raised { position: relative; top: -0.55em; font-size: 60%; }",
        "valign": "span.mk.valign { vertical-align: 0.5em; font-size: 60%; line-height: 0; }",
    }[layout.marker]
    multicol = "column-count: 2; column-gap: 7mm; column-fill: auto;" if layout.multicol else ""
    faces = ""
    if layout.webfont:
        # Regular text in Droid Sans Fallback (compact TrueType outlines), bold in the Noto
        # subset: a font without a bold face would be emboldened by Skia as Type 3 glyphs.
        # Droid has no Latin letters: they come from the Noto subset (unicode-range), else
        # fontconfig's fallback would be the system's Noto CJK (CFF), drawn as Type 3.
        family = f"font-family: '{layout.font}'"
        faces = (
            f"@font-face {{ {family}; font-weight: 400; src: url('fonts/NotoSansSC-regular.ttf'); }}\n"
            f"@font-face {{ {family}; font-weight: 700; src: url('fonts/NotoSansSC-bold.ttf'); }}\n"
        )
        if layout.droid:
            faces = (
                f"@font-face {{ {family}; font-weight: 400; src: url('fonts/NotoSansSC-regular.ttf'); "
                "unicode-range: U+0000-024F, U+2000-206F; }\n"
                f"@font-face {{ {family}; font-weight: 400; src: local('Droid Sans Fallback'); "
                "unicode-range: U+2E80-9FFF, U+F900-FAFF, U+FE30-FE4F, U+FF00-FFEF; }\n"
                f"@font-face {{ {family}; font-weight: 700; src: url('fonts/NotoSansSC-bold.ttf'); }}\n"
            )
    return faces + f"""
@page {{ size: {width} {height}; margin: 0; }}
html, body {{ margin: 0; padding: 0; }}
body {{ font-family: '{layout.font}', sans-serif; font-size: {b}pt; line-height: 1.5; color: #000; }}
.page {{ width: {width}; height: {height}; box-sizing: border-box; padding: {layout.margin};
        display: flex; flex-direction: column; break-after: page; overflow: hidden; }}
.page:last-child {{ break-after: auto; }}
.head, .foot {{ flex: none; font-size: {n}pt; height: 8mm; }}
.odd .head {{ text-align: right; }}
.foot {{ text-align: center; line-height: 8mm; }}
.frames {{ flex: 1 1 auto; min-height: 0; display: flex; gap: 7mm; }}
.frame {{ flex: 1 1 0; min-width: 0; min-height: 0; display: flex; flex-direction: column; }}
.body {{ flex: 1 1 auto; min-height: 0; overflow: hidden; {multicol} }}
.notes {{ flex: none; font-size: {n}pt; line-height: 1.4; }}
.notes:not(:empty)::before {{ content: ""; display: block; width: 30%; border-top: 0.6pt solid #000;
        margin: 4pt 0 3pt; }}
p {{ margin: 0 0 3pt; {justify} }}
p.split {{ text-align-last: justify; }}
p.item {{ font-size: {b + 2}pt; font-weight: bold; margin: 6pt 0; text-align: left; }}
p.section {{ font-size: {b + 1}pt; font-weight: bold; margin: 4pt 0; text-align: left; }}
p.sub {{ font-weight: bold; padding-left: 1em; text-align: left; }}
p.decision {{ font-weight: bold; text-indent: 2em; text-align: left; }}
p.verdict {{ font-weight: bold; text-align: left; }}
p.paragraph {{ text-indent: 2em; }}
p.clause {{ font-size: {b - 1}pt; margin-left: 2em; text-indent: 2em; }}
p.cont {{ text-indent: 0; }}
p.note {{ margin: 0 0 1pt; padding-left: 2em; text-indent: -2em; }}
p.note .num {{ display: inline-block; width: 2em; text-indent: 0; }}
span.nw {{ white-space: nowrap; }}
{markers}
"""


def _spaced(text):
    # A space between two Chinese characters (and around Chinese punctuation), as Word's
    # distributed justification leaves them in an extraction: "第 27 页 ( 巴 基 斯 坦 ) ；".
    return re.sub(rf"(?<=[{_HAN}])(?=[{_HAN}])", " ", text)


def write_html(chapter, layout, path, job="09-25533 (C)"):
    """The chapter as an HTML page that paginates itself (paginate.js inlined)."""
    fix = _spaced if layout.spaced else (lambda t: t)
    data = {
        "layout": {"columns": layout.columns, "multicol": layout.multicol, "marker": layout.marker,
                   "running": layout.running, "job": job},
        "blocks": [{"kind": b.kind, "item": b.item, "runs": [r if isinstance(r, int) else fix(r) for r in b.runs]}
                   for b in chapter.blocks],
        "notes": {f"{n.item}:{n.number}": fix(n.text) for n in chapter.notes},
    }
    # "</" never appears inside the script element.
    payload = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    script = (HERE / "paginate.js").read_text(encoding="utf-8")
    path.write_text(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
        f"<title>{chapter.name}</title><style>{_css(layout)}</style></head>\n<body><div id=\"book\"></div>\n"
        f"<script type=\"application/json\" id=\"chapter\">{payload}</script>\n<script>{script}</script>\n"
        "</body></html>\n",
        encoding="utf-8",
    )


def _chromium(args, tmp):
    return subprocess.run(
        CHROMIUM + [f"--user-data-dir={tmp}/profile"] + args,
        check=True, capture_output=True, text=True, timeout=300,
    )


def convert(html, pdf, static):
    """Paginate `html` in Chromium, keep the laid-out page as `static`, print it to `pdf`."""
    with tempfile.TemporaryDirectory() as tmp:
        dom = _chromium(["--dump-dom", html.resolve().as_uri()], tmp).stdout
        if "data-pages=" not in dom:
            raise RuntimeError(f"{html}: the pagination script did not run")
        if not dom.lstrip().lower().startswith("<!doctype"):
            dom = "<!DOCTYPE html>\n" + dom
        static.write_text(dom, encoding="utf-8")
        _chromium([f"--print-to-pdf={pdf.resolve()}", "--no-pdf-header-footer", static.resolve().as_uri()], tmp)


def version():
    return subprocess.run(["chromium", "--version"], capture_output=True, text=True).stdout.strip()
