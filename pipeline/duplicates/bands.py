"""LSH banding of MinHash signatures in compact arrays.

datasketch chooses the bands (b, r) for the threshold and computes the signatures; its own MinHashLSH keeps
a Python set per bucket, about 6.6 KB per letter with 21 bands (measured: 665 MB for 100k letters), so a
1M-letter register would need ~7 GB per process. Here every band is a sorted uint32 array of bucket keys with
the letters' row numbers (`seq`) beside it: 8 bytes per letter and band, no per-letter Python object. A
32-bit bucket key makes a false bucket match in a 1M-letter band about 1 in 4,000 per band and query; the
verification drops it. Letters added since the last merge wait in a small dict until the next merge. A
re-added letter gets a new seq; its old seq stays in the arrays and simply finds no row any more.

Beside the bands it keeps the low 16 bits of every signature value (128 bytes per letter), so the candidates
whose texts are not worth comparing are dropped without reading their rows. Truncation can only make two
values look equal, never different, so the estimate is never below the full signature's: a gate on it keeps
every letter the full signature would keep (plus, rarely, one more that the verification then drops).
"""

from __future__ import annotations

from typing import Any

_MERGE_EVERY = 20_000


def lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return lsh.b, lsh.r


class BandIndex:
    def __init__(self, threshold: float, num_perm: int):
        import numpy as np

        self.num_perm = num_perm
        self.b, self.r = lsh_params(threshold, num_perm)
        self._keys = [np.empty(0, dtype=np.uint32) for _ in range(self.b)]
        self._seqs = [np.empty(0, dtype=np.uint32) for _ in range(self.b)]
        self._pending: list[dict[int, list[int]]] = [{} for _ in range(self.b)]
        self._pending_count = 0
        self._count = 0
        self._sketch_seqs = np.empty(0, dtype=np.uint32)  # ascending: rows arrive in seq order
        self._sketches = np.empty((0, num_perm), dtype=np.uint16)
        # letters added since the last merge, in arrays that grow by doubling (a lookup compares them at once)
        self._pending_seqs = np.empty(0, dtype=np.uint32)
        self._pending_sketches = np.empty((0, num_perm), dtype=np.uint16)
        self._pending_n = 0

    def band_keys(self, signatures: Any) -> Any:
        """(n, num_perm) uint32 signatures -> (n, b) uint32 bucket keys, one per band."""
        import numpy as np

        sig = np.asarray(signatures, dtype=np.uint64).reshape(-1, self.num_perm)
        rows = sig[:, : self.b * self.r].reshape(-1, self.b, self.r)
        acc = np.broadcast_to(np.arange(1, self.b + 1, dtype=np.uint64), rows.shape[:2])
        with np.errstate(over="ignore"):
            for j in range(self.r):
                acc = (acc ^ rows[:, :, j]) * np.uint64(0x100000001B3)
        return (acc >> np.uint64(32)).astype(np.uint32)

    def add(self, seqs: Any, signatures: Any) -> None:
        """Add letters by their row numbers with their (n, num_perm) signatures."""
        import numpy as np

        seqs = np.asarray(seqs, dtype=np.uint32).reshape(-1)
        if not seqs.size:
            return
        signatures = np.asarray(signatures, dtype=np.uint32).reshape(-1, self.num_perm)
        self.add_keys(seqs, self.band_keys(signatures), self.sketch(signatures))

    @staticmethod
    def sketch(signatures: Any) -> Any:
        import numpy as np

        return (np.asarray(signatures, dtype=np.uint32) & np.uint32(0xFFFF)).astype(np.uint16)

    def add_keys(self, seqs: Any, keys: Any, sketches: Any) -> None:
        """Add letters (ascending seqs, newer than any added) with band keys and sketches already computed."""
        self._count += len(seqs)
        if len(seqs) >= _MERGE_EVERY:
            self._merge(seqs, keys, sketches)
            return
        for offset, seq in enumerate(seqs.tolist()):
            for band in range(self.b):
                self._pending[band].setdefault(int(keys[offset, band]), []).append(seq)
        self._append_pending_sketches(seqs, sketches)
        self._pending_count += len(seqs)
        if self._pending_count >= _MERGE_EVERY:
            self._merge_pending()

    def _append_pending_sketches(self, seqs: Any, sketches: Any) -> None:
        import numpy as np

        n, more = self._pending_n, len(seqs)
        if n + more > len(self._pending_seqs):
            size = max(1024, 2 * (n + more))
            grown_seqs = np.empty(size, dtype=np.uint32)
            grown = np.empty((size, self.num_perm), dtype=np.uint16)
            grown_seqs[:n], grown[:n] = self._pending_seqs[:n], self._pending_sketches[:n]
            self._pending_seqs, self._pending_sketches = grown_seqs, grown
        self._pending_seqs[n : n + more] = seqs
        self._pending_sketches[n : n + more] = sketches
        self._pending_n = n + more

    def _merge(self, seqs: Any, keys: Any, sketches: Any) -> None:
        import numpy as np

        self._merge_pending()
        self._sketch_seqs = np.concatenate([self._sketch_seqs, seqs])
        self._sketches = np.concatenate([self._sketches, sketches])
        for band in range(self.b):
            merged_keys = np.concatenate([self._keys[band], keys[:, band]])
            merged_seqs = np.concatenate([self._seqs[band], seqs])
            order = np.argsort(merged_keys, kind="stable")
            self._keys[band], self._seqs[band] = merged_keys[order], merged_seqs[order]

    def _merge_pending(self) -> None:
        import numpy as np

        if self._pending_n:
            n = self._pending_n
            self._sketch_seqs = np.concatenate([self._sketch_seqs, self._pending_seqs[:n]])
            self._sketches = np.concatenate([self._sketches, self._pending_sketches[:n]])
            self._pending_n = 0
        for band in range(self.b):
            pending = self._pending[band]
            if not pending:
                continue
            keys = np.fromiter((k for k, ss in pending.items() for _ in ss), dtype=np.uint32)
            seqs = np.fromiter((s for ss in pending.values() for s in ss), dtype=np.uint32)
            merged_keys = np.concatenate([self._keys[band], keys])
            merged_seqs = np.concatenate([self._seqs[band], seqs])
            order = np.argsort(merged_keys, kind="stable")
            self._keys[band], self._seqs[band] = merged_keys[order], merged_seqs[order]
            self._pending[band] = {}
        self._pending_count = 0

    def query(self, signature: Any, limit: int = 1000) -> list[int]:
        """Row numbers of letters sharing at least one band with the signature, most shared bands first."""
        import numpy as np

        keys = self.band_keys(signature)[0]
        found = []
        for band in range(self.b):
            array = self._keys[band]
            lo, hi = (
                np.searchsorted(array, keys[band : band + 1], side="left")[0],
                np.searchsorted(array, keys[band : band + 1], side="right")[0],
            )
            if hi > lo:
                found.append(self._seqs[band][lo:hi])
            pending = self._pending[band].get(int(keys[band]))
            if pending:
                found.append(np.asarray(pending, dtype=np.uint32))
        if not found:
            return []
        seqs, counts = np.unique(np.concatenate(found), return_counts=True)
        # most shared bands first, then the newest letter
        order = np.lexsort((-seqs.astype(np.int64), -counts))[:limit]
        return seqs[order].tolist()

    def similarity(self, seqs: list[int], signature: Any) -> Any:
        """Estimated Jaccard of each letter with the signature, from the 16-bit sketches (0.0 when unknown)."""
        import numpy as np

        query = self.sketch(signature).reshape(-1)
        out = np.zeros(len(seqs))
        if not seqs:
            return out
        wanted = np.asarray(seqs, dtype=np.uint32)
        where = np.searchsorted(self._sketch_seqs, wanted)
        where = np.minimum(where, max(0, len(self._sketch_seqs) - 1))
        known = self._sketch_seqs[where] == wanted if len(self._sketch_seqs) else np.zeros(len(seqs), bool)
        if known.any():
            out[known] = (self._sketches[where[known]] == query).mean(axis=1)
        unknown = np.flatnonzero(~known)
        if unknown.size and self._pending_n:
            pending_seqs, pending = (
                self._pending_seqs[: self._pending_n],
                self._pending_sketches[: self._pending_n],
            )
            where = np.minimum(np.searchsorted(pending_seqs, wanted[unknown]), len(pending_seqs) - 1)
            found = pending_seqs[where] == wanted[unknown]
            out[unknown[found]] = (pending[where[found]] == query).mean(axis=1)
        return out

    def __len__(self) -> int:
        """Letters added, counting a re-added letter twice."""
        return self._count
