"""gunicorn settings for serving Repertoire Search in production.

    .venv/bin/python -m search build                       # once, and after adding chapters
    .venv/bin/gunicorn -c gunicorn.conf.py 'search:create_app()'

Environment (all optional):

    REPERTOIRE_BIND      address to listen on (default 127.0.0.1:8000; put a reverse proxy in front)
    WEB_CONCURRENCY      worker processes (default: the number of CPUs, at least 2, at most 4)
    GUNICORN_THREADS     threads per worker (default 4)
    GUNICORN_TIMEOUT     seconds before a silent worker is killed and replaced (default 30)
    GUNICORN_ACCESSLOG   access log file, "-" for stdout (default: none)
    REPERTOIRE_INDEX_DIR, REPERTOIRE_SEEDS_DIR   as for `python -m search serve`

The sentence encoder of the meaning search (search.index.encoder, ~140 MB) is loaded in the master
before it forks (`when_ready`): its arrays are never written, so every worker shares its pages
instead of holding a copy (bench/meaning_bench.py measures the workers' PSS).

The app is not preloaded: each worker imports it, opens the index and initialises jieba once
(warmed up in `post_worker_init`, before it takes requests), and its threads share it. A rebuild swaps the index in atomically; each worker notices the new version on
its next request, so there is no need to restart or reload gunicorn.
"""
import os
import subprocess
import sys


def _int_env(name, default):
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


bind = os.environ.get("REPERTOIRE_BIND", "127.0.0.1:8000")
workers = _int_env("WEB_CONCURRENCY", min(4, max(2, os.cpu_count() or 1)))
threads = _int_env("GUNICORN_THREADS", 4)
worker_class = "gthread"
preload_app = False  # each worker opens jieba and the index itself (a forked Whoosh index is not shared safely)
timeout = _int_env("GUNICORN_TIMEOUT", 30)
graceful_timeout = 30
keepalive = 5
# The app searches the first 500 characters of a query: 500 Han characters are 4,500 bytes
# percent-encoded, beyond gunicorn's default request-line limit of 4,094. 8,190 is its maximum.
limit_request_line = 8190
limit_request_fields = 50
limit_request_field_size = 8190
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
proc_name = "repertoire-search"
# No `gunicornc` control socket: it would be one fixed path (~/.gunicorn/gunicorn.ctl) shared by every
# instance on the machine; reload with SIGHUP and stop with SIGTERM instead.
control_socket_disable = True
# Worker heartbeats on a RAM disk, as gunicorn recommends for containers.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# A request from here must never show a traceback, whatever the environment says.
raw_env = ["FLASK_DEBUG=0"]


def on_starting(server):
    """Serve the index that is there, with the engine that built it; build one from the seed chapters
    only when there is nothing at the index path (like `python -m search serve`; REPERTOIRE_ENGINE
    chooses the engine of that first build). Refuse to start, in one line, on an index that cannot
    be served: never build over it."""
    from search.config import index_dir as configured_index_dir
    from search.errors import IndexError_
    from search.index.store import clean_index_dir, servable_engine

    # The same place every worker's create_app() opens (search.config.index_dir).
    index_dir = str(configured_index_dir())
    try:
        clean_index_dir(index_dir)  # what killed builds left
        engine = servable_engine(index_dir)
    except IndexError_ as exc:
        raise RuntimeError(str(exc)) from None  # gunicorn prints "Error: <message>" and exits 1
    if engine is None:
        server.log.info("no index at %s: building it from the seed chapters", index_dir)
        # In a child process, so that the master stays small and does not hold jieba or the index.
        subprocess.run([sys.executable, "-m", "search", "build", "--index", index_dir], check=False)


def when_ready(server):
    """Load the sentence encoder in the master, before the workers fork, so that they share it."""
    from search.index.encoder import warm_up

    try:
        warm_up()
    except Exception as exc:  # the workers load it themselves then
        server.log.warning("encoder not preloaded: %s", exc)


def post_worker_init(worker):
    """Open the index and initialise jieba before the worker takes its first request."""
    from search.web.state import warm_up

    try:
        warm_up(worker.wsgi)
    except Exception as exc:  # a warm-up must never stop the worker; requests report the problem
        worker.log.warning("warm-up failed: %s", exc)
