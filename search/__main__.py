"""Command line: python -m search parse | build | serve | query."""
import argparse
import json
import os
import sys
from pathlib import Path

from . import PROJECT_ROOT
from .errors import RepertoireError

DEFAULT_INDEX = PROJECT_ROOT / "instance" / "index"


def _default_files():
    seeds = Path(os.environ.get("REPERTOIRE_SEEDS_DIR") or PROJECT_ROOT / "seeds")
    return sorted(seeds.glob("*.txt"))


def _index_dir(args):
    return Path(args.index or os.environ.get("REPERTOIRE_INDEX_DIR") or DEFAULT_INDEX)


def cmd_parse(args):
    from .corpus import parse_corpus, record_to_dict

    corpus = parse_corpus(args.files or _default_files(), strict=args.strict)
    for warning in corpus.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    out = {
        "paragraphs": [record_to_dict(p) for p in corpus.paragraphs],
        "footnotes": [record_to_dict(f) for f in corpus.footnotes],
    }
    json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


def cmd_build(args):
    from .indexer import build_index

    stats = build_index(args.files or _default_files(), _index_dir(args), progress=sys.stderr.isatty(),
                        strict=args.strict)
    for warning in stats["warnings"]:
        print(f"warning: {warning}", file=sys.stderr)
    print(f"indexed {stats['units']} units into {_index_dir(args)} in {stats['seconds']:.1f} s", file=sys.stderr)


def cmd_serve(args):
    from . import create_app
    from .indexer import build_index, index_exists

    index_dir = _index_dir(args)
    if not index_exists(index_dir):
        print(f"no index at {index_dir}: building it from the seed corpus", file=sys.stderr)
        build_index(_default_files(), index_dir, progress=sys.stderr.isatty())
    app = create_app({"INDEX_DIR": str(index_dir)})
    _warm_up(index_dir)
    app.run(host=args.host, port=args.port, debug=args.debug, use_reloader=False)


def _warm_up(index_dir):
    """Load jieba and the index's columns before the first request, so it does not wait for them."""
    from .indexer import open_index
    from .query import SearchParams, run_search

    with open_index(index_dir).searcher() as searcher:
        run_search(searcher, SearchParams.from_mapping({"q": "安全理事会", "per_page": 1}))


def cmd_query(args):
    from .indexer import open_index
    from .query import SearchParams, format_result_text, run_search

    params = SearchParams.from_mapping(
        {"q": args.text, "country": args.country, "meeting": args.meeting, "per_page": args.limit}
    )
    ix = open_index(_index_dir(args))
    with ix.searcher() as searcher:
        result = run_search(searcher, params)
    if args.json:
        json.dump(result.to_dict(), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(format_result_text(result))


def build_parser():
    parser = argparse.ArgumentParser(prog="python -m search", description="安理会惯例汇辑检索 / Repertoire Search")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("parse", help="parse chapter files and print paragraphs and footnotes as JSON")
    p.add_argument("files", nargs="*", type=Path, help="chapter files (default: seeds/*.txt)")
    p.add_argument("--strict", action="store_true", help="fail on a chapter that does not pass the ingestion checks")
    p.set_defaults(func=cmd_parse)

    p = sub.add_parser("build", help="build the search index (atomically replaces the old one)")
    p.add_argument("files", nargs="*", type=Path, help="chapter files (default: seeds/*.txt)")
    p.add_argument("--index", help=f"index folder (default: {DEFAULT_INDEX})")
    p.add_argument("--strict", action="store_true", help="fail on a chapter that does not pass the ingestion checks")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("serve", help="serve the web interface and the JSON API")
    p.add_argument("--index", help=f"index folder (default: {DEFAULT_INDEX})")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=5000)
    p.add_argument("--debug", action="store_true", help="Flask debug mode (development only)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("query", help="search from the terminal")
    p.add_argument("text")
    p.add_argument("--index", help=f"index folder (default: {DEFAULT_INDEX})")
    p.add_argument("--country", action="append", default=[], help="ISO code or Chinese name; repeatable")
    p.add_argument("--meeting", action="append", default=[], help="meeting number; repeatable")
    p.add_argument("--limit", type=int, default=10)
    p.add_argument("--json", action="store_true", help="print the API's JSON")
    p.set_defaults(func=cmd_query)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        args.func(args)
    except RepertoireError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
