"""The URL is the state: links to other search states, built here so templates only print them.

Functions take the current path and the query string as (name, value) pairs and never import
Flask, as datasette's ``path_with_added_args`` / ``path_with_removed_args`` do.

>>> path_with_added_args("/search", [("q", "和平"), ("page", "2")], {"page": None, "sort": "date"})
'/search?q=%E5%92%8C%E5%B9%B3&sort=date'
"""
from urllib.parse import urlencode

from ..query.params import SORTS


def pairs_of(args):
    """The (name, value) pairs of a MultiDict-like mapping, a dict or a list of pairs."""
    if hasattr(args, "getlist"):
        return list(args.items(multi=True))
    if hasattr(args, "items"):
        return [(k, v) for k, vs in args.items() for v in (vs if isinstance(vs, (list, tuple)) else [vs])]
    return list(args)


def multi(pairs):
    """(name, value) pairs as a dict of lists, the shape SearchParams.from_mapping reads."""
    out = {}
    for k, v in pairs:
        out.setdefault(k, []).append(v)
    return out


def path_with_query(path, pairs):
    """`path` with `pairs` as its query string (no '?' when there are none)."""
    pairs = [(k, v) for k, v in pairs if v is not None and v != ""]
    return f"{path}?{urlencode(pairs)}" if pairs else path


def path_with_added_args(path, pairs, added):
    """Set each name of `added` to its value (None removes the name); other pairs keep their order."""
    kept = [(k, v) for k, v in pairs if k not in added]
    return path_with_query(path, kept + [(k, v) for k, v in added.items() if v is not None])


def path_with_removed_args(path, pairs, removed, normalize=None):
    """Drop the (name, value) pairs in `removed`; a value of None drops every value of the name.

    `normalize(name, value)` lets ``country=法国`` match a removal of ``("country", "FRA")``.
    """
    norm = normalize or (lambda name, value: value)
    drop_all = {k for k, v in removed if v is None}
    drop = {(k, norm(k, v)) for k, v in removed if v is not None}
    kept = [(k, v) for k, v in pairs if k not in drop_all and (k, norm(k, v)) not in drop]
    return path_with_query(path, kept)


def without_page(pairs):
    """Pairs minus the page number: any change of filter or sort starts again at page 1."""
    return [(k, v) for k, v in pairs if k != "page"]


class FacetToggles:
    """Checkbox-style links for every value of a result's facets: a link adds the value to the facet,
    or removes it when it is selected. Any change of filter starts again at page 1. The pairs are
    encoded and normalised once, not once per value shown, so each link costs its own length.

    >>> toggles = FacetToggles("/search", [("q", "和平"), ("country", "FRA"), ("page", "2")])
    >>> toggles.url("country", "FRA", True), toggles.url("country", "GBR", False)
    ('/search?q=%E5%92%8C%E5%B9%B3', '/search?q=%E5%92%8C%E5%B9%B3&country=FRA&country=GBR')
    """

    def __init__(self, path, pairs, normalize=None):
        norm = normalize or (lambda name, value: value)
        kept = [(k, v) for k, v in without_page(pairs) if v is not None and v != ""]
        self.path = path
        self.encoded = [urlencode([(k, v)]) for k, v in kept]
        self.keys = [(k, norm(k, v)) for k, v in kept]
        self.norm = norm

    def _join(self, encoded):
        return f"{self.path}?{'&'.join(encoded)}" if encoded else self.path

    def url(self, name, value, selected):
        """The link that adds `value` to facet `name`, or removes it when `selected`."""
        if selected:
            drop = (name, self.norm(name, value))
            return self._join([e for e, key in zip(self.encoded, self.keys) if key != drop])
        return self._join([*self.encoded, urlencode([(name, str(value))])])


def sort_links(path, pairs, current):
    """One link per sort order, the current one marked."""
    pairs = without_page(pairs)
    return [
        {"value": value, "label": label, "current": value == current,
         "url": path_with_added_args(path, pairs, {"sort": value})}
        for value, label in SORTS.items()
    ]


def pagination(path, pairs, page, per_page, total, window=2):
    """Previous/next links and a window of page numbers with gaps (None) between."""
    last = max(1, -(-total // per_page)) if per_page else 1

    def url(n):
        return path_with_added_args(path, pairs, {"page": str(n) if n > 1 else None})

    numbers = sorted({1, last, *range(max(1, page - window), min(last, page + window) + 1)})
    pages, previous = [], 0
    for n in numbers:
        if n - previous > 1:
            pages.append(None)
        pages.append({"number": n, "url": url(n), "current": n == page})
        previous = n
    return {
        "page": page,
        "last": last,
        "prev_url": url(page - 1) if page > 1 else None,
        "next_url": url(page + 1) if page < last else None,
        "pages": pages if last > 1 else [],
    }


def hidden_inputs(pairs, exclude):
    """The pairs a GET form must carry along so that submitting it keeps the rest of the state."""
    return [{"name": k, "value": v} for k, v in pairs if k not in exclude and k != "page"]
