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
"""
import json
import os
import shutil
import time
from pathlib import Path

from ..engines import ENGINE_DIR, engine_class, engine_name
from ..errors import IndexError_

MANIFEST = "manifest.json"
STATS = "stats.json"
FORMAT_VERSION = 5  # 4: cite_only (citation-only footnotes rank below the other units); 5: vectors


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
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(value, f, ensure_ascii=False)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_builds(index_dir):
    """Remove temp folders of builds that failed or were killed (their process is gone)."""
    index_dir = Path(index_dir)
    for path in index_dir.parent.glob(f".{index_dir.name}.build-*"):
        try:
            pid = int(path.name.split("build-")[1].split("-")[0])
        except (IndexError, ValueError):
            pid = None
        if pid is None or pid == os.getpid() or not _pid_alive(pid):
            shutil.rmtree(path, ignore_errors=True)


def new_build_folder(index_dir, base=None):
    """A fresh temp folder for a build: empty, or hard links to every file of version `base`."""
    index_dir = Path(index_dir)
    tmp = index_dir.parent / f".{index_dir.name}.build-{os.getpid()}-{time.time_ns()}"
    if base is None:
        (tmp / ENGINE_DIR).mkdir(parents=True)
    else:
        shutil.copytree(base, tmp, copy_function=os.link, symlinks=True)
    return tmp


def swap_in(tmp, index_dir):
    """Rename the finished build `tmp` to a version folder and point `index_dir` at it atomically."""
    index_dir = Path(index_dir)
    parent = index_dir.parent
    version = parent / f"{index_dir.name}.v{time.time_ns()}"
    os.rename(tmp, version)
    if index_dir.exists() and not index_dir.is_symlink():
        # An index folder from before the versioned layout: move it aside, it is removed below.
        os.rename(index_dir, parent / f"{index_dir.name}.v0-legacy-{time.time_ns()}")
    link = parent / f".{index_dir.name}.link-{os.getpid()}-{time.time_ns()}"
    os.symlink(version.name, link)
    os.replace(link, index_dir)
    _remove_old_versions(index_dir)
    return version


def _remove_old_versions(index_dir, keep=2):
    """Keep the current version and the one before it (a running server may still read it)."""
    current = os.path.realpath(index_dir)
    versions = sorted((p for p in index_dir.parent.glob(f"{index_dir.name}.v*") if str(p.resolve()) != current),
                      key=lambda p: p.name)
    for old in versions[: max(0, len(versions) - (keep - 1))]:
        shutil.rmtree(old, ignore_errors=True)
