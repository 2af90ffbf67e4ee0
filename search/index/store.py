"""Index generations on disk: version folders, the atomic swap, the manifest and build-time stats.

`index_dir` is a symlink to a sibling version folder `<name>.v<ns>`, which holds:

    manifest.json   the engine, and every chapter indexed (path, content hash, units, number)
    stats.json      what the home page shows, computed at build time (meetings, countries, ...)
    engine/         the engine's own files
    vectors/, vectors*.npy   the units' meaning (search.index.vectors)

A build writes into `.<name>.build-<pid>-<ns>`, renames it to a version folder when complete,
then replaces the symlink with `os.replace`: readers see the old or the new index, never half of
one. An incremental build starts from hard links to the current version's files (every engine
here writes new files and never changes one in place), so the serving version is untouched.

Each manifest names the version it replaced (`previous`): the one kept for a rollback and for the
requests still reading it. Everything else beside the index (build folders and links of killed
builds, versions renamed but never swapped in, older versions) is debris, removed under the
build lock by every build and at every server start; a version never swapped in is never taken
for the previous one.
"""
import fcntl
import json
import os
import shutil
import signal
import time
from contextlib import contextmanager
from pathlib import Path

from ..atomic import write_atomically
from ..engines import ENGINE_DIR, ENGINES, engine_class, engine_name
from ..errors import IndexError_

MANIFEST = "manifest.json"
STATS = "stats.json"
FORMAT_VERSION = 6  # 4: cite_only (citation-only footnotes rank below the other units); 5: vectors; 6: parts
PREVIOUS = "previous"  # manifest key: the version folder this one replaced
# Fault injection for the tests of killed builds: SIGKILL the builder at this point of a build.
KILL_AT = "REPERTOIRE_KILL_BUILD_AT"


def version_of(index_dir):
    """The version folder `index_dir` points to now, or None when there is no complete index."""
    path = Path(index_dir)
    try:
        real = path.resolve()
        return real if (real / MANIFEST).is_file() else None
    except OSError:
        return None


def current_generation(index_dir):
    """A cheap token that changes whenever a build swaps in a new index (the version folder name)."""
    version = version_of(index_dir)
    return version.name if version else None


def read_json(path, what):
    """A JSON file of a version folder. :raises IndexError_: missing or damaged."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IndexError_(f"{path}: cannot read the index's {what}: {exc}") from None


def read_manifest(version):
    """The manifest of a version folder; :raises IndexError_: missing, damaged or of another format."""
    manifest = read_json(Path(version) / MANIFEST, "manifest")
    if manifest.get("format") != FORMAT_VERSION:
        raise IndexError_(f"{version}: index format {manifest.get('format')!r}, expected {FORMAT_VERSION}: "
                          "rebuild it with `python -m search build --full`")
    return manifest


def built_with(index_dir):
    """The engine the current version of `index_dir` was built with, or None when there is no usable
    index (none at all, damaged, or of an older format)."""
    version = version_of(index_dir)
    try:
        return read_manifest(version).get("engine") if version else None
    except IndexError_:
        return None


def servable_engine(index_dir):
    """The engine that built the index at `index_dir`, or None when there is nothing at that path
    (or an empty folder): only then may a server build one. Never rebuild over what is there.

    :raises IndexError_: something is there that cannot be served (one line naming the problem).
    """

    path = Path(index_dir)
    if not os.path.lexists(path) or (path.is_dir() and not path.is_symlink() and not any(path.iterdir())):
        return None
    if path.is_symlink() and not path.exists():
        raise IndexError_(f"{path}: points to {os.readlink(path)}, which does not exist: restore it, or roll "
                          "back with `python -m search rollback`")
    if not path.is_dir():
        raise IndexError_(f"{path}: not an index folder")
    version = path.resolve()
    if not (version / MANIFEST).is_file():
        raise IndexError_(f"{path}: no {MANIFEST}: not an index of this application (or one never finished)")
    engine = read_manifest(version).get("engine")
    if engine not in ENGINES:
        raise IndexError_(f"{version / MANIFEST}: unknown engine {engine!r} (expected one of {', '.join(ENGINES)})")
    return engine


def open_engine(index_dir, expected=None):
    """Open the index version `index_dir` points to now, with the engine it was built with.

    :param expected: an engine name the caller insists on (None: whichever built it).
    :raises IndexError_: no index there, another engine's, or it cannot be read.
    """
    version = version_of(index_dir)
    if version is None:
        raise IndexError_(f"no index at {index_dir}: run `python -m search build` first")
    manifest = read_manifest(version)
    built_with = manifest.get("engine")
    if expected is not None and built_with != engine_name(expected):
        raise IndexError_(f"{index_dir}: built with {built_with}, not {engine_name(expected)}: "
                          f"rebuild it with REPERTOIRE_ENGINE={engine_name(expected)} python -m search build")
    return engine_class(built_with).open(version, manifest)


def read_stats(version):
    """The build-time statistics of a version folder (search.index.stats.corpus_stats)."""
    return read_json(Path(version) / STATS, "statistics")


def write_json(path, value):
    """Write JSON and flush it to disk before the folder is renamed into place.

    Written to a new file and renamed: in an incremental build the old name is a hard link to the
    previous version's file, which must not change (a running server may still read it)."""
    text = json.dumps(value, ensure_ascii=False)  # in one piece: json.dump encodes in pure Python, 5x slower
    write_atomically(path, lambda tmp: tmp.write_text(text, encoding="utf-8"), durable=True)


def checkpoint(point):
    """A named point of a build: the builder kills itself here when REPERTOIRE_KILL_BUILD_AT says so
    (tests only: a real SIGKILL at a point that timing alone reaches rarely)."""
    if os.environ.get(KILL_AT) == point:
        os.kill(os.getpid(), signal.SIGKILL)


@contextmanager
def build_lock(index_dir, blocking=True):
    """One build (or clean-up, or rollback) at a time per index; yields False when `blocking` is
    False and another holds the lock. Build workers inherit it and die with their builder."""
    index_dir = Path(index_dir)
    path = index_dir.parent / f".{index_dir.name}.lock"
    with open(path, "a") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _versions(index_dir):
    return [p for p in index_dir.parent.glob(f"{index_dir.name}.v*") if p.is_dir() and not p.is_symlink()]


def _previous_of(current):
    """(whether the manifest of version `current` names a previous version, that name or None)."""
    try:
        manifest = read_json(current / MANIFEST, "manifest")
    except IndexError_:
        return False, None
    name = manifest.get(PREVIOUS)
    return PREVIOUS in manifest, name if isinstance(name, str) and name and "/" not in name else None


def previous_version(index_dir):
    """The version folder the current one replaced (its manifest's `previous`), or None."""
    current = version_of(index_dir)
    name = _previous_of(current)[1] if current else None
    previous = current.parent / name if name else None
    return previous if previous is not None and (previous / MANIFEST).is_file() else None


def remove_debris(index_dir):
    """Remove what failed or killed builds left beside `index_dir` and the versions no longer needed:
    keep the current version and the one it replaced. Call it holding the build lock: then no build
    folder, link or unswapped version can belong to a build still running."""
    index_dir = Path(index_dir)
    parent = index_dir.parent
    for path in [*parent.glob(f".{index_dir.name}.build-*"), *parent.glob(f".{index_dir.name}.link-*")]:
        if path.is_symlink() or path.is_file():
            path.unlink(missing_ok=True)
        else:
            shutil.rmtree(path, ignore_errors=True)
    current = version_of(index_dir)
    if current is None or not index_dir.is_symlink() or current.parent != parent.resolve():
        return  # no index, or a legacy plain folder: nothing of ours to judge by
    keep = {current.name}
    named, previous = _previous_of(current)
    if named:
        keep.add(previous)
    else:
        # A version from before manifests named their previous one: keep the newest other version.
        others = sorted((p.name for p in _versions(index_dir) if p.name != current.name), reverse=True)
        keep.update(others[:1])
    for old in _versions(index_dir):
        if old.name not in keep:
            shutil.rmtree(old, ignore_errors=True)


def clean_index_dir(index_dir):
    """Remove debris at server start, unless a build is running (it cleans up after itself)."""
    index_dir = Path(index_dir)
    if not index_dir.parent.is_dir():
        return
    with build_lock(index_dir, blocking=False) as locked:
        if locked:
            remove_debris(index_dir)


def new_build_folder(index_dir, base=None):
    """A fresh temp folder for a build: empty, or hard links to every file of version `base`."""
    index_dir = Path(index_dir)
    tmp = index_dir.parent / f".{index_dir.name}.build-{os.getpid()}-{time.time_ns()}"
    if base is None:
        (tmp / ENGINE_DIR).mkdir(parents=True)
    else:
        shutil.copytree(base, tmp, copy_function=os.link, symlinks=True)
    return tmp


def _point_at(index_dir, version):
    """Replace the symlink `index_dir` with one to `version` (a sibling folder), atomically."""
    link = index_dir.parent / f".{index_dir.name}.link-{os.getpid()}-{time.time_ns()}"
    os.symlink(version.name, link)
    checkpoint("linked")
    os.replace(link, index_dir)


def swap_in(tmp, index_dir):
    """Rename the finished build `tmp` to a version folder and point `index_dir` at it atomically.
    Call it holding the build lock; `tmp`'s manifest names the version it replaces (`previous`)."""
    index_dir = Path(index_dir)
    parent = index_dir.parent
    version = parent / f"{index_dir.name}.v{time.time_ns()}"
    os.rename(tmp, version)
    checkpoint("renamed")
    if index_dir.exists() and not index_dir.is_symlink():
        # An index folder from before the versioned layout: move it aside, it is removed below.
        os.rename(index_dir, parent / f"{index_dir.name}.v0-legacy-{time.time_ns()}")
    _point_at(index_dir, version)
    checkpoint("swapped")
    remove_debris(index_dir)
    return version


def rollback(index_dir):
    """Point `index_dir` back at the version the current one replaced; returns it.

    :raises IndexError_: no previous version is kept (none yet, or already rolled back).
    """
    index_dir = Path(index_dir).absolute()
    with build_lock(index_dir):
        current = version_of(index_dir)
        previous = previous_version(index_dir)
        if current is None or previous is None:
            raise IndexError_(f"{index_dir}: no previous index version to roll back to")
        read_manifest(previous)  # a version this code cannot serve is no way back
        _point_at(index_dir, previous)
    return previous
