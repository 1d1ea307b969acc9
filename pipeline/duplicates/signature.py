"""MinHash signatures of many letters at once, identical to datasketch's `MinHash.update_batch`.

datasketch hashes a set one Python value at a time and one set per call (about 0.8 ms a letter here), which
makes indexing a 1M-letter register from text take a quarter of an hour. Its affine32 scheme is
`min(a * fmix32(h) + b)` over the shingle hashes `h`, per permutation (a, b); here the permutations and
the pre-mix are datasketch's own, applied to the shingles of a whole batch of letters as one numpy array and
reduced per letter with `minimum.reduceat`. tests/test_duplicates_signature.py checks the values are the
same as datasketch's.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from pipeline.duplicates import normalize as nz

NUM_PERM = 64
SEED = 7
_CHUNK_SHINGLES = 100_000  # shingles per numpy block: 100k x 64 x 4 bytes = 25 MB at most


@lru_cache(maxsize=4)
def permutations(num_perm: int = NUM_PERM, seed: int = SEED) -> tuple[Any, Any]:
    from datasketch import MinHash

    a, b = MinHash(num_perm=num_perm, seed=seed, hashfunc=int, scheme="affine32").permutations
    return a.copy(), b.copy()


def _premix() -> Any:
    from datasketch.minhash import _fmix  # the scheme's fixed pre-mix; the test pins it to update_batch

    return _fmix


def signatures(normalized_texts: list[str], num_perm: int = NUM_PERM, seed: int = SEED) -> Any:
    """(n, num_perm) uint32 signatures; a text without characters gets the empty signature (all 2^32-1)."""
    import numpy as np

    a, b = permutations(num_perm, seed)
    fmix = _premix()
    out = np.full((len(normalized_texts), num_perm), np.iinfo(np.uint32).max, dtype=np.uint32)
    shingles = [nz.shingle_array(text) for text in normalized_texts]
    start = 0
    while start < len(shingles):
        stop, total = start, 0
        while stop < len(shingles) and (stop == start or total + len(shingles[stop]) <= _CHUNK_SHINGLES):
            total += len(shingles[stop])
            stop += 1
        block = [s for s in shingles[start:stop] if len(s)]
        rows = [i for i in range(start, stop) if len(shingles[i])]
        if block:
            hv = fmix(np.concatenate(block).astype(np.uint32), 32).reshape(-1, 1)
            with np.errstate(over="ignore"):
                permuted = hv * a + b
            offsets = np.cumsum([0] + [len(s) for s in block[:-1]])
            out[rows] = np.minimum.reduceat(permuted, offsets, axis=0)
        start = stop
    return out


def signature(normalized: str, num_perm: int = NUM_PERM, seed: int = SEED) -> Any:
    """One letter's signature (num_perm uint32 values), or None when the text has no characters."""
    if not normalized.replace(" ", ""):
        return None
    return signatures([normalized], num_perm, seed)[0]
