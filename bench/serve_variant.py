"""Our server with two candidate fixes patched in from outside, to measure them before they are made.

    .venv/bin/python bench/serve_variant.py --index bench/out/n100/index --port 5200 [--no-pool] [--no-warm]
    .venv/bin/python bench/run.py --sizes 100 --ours-variant      # the benchmark against it

- pool: searchers are reused across requests (a small pool, returned on teardown) instead of
  opening one per request. Opening one copies the compound segment's files out of the mmap
  (whoosh BufferFile -> BytesIO) and reads the stored-field offsets of every document in a Python
  loop, a cost proportional to the index size paid by every request.
- warm: jieba is initialised and one search is run before the server listens, so that the first
  request does not pay for them.

An experiment only: the pool ignores index swaps (a rebuild while serving is not picked up).
"""
import argparse
import queue
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def patch_pool(app, size=8):
    """Make search.web.get_searcher take a searcher from a pool and give it back on teardown."""
    from flask import g

    from search import web

    pool = queue.LifoQueue(maxsize=size)

    def get_searcher():
        if "pooled_searcher" not in g:
            try:
                g.pooled_searcher = pool.get_nowait()
            except queue.Empty:
                g.pooled_searcher = web.get_index().searcher()
        return g.pooled_searcher

    def give_back(exc=None):
        searcher = g.pop("pooled_searcher", None)
        if searcher is not None:
            try:
                pool.put_nowait(searcher)
            except queue.Full:
                searcher.close()

    web.get_searcher = get_searcher
    app.teardown_appcontext(give_back)


def warm(app):
    """Initialise jieba and the index's cached arrays before listening."""
    from search.analysis import get_jieba

    get_jieba()
    with app.test_client() as client:
        client.get("/api/search?q=%E5%AE%89%E5%85%A8&per_page=1")  # 安全


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5200)
    parser.add_argument("--no-pool", action="store_true")
    parser.add_argument("--no-warm", action="store_true")
    args = parser.parse_args(argv)
    from search import create_app

    t0 = time.perf_counter()
    app = create_app({"INDEX_DIR": args.index})
    if not args.no_pool:
        patch_pool(app)
    if not args.no_warm:
        warm(app)
    print(f"variant (pool={not args.no_pool}, warm={not args.no_warm}) ready to listen after "
          f"{time.perf_counter() - t0:.2f} s", file=sys.stderr)
    app.run(host=args.host, port=args.port, use_reloader=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
