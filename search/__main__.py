"""Command line: python -m search parse | build | serve | rollback | status | query | inspect."""
import argparse
import html
import json
import sys
from pathlib import Path

from . import config
from .errors import RepertoireError
from .reference.meeting_text import meeting_label


def _index_dir(args):
    return config.index_dir(args.index)


def _progress(args):
    from .index.progress import Progress

    return Progress(quiet=args.quiet)


def cmd_parse(args):
    from .reference.resolve import parse_corpus, record_to_dict

    progress = _progress(args)
    corpus = parse_corpus(args.files or config.seed_files(), strict=args.strict, progress=progress)
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
    from .index.build import build_index

    progress = _progress(args)
    stats = build_index(files, index_dir, engine=args.engine, full=full, strict=strict, progress=progress)
    for warning in stats["warnings"]:
        print(f"warning: {warning}", file=sys.stderr)
    progress.done(f"{stats['engine']}: {stats['units']} units in {index_dir}: {stats['added']} chapters added, "
                  f"{stats['changed']} changed, {stats['removed']} removed, {stats['unchanged']} unchanged, "
                  f"in {stats['seconds']:.1f} s")


def cmd_build(args):
    _build(args.files or config.seed_files(), _index_dir(args), args, full=args.full, strict=args.strict)


def cmd_serve(args):
    from . import create_app
    from .engines import engine_name
    from .index.store import clean_index_dir, servable_engine
    from .web.state import warm_up

    index_dir = _index_dir(args)
    clean_index_dir(index_dir)
    # Serve what is there with the engine that built it; build only where there is nothing.
    if servable_engine(index_dir) is None:
        print(f"no index at {index_dir}: building one ({engine_name(args.engine)}) from the seed corpus",
              file=sys.stderr)
        _build(config.seed_files(), index_dir, args)
    app = create_app({"INDEX_DIR": str(index_dir)})
    warm_up(app)
    app.run(host=args.host, port=args.port, debug=args.debug, use_reloader=False)


def cmd_rollback(args):
    from .index.store import rollback

    index_dir = _index_dir(args)
    version = rollback(index_dir)
    print(f"{index_dir} -> {version.name}: the previous version serves again (running servers switch to it on "
          "their next request)", file=sys.stderr)


def cmd_status(args):
    from .engines import engine_class, engine_files
    from .errors import IndexError_
    from .index.store import previous_version, read_manifest, servable_engine, version_of

    index_dir = _index_dir(args)
    engine = servable_engine(index_dir)
    if engine is None:
        raise IndexError_(f"no index at {index_dir}")
    version = version_of(index_dir)
    manifest = read_manifest(version)
    previous = previous_version(index_dir)
    json.dump({"index": str(index_dir), "version": version.name, "previous": previous.name if previous else None,
               "engine": engine, "built": manifest.get("built"), "chapters": len(manifest["chapters"]),
               "units": sum(c["units"] for c in manifest["chapters"]),
               "segments": engine_class(engine).segments(engine_files(version))}, sys.stdout, indent=1)
    sys.stdout.write("\n")


def cmd_query(args):
    from .query.params import SearchParams
    from .query.searcher import open_searcher

    params = SearchParams.from_mapping(
        {"q": args.text, "country": args.country, "meeting": args.meeting, "per_page": args.limit}
    )
    searcher = open_searcher(_index_dir(args))
    try:
        result = searcher.search(params)
    finally:
        searcher.close()
    if args.json:
        json.dump(result.to_dict(), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(_result_text(result))


def _result_text(result):
    """The result as plain text for `python -m search query`."""
    d = result.to_dict()
    lines = [f"{d['total']} 条结果（{d['took_ms']} ms）  分词：{' / '.join(d['segmented']) or '—'}"]
    lines += [f"注意：{n}" for n in d["notices"]]
    for i, hit in enumerate(d["hits"], (d["page"] - 1) * d["per_page"] + 1):
        where = " ".join(x for x in (meeting_label(hit["meeting"]) if hit.get("meeting") else "",
                                       hit.get("date") or "", hit["kind"]) if x)
        snippet = html.unescape(hit["snippet"].replace("<mark>", "【").replace("</mark>", "】"))
        lines.append(f"\n[{i}] {hit['id']}  {where}\n    {snippet}")
    for f, values in d["facets"].items():
        if values:
            top = "，".join(f"{v['label']} {v['count']}" for v in values[:6])
            lines.append(f"\n{f}: {top}" + ("…" if len(values) > 6 else ""))
    return "\n".join(lines) + "\n"


def cmd_inspect(args):
    from .ingest.pdf_inspect import body_text, draw_pages, inspect_pdf, summary

    document, warnings = inspect_pdf(args.file)
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if args.text:
        sys.stdout.write(body_text(document))
    if args.png:
        draw_pages(args.file, document, args.png, progress=lambda path: print(f"wrote {path}", file=sys.stderr))
    if not args.text:
        sys.stdout.write(summary(document))


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
    p.add_argument("--index", help=f"index folder (default: REPERTOIRE_INDEX_DIR, else {config.default_index_dir()})")
    p.add_argument("--full", action="store_true", help="rebuild every chapter from scratch")
    p.add_argument("--strict", action="store_true", help="fail on a chapter that does not pass the ingestion checks")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("serve", parents=[common], help="serve the web interface and the JSON API")
    p.add_argument("--index", help=f"index folder (default: REPERTOIRE_INDEX_DIR, else {config.default_index_dir()})")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=5000)
    p.add_argument("--debug", action="store_true", help="Flask debug mode (development only)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("rollback", parents=[common], help="serve the previous index version again")
    p.add_argument("--index", help=f"index folder (default: REPERTOIRE_INDEX_DIR, else {config.default_index_dir()})")
    p.set_defaults(func=cmd_rollback)

    p = sub.add_parser("status", parents=[common], help="the index as JSON: version, previous, engine, segments")
    p.add_argument("--index", help=f"index folder (default: REPERTOIRE_INDEX_DIR, else {config.default_index_dir()})")
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("query", parents=[common], help="search from the terminal")
    p.add_argument("text")
    p.add_argument("--index", help=f"index folder (default: REPERTOIRE_INDEX_DIR, else {config.default_index_dir()})")
    p.add_argument("--country", action="append", default=[], help="ISO code or Chinese name; repeatable")
    p.add_argument("--meeting", action="append", default=[], help="meeting number; repeatable")
    p.add_argument("--limit", type=int, default=10)
    p.add_argument("--json", action="store_true", help="print the API's JSON")
    p.set_defaults(func=cmd_query)

    p = sub.add_parser("inspect", help="show what the PDF reader sees in any PDF: a summary per page, "
                                       "the body text, or pictures of the pages with their blocks outlined")
    p.add_argument("file", type=Path, help="a PDF file")
    p.add_argument("--text", action="store_true", help="print the body text in reading order, one block a line")
    p.add_argument("--png", type=Path, metavar="DIR",
                   help="draw each page into DIR/page-NNN.png, its blocks outlined and labelled")
    p.set_defaults(func=cmd_inspect)
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
