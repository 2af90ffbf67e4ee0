"""Command line: python -m search parse | build | serve | query."""
import argparse
import json
import os
import sys
from pathlib import Path

from . import PROJECT_ROOT
from .errors import CorpusError, RepertoireError

# instance/index of a checkout; an installed package is read-only, so there: ./instance/index.
DEFAULT_INDEX = (PROJECT_ROOT if (PROJECT_ROOT / "pyproject.toml").exists() else Path.cwd()) / "instance" / "index"


def _default_files():
    seeds = Path(os.environ.get("REPERTOIRE_SEEDS_DIR") or PROJECT_ROOT / "seeds")
    files = sorted([*seeds.glob("*.txt"), *seeds.glob("*.pdf")])
    if not files:
        raise CorpusError(seeds, "no chapter files (*.txt, *.pdf) here: give files, or set REPERTOIRE_SEEDS_DIR")
    return files


def _index_dir(args):
    return Path(args.index or os.environ.get("REPERTOIRE_INDEX_DIR") or DEFAULT_INDEX)


def _progress(args):
    from .progress import Progress

    return Progress(quiet=args.quiet)


def cmd_parse(args):
    from .corpus import parse_corpus, record_to_dict

    progress = _progress(args)
    corpus = parse_corpus(args.files or _default_files(), strict=args.strict, progress=progress)
    for warning in corpus.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    progress.done(f"parsed {progress.chapters_done} chapters: {len(corpus.paragraphs) + len(corpus.footnotes)} units")
    out = {
        "paragraphs": [record_to_dict(p) for p in corpus.paragraphs],
        "footnotes": [record_to_dict(f) for f in corpus.footnotes],
    }
    json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


def _build(files, index_dir, args, full=False, strict=False):
    from .build import build_index

    progress = _progress(args)
    stats = build_index(files, index_dir, engine=args.engine, full=full, strict=strict, progress=progress)
    for warning in stats["warnings"]:
        print(f"warning: {warning}", file=sys.stderr)
    progress.done(f"{stats['engine']}: {stats['units']} units in {index_dir}: {stats['added']} chapters added, "
                  f"{stats['changed']} changed, {stats['removed']} removed, {stats['unchanged']} unchanged, "
                  f"in {stats['seconds']:.1f} s")


def cmd_build(args):
    _build(args.files or _default_files(), _index_dir(args), args, full=args.full, strict=args.strict)


def cmd_serve(args):
    from . import create_app
    from .engines import engine_name
    from .store import built_with
    from .web import warm_up

    index_dir = _index_dir(args)
    wanted = engine_name(args.engine)
    if built_with(index_dir) != wanted:
        print(f"no {wanted} index at {index_dir}: building it from the seed corpus", file=sys.stderr)
        _build(_default_files(), index_dir, args)
    app = create_app({"INDEX_DIR": str(index_dir)})
    warm_up(app)
    app.run(host=args.host, port=args.port, debug=args.debug, use_reloader=False)


def cmd_query(args):
    from .engines import open_engine
    from .params import SearchParams
    from .query import format_result_text

    params = SearchParams.from_mapping(
        {"q": args.text, "country": args.country, "meeting": args.meeting, "per_page": args.limit}
    )
    engine = open_engine(_index_dir(args))
    try:
        result = engine.search(params)
    finally:
        engine.close()
    if args.json:
        json.dump(result.to_dict(), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(format_result_text(result))


def build_parser():
    parser = argparse.ArgumentParser(prog="python -m search", description="安理会惯例汇辑检索 / Repertoire Search")
    sub = parser.add_subparsers(dest="command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--quiet", action="store_true", help="no progress output")
    common.add_argument("--engine", choices=("whoosh", "tantivy"),
                        help="search engine (default: REPERTOIRE_ENGINE, else whoosh)")

    p = sub.add_parser("parse", parents=[common], help="parse chapter files and print paragraphs and footnotes as JSON")
    p.add_argument("files", nargs="*", type=Path, help="chapter files (default: seeds/*.txt)")
    p.add_argument("--strict", action="store_true", help="fail on a chapter that does not pass the ingestion checks")
    p.set_defaults(func=cmd_parse)

    p = sub.add_parser("build", parents=[common], help="index chapters: only those changed since the last build (atomic swap)")
    p.add_argument("files", nargs="*", type=Path, help="chapter files, .txt or .pdf (default: seeds/*)")
    p.add_argument("--index", help=f"index folder (default: {DEFAULT_INDEX})")
    p.add_argument("--full", action="store_true", help="rebuild every chapter from scratch")
    p.add_argument("--strict", action="store_true", help="fail on a chapter that does not pass the ingestion checks")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("serve", parents=[common], help="serve the web interface and the JSON API")
    p.add_argument("--index", help=f"index folder (default: {DEFAULT_INDEX})")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=5000)
    p.add_argument("--debug", action="store_true", help="Flask debug mode (development only)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("query", parents=[common], help="search from the terminal")
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
