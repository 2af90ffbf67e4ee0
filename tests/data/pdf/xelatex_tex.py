"""Chapter -> LaTeX (ctexart) -> PDF with XeLaTeX (xdvipdfmx).

TeX does the typesetting: real \\footnote{...} whose counter each item heading resets (the
Repertoire numbers notes per item), notes at the foot of each column in `twocolumn`, a
paragraph broken wherever the page builder puts it, CJK justified by xeCJK's inter-character
glue. TeX draws no space glyphs at all: every space, also between Latin words, is a gap.
"""
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "%": r"\%", "$": r"\$", "#": r"\#",
            "&": r"\&", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


@dataclass(frozen=True)
class TexLayout:
    twocolumn: bool = False
    paper: str = "a4paper"
    margin: str = "2cm"
    running: bool = False
    baseline_note_numbers: bool = False  # note numbers on the baseline, hanging (else raised, LaTeX's default)
    font: str = "fandol"  # ctex fontset: fandol (FandolSong) | noto (Noto Serif CJK SC)


def _escape(text):
    return "".join(_SPECIAL.get(ch, ch) for ch in text)


def _content(chapter, block):
    parts = []
    for run in block.runs:
        if isinstance(run, int):
            parts.append(r"\footnote{" + _escape(chapter.note(block.item, run).text) + "}")
        else:
            parts.append(_escape(run))
    return "".join(parts)


_PREAMBLE = r"""\documentclass[UTF8,zihao=5,%(columns)s,fontset=%(fontset)s]{ctexart}
\usepackage[%(paper)s,margin=%(margin)s]{geometry}
\usepackage{fancyhdr}
%(font)s\setlength{\columnsep}{7mm}
%% No glue of xeCJK's own between Chinese and Latin text: only the spaces the source has ("8日"
%% and "8 日" would otherwise print alike, and no reader could tell them apart).
\xeCJKsetup{CJKecglue={}}
\setlength{\parindent}{2em}
\setlength{\parskip}{2pt plus 1pt}
%% No hyphenation: a hyphen TeX adds would not be in the text.
\hyphenpenalty=10000 \uchyph=0 \emergencystretch=3em \sloppy
\pagestyle{%(pagestyle)s}
\fancyhf{}
\renewcommand{\headrulewidth}{0pt}
\fancyhead[RO,LE]{\footnotesize 09-25533 (C)}
\fancyfoot[C]{\footnotesize\thepage}
%(notes)s
\newcommand\RepItem[1]{\par\setcounter{footnote}{0}\vspace{8pt plus 2pt}%%
  {\noindent\large\bfseries #1\par}\nopagebreak\vspace{4pt}\nopagebreak}
\newcommand\RepSection[1]{\par\vspace{4pt}{\noindent\normalsize\bfseries\large #1\par}\nopagebreak\vspace{2pt}\nopagebreak}
%% Level-3 headings, decision headings and decision lines: bold at the body's size.
\newcommand\RepSub[1]{\par{\noindent\hspace*{1em}\bfseries #1\par}\nopagebreak}
\newcommand\RepDecision[1]{\par{\noindent\hspace*{2em}\bfseries #1\par}\nopagebreak}
\newcommand\RepVerdict[1]{\par{\noindent\bfseries #1\par}\nopagebreak}
\newenvironment{RepClause}{\par\small\leftskip=2em}{\par}
\begin{document}
"""

_BASELINE_NOTES = r"""\makeatletter
\renewcommand\@makefntext[1]{\noindent\hangindent=1.8em\hangafter=1\makebox[1.8em][l]{\@thefnmark}#1}
\makeatother
"""


def write_tex(chapter, layout, path):
    """Write the chapter as a ctexart document."""
    font = ""
    fontset = "fandol"
    if layout.font == "noto":
        fontset = "none"
        font = ("\\setCJKmainfont{Noto Serif CJK SC}[BoldFont={Noto Serif CJK SC Bold}]\n"
                "\\setCJKsansfont{Noto Sans CJK SC}\n\\setCJKmonofont{Noto Sans CJK SC}\n")
    out = [_PREAMBLE % {
        "columns": "twocolumn" if layout.twocolumn else "onecolumn",
        "fontset": fontset,
        "paper": layout.paper,
        "margin": layout.margin,
        "font": font,
        "pagestyle": "fancy" if layout.running else "plain",
        "notes": _BASELINE_NOTES if layout.baseline_note_numbers else "",
    }]
    for block in chapter.blocks:
        content = _content(chapter, block)
        if block.kind == "item":
            out.append(rf"\RepItem{{{content}}}")
        elif block.kind == "section":
            out.append(rf"\RepSection{{{content}}}")
        elif block.kind == "sub":
            out.append(rf"\RepSub{{{content}}}")
        elif block.kind == "decision":
            out.append(rf"\RepDecision{{{content}}}")
        elif block.kind == "verdict":
            out.append(rf"\RepVerdict{{{content}}}")
        elif block.kind == "clause":
            out.append(rf"\begin{{RepClause}}{content}\end{{RepClause}}")
        else:
            out.append(content + "\n")
    out.append(r"\end{document}")
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def convert(tex, pdf):
    """tex -> pdf with xelatex in a scratch folder (its .aux and .log stay there)."""
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copy(tex, Path(tmp) / tex.name)
        run = subprocess.run(
            ["xelatex", "-interaction=nonstopmode", "-halt-on-error", tex.name],
            cwd=tmp, capture_output=True, text=True, timeout=600,
        )
        if run.returncode:
            raise RuntimeError(f"{tex}: xelatex failed:\n{run.stdout[-3000:]}")
        shutil.move(Path(tmp) / (tex.stem + ".pdf"), pdf)


def version():
    first = subprocess.run(["xelatex", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    ctex = Path(subprocess.run(["kpsewhich", "ctex.sty"], capture_output=True, text=True).stdout.strip())
    m = re.search(r"\{\\ExplFileDate\}\{([\d.]+)\}", ctex.read_text(encoding="utf-8"))
    return f"{first}; ctex {m.group(1) if m else '?'}"
