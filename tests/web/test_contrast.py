"""Every text colour of static/style.css against every light surface it may stand on: WCAG AA, 4.5:1.

A rule that sets both a colour and a background is checked against that background; a colour alone
(the text of most rules) against the page, the cards, and every light background the stylesheet
gives anything (a hovered facet, a selected suggestion, a footnote's badge, the notices, <mark>...).
"""
import re

import pytest

from paths import ROOT

CSS = (ROOT / "static" / "style.css").read_text(encoding="utf-8")
AA = 4.5


def _rules(css):
    """(selector, {property: value}) of every rule, media queries' rules included."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    return [(sel.strip(), dict((k.strip(), v.strip()) for k, v in re.findall(r"([\w-]+)\s*:\s*([^;]+)", body)))
            for sel, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css)]


RULES = _rules(CSS)
VARIABLES = {k: v for sel, decl in RULES if sel == ":root" for k, v in decl.items() if k.startswith("--")}


def rgb(value):
    """A colour value as (r, g, b), variables resolved; None for anything that is not one colour."""
    value = value.strip()
    m = re.fullmatch(r"var\((--[\w-]+)(?:,\s*(.+))?\)", value)
    if m:
        return rgb(VARIABLES.get(m.group(1)) or m.group(2) or "")
    value = {"white": "#fff", "#fff": "#ffffff"}.get(value, value)
    if re.fullmatch(r"#[0-9a-fA-F]{3}", value):
        value = "#" + "".join(c * 2 for c in value[1:])
    if re.fullmatch(r"#[0-9a-fA-F]{6}", value):
        return tuple(int(value[i:i + 2], 16) for i in (1, 3, 5))
    return None


def luminance(colour):
    def channel(c):
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = map(channel, colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b):
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _background(decl):
    value = decl.get("background-color") or decl.get("background")
    return rgb(value.split()[0]) if value else None


# Light surfaces text may stand on: the page, the cards, and every light background of a rule that
# leaves the colour of its text to what it holds. (A dark background carries its own white text.)
SURFACES = {"var(--paper)": rgb("var(--paper)"), "var(--card)": rgb("var(--card)"),
            **{sel: _background(d) for sel, d in RULES
               if "color" not in d and _background(d) and luminance(_background(d)) > 0.5}}
TEXT = [(sel, d["color"], _background(d)) for sel, d in RULES
        if "color" in d and d["color"] not in ("inherit", "currentColor", "transparent")]


def test_the_stylesheet_is_read_whole():
    assert len(TEXT) > 40 and len(SURFACES) > 8 and all(rgb(c) for _, c, _ in TEXT)


@pytest.mark.parametrize("selector, colour, background", TEXT, ids=[t[0][:60] for t in TEXT])
def test_text_colour_has_aa_contrast_on_every_surface_it_may_stand_on(selector, colour, background):
    on = {"own background": background} if background else SURFACES
    low = {name: round(contrast(rgb(colour), surface), 2) for name, surface in on.items()
           if contrast(rgb(colour), surface) < AA}
    assert low == {}


def test_the_permalink_mark_of_a_meeting_page_is_readable():
    (decl,) = [d for sel, d in RULES if sel == ".para-link"]
    assert min(contrast(rgb(decl["color"]), s) for s in SURFACES.values()) >= AA


def test_the_edges_of_inputs_and_checkboxes_have_3_to_1_on_every_surface():
    # WCAG 1.4.11: what shows where a control is must stand out 3:1.
    edges = [d.get("border") for sel, d in RULES if sel.startswith(('input[type="search"]', ".facet-toggle .box"))]
    assert edges == ["1px solid var(--control)", "1.5px solid var(--control)"]
    assert min(contrast(rgb("var(--control)"), s) for s in SURFACES.values()) >= 3
