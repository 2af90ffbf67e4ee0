"""One place for paths and settings: the index location, the seed chapters, page sizes, limits.

Every entry point (create_app, the command line, gunicorn.conf.py) asks `index_dir()` where the
index is, so that a server's master and its workers can never disagree about it.
"""
import os
from importlib import resources
from pathlib import Path

from .errors import CorpusError

PACKAGE = Path(str(resources.files(__package__)))
DATA_DIR = PACKAGE / "data"


def _project_root():
    # A checkout keeps templates/, static/ and seeds/ beside the package; a wheel carries them
    # inside it (pyproject.toml's package-dir).
    return PACKAGE if (PACKAGE / "templates").is_dir() else PACKAGE.parent


PROJECT_ROOT = _project_root()
IS_CHECKOUT = (PROJECT_ROOT / "pyproject.toml").is_file()

PAGE_SIZE = 20             # hits (and records of a meeting or document page) per page
MAX_PER_PAGE = 100         # the most a request may ask for
MAX_RESULT_DEPTH = 10000   # hits a search can page through; a page beyond shows the last one there
MAX_PAGE = 10000           # the highest page number a request may give (search/data/openapi.json)
MAX_FACET_VALUES = 20      # values of one filter a request may select; the rest are dropped with a notice
MAX_FILTER_VALUES = 40     # values of all filters together
MAX_QUERY = 500            # characters of q searched; the rest is cut with a notice (the search box's maxlength too)
MAX_SUGGEST_QUERY = 200    # characters of what is being typed that suggestions look at
# Bytes of a request's target (path and query string) the app reads; longer gets its own 414, below
# gunicorn's request-line limit of 8,190 (gunicorn.conf.py).
MAX_REQUEST_TARGET = 8000
MAX_CHAPTER_BYTES = 256 * 2 ** 20  # a chapter file (text or PDF) larger than this is refused
EXPORT_PAGE = 100          # hits fetched at a time while an export streams every page


def default_index_dir():
    """instance/index of a checkout; an installed package is read-only, so there: ./instance/index."""
    return (PROJECT_ROOT if IS_CHECKOUT else Path.cwd()) / "instance" / "index"


def index_dir(given=None):
    """Where the index lives: `given` (a command's --index, a test's config), else
    REPERTOIRE_INDEX_DIR, else `default_index_dir()`; always an absolute path."""
    return Path(given or os.environ.get("REPERTOIRE_INDEX_DIR") or default_index_dir()).absolute()


def seeds_dir():
    """The chapters indexed when there is no index yet: REPERTOIRE_SEEDS_DIR, else the seeds/ folder."""
    return Path(os.environ.get("REPERTOIRE_SEEDS_DIR") or PROJECT_ROOT / "seeds")


def seed_files():
    """The chapter files of `seeds_dir()` (*.txt and *.pdf, sorted). :raises CorpusError: there are none."""
    seeds = seeds_dir()
    files = sorted([*seeds.glob("*.txt"), *seeds.glob("*.pdf")])
    if not files:
        raise CorpusError(seeds, "no chapter files (*.txt, *.pdf) here: give files, or set REPERTOIRE_SEEDS_DIR")
    return files
