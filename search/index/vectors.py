"""The meaning of every unit: one vector per embeddable unit, stored with the index generation.

In a version folder (search.index.store):

    vectors/<chapter>.npy    float16 rows, one per embeddable unit of the chapter, in document order
    vectors/<chapter>.json   {"model", "ids", "keys"}: the rows' record ids and text hashes
    vectors.npy              every chapter's rows, in the manifest's chapter order (a server reads rows)
    vectors-ids.npy          the rows' record ids (fixed-width bytes), and vectors-index.npy the rows
                             sorted by id: a record's row by binary search, in shared memory

The per-chapter files make builds incremental like the engines' files: an unchanged chapter's
are hard links to the previous version's, a changed chapter re-embeds only the units whose text
hash it has not seen (the previous version of the chapter and the process's cache say which).
The whole-generation files are what servers open: the int8 copy memory-mapped (its pages shared by
every worker), the float16 rows read where a search re-ranks (class Vectors).

float16: 1 KB a unit (110 MB at 1,000 times the seed chapter) with nearest neighbours the same as
float32 (recall@10 0.998-1.0); int8 alone loses 2-6 % (bench/meaning/README.md). The search is
exhaustive and in two steps: every row of an int8 copy (one scale per dimension, `vectors-i8.npy`,
half the bytes: 5 times faster with simsimd's int8 kernels, one thread), then the best
RERANK rows again in float16, exactly. Recall against the float16 scan: bench/meaning_bench.py.

What gets a vector: paragraphs and decision clauses, headings that say something (not a date
line), footnotes that are more than citations (`cite_only`). A heading such as 主席声明 or a note
such as "S/PV.5007，第 8 页。" has no meaning to compare.
"""
import collections
import json
import os
import re
import threading
from pathlib import Path

import numpy as np
import simsimd

from ..atomic import write_atomically
from .encoder import DIMS, MODEL, embed_texts, text_key

FOLDER = "vectors"
ALL = "vectors.npy"
IDS = "vectors-ids.npy"
INDEX = "vectors-index.npy"
INT8, SCALE = "vectors-i8.npy", "vectors-scale.npy"  # the scan copy and its per-dimension scale
RERANK = 256  # rows of the int8 scan looked at again in float16
CACHE_SIZE = 50000  # texts whose vectors a build process keeps (the seed chapter has 232 units)

_DATE_HEADING = re.compile(r"^\d{4}\s*年.*的决定[：:]?$")
_cache = collections.OrderedDict()  # text hash -> float16 row, per process (build workers)
_cache_lock = threading.Lock()


def embeddable(document):
    """True for a unit whose text says something to compare (search.index.documents' dict)."""
    kind, text = document["kind"], document["text"].strip()
    if kind in ("paragraph", "decision"):
        return True
    if kind == "heading":
        return len(text) >= 8 and not _DATE_HEADING.match(text)
    return not document["cite_only"]


def _save(array):
    """A writer of `array` for write_atomically (the new file's name ends in .npy: saved as named)."""
    return lambda tmp: np.save(tmp, array)


def _previous_rows(folder, key):
    """{text hash: row} of the chapter's vectors in this build folder before it is rewritten."""
    try:
        meta = json.loads((folder / f"{key}.json").read_text(encoding="utf-8"))
        rows = np.load(folder / f"{key}.npy")
    except (OSError, ValueError):
        return {}
    if meta.get("model") != MODEL or len(rows) != len(meta["keys"]):
        return {}
    return dict(zip(meta["keys"], rows))


def write_chapter_vectors(folder, key, documents):
    """Embed a chapter's embeddable units into folder/<key>.npy and .json. :returns: texts embedded."""
    folder = Path(folder)
    units = [d for d in documents if embeddable(d)]
    keys = [text_key(d["text"]) for d in units]
    known = _previous_rows(folder, key)
    todo = {}
    with _cache_lock:
        for k, d in zip(keys, units):
            if k not in known and k in _cache:
                known[k] = _cache[k]
            elif k not in known:
                todo.setdefault(k, d["text"])
    if todo:
        fresh = embed_texts(list(todo.values())).astype(np.float16)
        with _cache_lock:
            for k, row in zip(todo, fresh):
                known[k] = _cache[k] = row
            while len(_cache) > CACHE_SIZE:
                _cache.popitem(last=False)
    rows = np.stack([known[k] for k in keys]) if keys else np.zeros((0, DIMS), np.float16)
    folder.mkdir(exist_ok=True)
    write_atomically(folder / f"{key}.npy", _save(rows))
    meta = {"model": MODEL, "ids": [d["id"] for d in units], "keys": keys}
    write_atomically(folder / f"{key}.json", lambda p: p.write_text(json.dumps(meta), encoding="utf-8"))
    return len(todo)


def remove_chapter_vectors(folder, key):
    """Drop a removed chapter's files from a build folder (links: the old version keeps its own)."""
    for suffix in (".npy", ".json"):
        try:
            (Path(folder) / f"{key}{suffix}").unlink()
        except FileNotFoundError:
            pass


def assemble(version, chapter_keys):
    """Write the whole generation's vectors.npy, its int8 copy and the id files from the per-chapter
    files, in order: one pass over the chapters' files for the int8 scale, one to write both."""
    version, folder = Path(version), Path(version) / FOLDER
    ids, counts = [], []
    for key in chapter_keys:
        meta = json.loads((folder / f"{key}.json").read_text(encoding="utf-8"))
        ids += meta["ids"]
        counts.append(len(meta["ids"]))
    total = len(ids)

    def parts():
        for key, n in zip(chapter_keys, counts):
            part = np.load(folder / f"{key}.npy")  # ~100 KB a chapter
            if part.shape != (n, DIMS) or part.dtype != np.float16:
                raise ValueError(f"{folder / key}.npy: {part.shape} {part.dtype}, expected ({n}, {DIMS}) float16")
            yield part

    # The largest magnitude of each dimension, as float16 bits: with the sign bit cleared, the bits
    # of finite float16 values order as their magnitudes do (integer work, no float16 arithmetic).
    peak = np.zeros(DIMS, np.uint16)
    for part in parts():
        if len(part):
            np.maximum(peak, (part.view(np.uint16) & 0x7FFF).max(axis=0), out=peak)
    scale = peak.view(np.float16).astype(np.float32) / 127
    scale[scale == 0] = 1.0
    inverse = (1 / scale).astype(np.float32)

    def write_both(path, int8_path):
        # Plain sequential writes after each .npy header (a memory map would fault in every page).
        with open(path, "wb") as rows, open(int8_path, "wb") as codes:
            for f, dtype in ((rows, np.float16), (codes, np.int8)):
                header = {"descr": np.lib.format.dtype_to_descr(np.dtype(dtype)), "fortran_order": False,
                          "shape": (total, DIMS)}
                np.lib.format.write_array_header_1_0(f, header)
            for part in parts():
                rows.write(part.tobytes())
                scaled = part.astype(np.float32)
                scaled *= inverse
                np.rint(scaled, out=scaled)
                np.clip(scaled, np.float32(-127), np.float32(127), out=scaled)
                codes.write(scaled.astype(np.int8).tobytes())

    def write_codes(codes):  # the int8 file is renamed into place after the float16 one
        write_atomically(version / ALL, lambda rows: write_both(rows, codes))

    write_atomically(version / INT8, write_codes)
    write_atomically(version / SCALE, _save(scale))
    names = np.array([i.encode("utf-8") for i in ids], dtype=f"S{max([len(i.encode()) for i in ids] + [1])}")
    write_atomically(version / IDS, _save(names))
    write_atomically(version / INDEX, _save(np.argsort(names, kind="stable").astype(np.int64)))
    return total


class Vectors:
    """A generation's vectors: the int8 scan copy and the id arrays memory-mapped (their pages shared
    by every process serving the generation), the float16 rows read with pread where needed.

    The float16 file is not mapped by a server: a mapped row faults in the pages around it as well
    (the kernel's fault-around, 64 KB), so the few hundred rows a search re-ranks held ~80 MB of the
    file at 1,000 copies of the seed. Read one by one, a search holds only what it reads.
    """

    def __init__(self, version):
        version = Path(version)
        self._path = version / ALL
        self._int8 = np.load(version / INT8, mmap_mode="r")
        self._scale = np.load(version / SCALE)
        self.ids = np.load(version / IDS, mmap_mode="r")
        self._index = np.load(version / INDEX, mmap_mode="r")
        self._fd = os.open(self._path, os.O_RDONLY)
        try:
            with open(self._path, "rb") as f:
                header = {(1, 0): np.lib.format.read_array_header_1_0,
                          (2, 0): np.lib.format.read_array_header_2_0}.get(np.lib.format.read_magic(f))
                if header is None:
                    raise ValueError(f"{self._path}: an .npy format this reader does not know")
                shape, fortran, dtype = header(f)
                self._offset = f.tell()
            if fortran or dtype != np.float16 or len(shape) != 2 or shape[1] != DIMS or shape[0] != len(self.ids):
                raise ValueError(f"{self._path}: not the rows of this generation ({shape}, {dtype})")
            if os.fstat(self._fd).st_size < self._offset + shape[0] * DIMS * 2:
                raise ValueError(f"{self._path}: cut short")
            if hasattr(os, "posix_fadvise"):  # no read-ahead: the rows read are scattered
                os.posix_fadvise(self._fd, 0, 0, os.POSIX_FADV_RANDOM)
        except BaseException:
            os.close(self._fd)
            raise
        self._rows = shape[0]
        self._matrix = None

    @classmethod
    def open(cls, version):
        """The vectors of a version folder, or None when it has none (meaning search is then off)."""
        try:
            return cls(version) if (Path(version) / INT8).is_file() else None
        except (OSError, ValueError):
            return None

    def close(self):
        """Drop the memory maps (each holds a descriptor until its last array goes) and the file."""
        self._matrix = self.ids = self._index = self._int8 = None
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __len__(self):
        return self._rows

    @property
    def matrix(self):
        """Every float16 row, memory-mapped on first use (full scans: the benchmark and the tests)."""
        if self._matrix is None:
            self._matrix = np.load(self._path, mmap_mode="r")
        return self._matrix

    def read(self, rows):
        """float32 (len(rows), DIMS): the float16 rows `rows`, in the order given, read from the file."""
        out = np.empty((len(rows), DIMS), np.float16)
        size = DIMS * 2
        for i, row in enumerate(rows):
            data = os.pread(self._fd, size, self._offset + int(row) * size)
            if len(data) != size:
                raise OSError(f"{self._path}: row {row} cut short")
            out[i] = np.frombuffer(data, np.float16)
        return out.astype(np.float32)

    def row(self, record_id):
        """The row of a record, or None (a unit without a vector: a date heading, a citation)."""
        key = record_id.encode("utf-8")
        index, ids = self._index, self.ids
        lo, hi = 0, len(index)
        while lo < hi:  # binary search through the sorted order, on the mapped arrays
            mid = (lo + hi) // 2
            if ids[index[mid]] < key:
                lo = mid + 1
            else:
                hi = mid
        return int(index[lo]) if lo < len(index) and ids[index[lo]] == key else None

    def record_id(self, row):
        return self.ids[row].decode("utf-8")

    def nearest(self, vector, k):
        """(rows, cosines) of the k rows nearest to `vector`, best first (exact search)."""
        if not self._rows or k <= 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        vector = np.asarray(vector, dtype=np.float32)
        # dot(row_i8 * scale, q) = dot(row_i8, q * scale): the query in the int8 rows' units.
        scaled = vector * self._scale
        peak = float(np.abs(scaled).max()) or 1.0
        query = np.clip(np.rint(scaled * (127 / peak)), -127, 127).astype(np.int8).reshape(1, -1)
        approx = np.asarray(simsimd.cdist(query, self._int8, metric="dot", threads=1), dtype=np.float32)[0]
        wanted = min(max(k, RERANK), len(approx))
        rows = np.sort(np.argpartition(-approx, wanted - 1)[:wanted])
        sims = self.read(rows) @ vector
        k = min(k, len(rows))
        best = np.lexsort((rows, -sims))[:k]  # by cosine, ties by row (document order)
        return rows[best], sims[best]

    def nearest_exact(self, vector, k):
        """The same by a float16 scan of every row (what `nearest` is measured against)."""
        query = np.asarray(vector, dtype=np.float16).reshape(1, -1)
        sims = np.asarray(simsimd.cdist(query, self.matrix, metric="dot", threads=1), dtype=np.float32)[0]
        k = min(k, len(sims))
        top = np.argpartition(-sims, k - 1)[:k]
        top = top[np.lexsort((top, -sims[top]))]
        return top, sims[top]
