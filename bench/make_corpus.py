"""Make benchmark corpora: N copies of the seed chapter as separate chapter files.

    .venv/bin/python bench/make_corpus.py 1 100 1000 [--out bench/out]

Each copy gets its own file name, and so its own chapter key (the file's stem), so record ids
stay unique across copies: ``bench/out/corpus-100/042_<16 hex>.txt``.
"""
import argparse
import hashlib
import os
import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = BENCH_DIR.parent
SEED = PROJECT_ROOT / "seeds" / "000_433e06851ef59419.txt"
DEFAULT_OUT = BENCH_DIR / "out"
MAX_COPIES = 100_000


def copy_name(i, width):
    """The file name of copy `i`: a zero-padded number and a distinct 16-hex suffix like the seed's."""
    digest = hashlib.sha1(f"{SEED.stem}/{i}".encode()).hexdigest()[:16]
    return f"{i:0{width}d}_{digest}.txt"


def make_corpus(n, out_dir=DEFAULT_OUT, seed=SEED):
    """Write `n` copies of `seed` into ``out_dir/corpus-<n>/`` (reused when complete); returns the paths."""
    if not 1 <= n <= MAX_COPIES:
        raise ValueError(f"copies: expected 1..{MAX_COPIES}, got {n}")
    folder = Path(out_dir) / f"corpus-{n}"
    folder.mkdir(parents=True, exist_ok=True)
    data = Path(seed).read_bytes()
    width = max(3, len(str(n - 1)))
    paths = [folder / copy_name(i, width) for i in range(n)]
    wanted = {p.name for p in paths}
    for stale in folder.glob("*.txt"):  # a corpus left by an older naming scheme
        if stale.name not in wanted:
            stale.unlink()
    for path in paths:
        if not (path.exists() and path.stat().st_size == len(data)):
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(data)
            os.replace(tmp, path)
    return paths


def extra_chapter(n, out_dir=DEFAULT_OUT, seed=SEED):
    """A chapter file that is not one of the N copies: what an incremental build adds and removes."""
    folder = Path(out_dir) / f"corpus-{n}-extra"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / copy_name(n, max(3, len(str(n - 1))))  # copy number N: a key no copy 0..N-1 has
    path.write_bytes(Path(seed).read_bytes())
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="+", type=int, help="numbers of copies, e.g. 1 100 1000")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"work folder (default: {DEFAULT_OUT})")
    args = parser.parse_args(argv)
    for n in args.sizes:
        paths = make_corpus(n, args.out)
        print(f"{len(paths)} chapter files in {paths[0].parent}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
