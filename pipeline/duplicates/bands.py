"""LSH banding of MinHash signatures in compact arrays.

datasketch chooses the bands (b, r) for the threshold and computes the signatures; its own MinHashLSH keeps
a Python set per bucket, about 6.6 KB per letter with 21 bands (measured: 665 MB for 100k letters), so a
1M-letter register would need ~7 GB per process. Here every band is a sorted uint64 array of bucket keys with
the letters' positions beside it (12 bytes per letter and band); letters added since the last merge wait in
a small dict until the next merge.
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
        self.ids: list[str] = []
        self.position: dict[str, int] = {}
        self._keys = [np.empty(0, dtype=np.uint64) for _ in range(self.b)]
        self._pos = [np.empty(0, dtype=np.int64) for _ in range(self.b)]
        self._pending: list[dict[int, list[int]]] = [{} for _ in range(self.b)]
        self._pending_count = 0

    def band_keys(self, signatures: Any) -> Any:
        """(n, num_perm) uint32 signatures -> (n, b) uint64 bucket keys, one per band."""
        import numpy as np

        sig = np.asarray(signatures, dtype=np.uint64).reshape(-1, self.num_perm)
        keys = np.zeros((sig.shape[0], self.b), dtype=np.uint64)
        with np.errstate(over="ignore"):
            for band in range(self.b):
                acc = np.full(sig.shape[0], band + 1, dtype=np.uint64)
                for j in range(band * self.r, (band + 1) * self.r):
                    acc = (acc ^ sig[:, j]) * np.uint64(0x100000001B3)
                keys[:, band] = acc
        return keys

    def add(self, document_ids: list[str], signatures: Any) -> None:
        if not document_ids:
            return
        keys = self.band_keys(signatures)
        start = len(self.ids)
        for offset, document_id in enumerate(document_ids):
            self.position[document_id] = start + offset  # a re-added letter leaves a dead old position
            self.ids.append(document_id)
        if len(document_ids) >= _MERGE_EVERY:
            self._merge(start, keys)
            return
        for offset in range(len(document_ids)):
            for band in range(self.b):
                self._pending[band].setdefault(int(keys[offset, band]), []).append(start + offset)
        self._pending_count += len(document_ids)
        if self._pending_count >= _MERGE_EVERY:
            self._merge_pending()

    def _merge(self, start: int, keys: Any) -> None:
        import numpy as np

        positions = np.arange(start, start + keys.shape[0], dtype=np.int64)
        for band in range(self.b):
            merged_keys = np.concatenate([self._keys[band], keys[:, band]])
            merged_pos = np.concatenate([self._pos[band], positions])
            order = np.argsort(merged_keys, kind="stable")
            self._keys[band], self._pos[band] = merged_keys[order], merged_pos[order]

    def _merge_pending(self) -> None:
        import numpy as np

        for band in range(self.b):
            pending = self._pending[band]
            if not pending:
                continue
            keys = np.fromiter((k for k, ps in pending.items() for _ in ps), dtype=np.uint64)
            pos = np.fromiter((p for ps in pending.values() for p in ps), dtype=np.int64)
            merged_keys = np.concatenate([self._keys[band], keys])
            merged_pos = np.concatenate([self._pos[band], pos])
            order = np.argsort(merged_keys, kind="stable")
            self._keys[band], self._pos[band] = merged_keys[order], merged_pos[order]
            self._pending[band] = {}
        self._pending_count = 0

    def query(self, signature: Any, limit: int = 1000) -> list[str]:
        """Letters sharing at least one band with the signature, most shared bands first."""
        import numpy as np

        keys = self.band_keys(signature)[0]
        counts: dict[int, int] = {}
        for band in range(self.b):
            key = keys[band]
            array = self._keys[band]
            lo = int(np.searchsorted(array, key, side="left"))
            hi = int(np.searchsorted(array, key, side="right"))
            for p in self._pos[band][lo:hi].tolist():
                counts[p] = counts.get(p, 0) + 1
            for p in self._pending[band].get(int(key), ()):
                counts[p] = counts.get(p, 0) + 1
        found = []
        for p, _ in sorted(counts.items(), key=lambda item: -item[1]):
            document_id = self.ids[p]
            if self.position.get(document_id) == p:
                found.append(document_id)
                if len(found) >= limit:
                    break
        return found

    def __len__(self) -> int:
        return len(self.position)
