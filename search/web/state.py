"""Per-process state of the web layer: the open index generation each request uses (reference-
counted, so a replaced one closes when its last request ends), the warm-up, remembered links."""
import logging
import threading

from flask import current_app, g, request, url_for

from ..errors import RepertoireError
from ..index.store import current_generation
from ..query.searcher import open_searcher
from ..reference.meeting_text import meeting_label

log = logging.getLogger(__name__)
LINKS_KEPT = 50_000


class _Open:
    """An open index generation and how many requests are using it."""

    def __init__(self, searcher):
        self.searcher, self.users, self.retired = searcher, 0, False


def init_app(app):
    """Per-process state: the open index and the lock that guards reopening it; the templates' helpers."""
    app.extensions["repertoire"] = {"lock": threading.Lock(), "open": None, "links": {}}
    app.jinja_env.filters["meeting_label"] = meeting_label
    app.teardown_appcontext(_release_searcher)


def get_searcher():
    """The open index (a search.query.searcher.Searcher) this request uses from its first call to its
    end: the current generation, opened anew when a build has swapped another one in.

    Each generation counts the requests using it; one that a newer generation has replaced closes
    its files when its last request ends, so that a long-running server never piles up the
    descriptors of old versions (deleted files stay open for as long as someone holds them)."""
    held = g.get("repertoire_open")
    if held is not None:
        return held.searcher
    state = current_app.extensions["repertoire"]
    index_dir = current_app.config["INDEX_DIR"]
    generation = current_generation(index_dir)
    if generation is None:
        raise RepertoireError(f"索引不存在：{index_dir}（请先运行 python -m search build）")
    with state["lock"]:
        current = state["open"]
        if current is None or current.searcher.generation != generation:
            fresh = _Open(open_searcher(index_dir))
            if current is not None:
                current.retired = True
                if current.users == 0:
                    current.searcher.close()
            state["open"] = current = fresh
        current.users += 1
    g.repertoire_open = current
    return current.searcher


def _release_searcher(exc=None):
    """At the end of a request (or app context): let go of its generation; close a replaced one
    that nobody uses any more."""
    held = g.pop("repertoire_open", None)
    if held is None:
        return
    with current_app.extensions["repertoire"]["lock"]:
        held.users -= 1
        if held.retired and held.users == 0:
            held.searcher.close()


def warm_up(app):
    """Before the first request: open the index, load jieba, the meetings table and the suggestion
    index, and go once through the search and home routes (Flask, the templates, the JSON provider),
    so that the first user does not pay for any of it."""
    with app.app_context():
        get_searcher().warm_up()
    client = app.test_client()
    for path in ("/api/search?q=%E5%AE%89%E5%85%A8%E7%90%86%E4%BA%8B%E4%BC%9A+%E5%90%88%E4%BD%9C",
                 "/search?q=%E5%92%8C%E5%B9%B3&country=FRA", "/", "/api/suggest?q=an"):
        response = client.get(path)
        if response.status_code != 200:
            log.warning("warm-up: %s answered %s", path, response.status_code)


def link_function():
    """url_for for this request, remembered per app and script root: a page of hits links the same
    documents and meetings many times over, and the URL map never changes while the app runs."""
    roots = current_app.extensions["repertoire"]["links"]
    links = roots.get(request.script_root)
    if links is None:
        links = roots.setdefault(request.script_root, {})

    def link(endpoint, **values):
        key = (endpoint, *values.items())
        try:
            url = links.get(key)
        except TypeError:  # a value that cannot be a key (a list)
            return url_for(endpoint, **values)
        if url is None:
            if len(links) >= LINKS_KEPT:
                links.clear()
            url = links[key] = url_for(endpoint, **values)
        return url

    return link
