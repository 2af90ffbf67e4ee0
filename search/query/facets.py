"""Facet values: labels in Chinese and English, and the ordered values a result shows."""
import functools
from dataclasses import dataclass

from ..reference import gazetteer
from ..reference.charter import charter_label
from ..reference.meeting_text import meeting_label, short_topic, zh_date
from ..reference.meetings import get_table
from .params import FACETS, KINDS


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    label_en: str | None
    count: int
    selected: bool

    def to_dict(self):
        return {"value": self.value, "label": self.label, "label_en": self.label_en,
                "count": self.count, "selected": self.selected}


@functools.lru_cache(maxsize=4096)
def facet_label(facet, value):
    """(Chinese label, English label) of a facet value."""
    if facet in ("country", "org"):
        e = (gazetteer.country if facet == "country" else gazetteer.org)(value)
        return (e.zh, e.en) if e else (value, value)
    if facet == "meeting":
        meeting = get_table().get(value)
        if meeting is None:  # after June 2022, or not in the UN library's table
            return meeting_label(value), f"meeting {value}"
        return (f"{meeting_label(value)} · {zh_date(meeting.date)}",
                f"S/PV.{value} · {meeting.date} · {short_topic(meeting.topic)}")
    if facet == "year":
        return f"{value} 年", value
    if facet == "kind":
        return KINDS.get(value, (value, value))
    if facet == "charter":
        return charter_label(value) or (value, value)
    return value, value


def _sort_key(value):
    return (int(value), "") if value.isdigit() else (0, value)


# Facets listed in the order of their values (years by date), not most frequent first.
BY_VALUE = frozenset({"year"})


def facet_values(counts, params):
    """{facet: (FacetValue, ...)} from an engine's {facet: {value: count}}: most frequent first (years
    by date), selected values kept (with their count, 0 when none is left) so that they can be unselected."""
    out = {}
    for f in FACETS:
        selected = set(getattr(params, f))
        values = {v: c for v, c in (counts.get(f) or {}).items() if c}
        for v in selected:
            values.setdefault(v, 0)
        if f in BY_VALUE:
            ordered = sorted(values.items(), key=lambda vc: _sort_key(vc[0]))
        else:
            ordered = sorted(values.items(), key=lambda vc: (-vc[1], _sort_key(vc[0])))
        out[f] = tuple(FacetValue(v, *facet_label(f, v), c, v in selected) for v, c in ordered)
    return out
