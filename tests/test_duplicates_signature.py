"""The vectorised MinHash gives exactly datasketch's values, so stored signatures stay comparable."""

from __future__ import annotations

import random

import numpy as np
import pytest
from datasketch import MinHash

from pipeline.duplicates import normalize as nz
from pipeline.duplicates import signature as sg


def _datasketch(normalized: str) -> np.ndarray:
    minhash = MinHash(num_perm=sg.NUM_PERM, seed=sg.SEED, hashfunc=int, scheme="affine32")
    minhash.update_batch(nz.shingle_hashes(normalized))
    return minhash.hashvalues


def _texts(count: int, seed: int = 3) -> list[str]:
    rng = random.Random(seed)
    words = [
        "просим",
        "рассмотреть",
        "вопрос",
        "ремонта",
        "кровли",
        "дома",
        "улица",
        "ленина",
        "12",
        "мусор",
        "вывоз",
        "2025",
        "года",
    ]
    texts = [" ".join(rng.choice(words) for _ in range(rng.randint(1, 200))) for _ in range(count)]
    return [nz.normalize_text(t) for t in texts] + ["аб", "абвгд"]


@pytest.mark.parametrize("chunk", [100_000, 50])
def test_batch_signatures_equal_datasketch(monkeypatch, chunk):
    monkeypatch.setattr(sg, "_CHUNK_SHINGLES", chunk)  # 50: most letters alone in their block
    texts = _texts(40)
    batch = sg.signatures(texts)
    assert batch.shape == (len(texts), sg.NUM_PERM) and batch.dtype == np.uint32
    for text, values in zip(texts, batch, strict=True):
        assert np.array_equal(values, _datasketch(text))
    assert np.array_equal(sg.signature(texts[0]), batch[0])


def test_text_without_characters_has_no_signature():
    assert sg.signature("") is None and sg.signature("   ") is None
    batch = sg.signatures(["", "дом"])
    assert (batch[0] == np.iinfo(np.uint32).max).all()
    assert np.array_equal(batch[1], _datasketch("дом"))
