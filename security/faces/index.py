"""The 1:N index: every active encoding in memory as one float32 matrix.

It reloads only when FaceIndexVersion.token changes (one indexed single-row read per
search), never by scanning the encodings on each frame. Matching is one matrix-vector
product with BLAS pinned to one thread: on this machine multi-threaded BLAS made a 10k
search about 30x slower (thread start-up dwarfs a 1 ms product, and the cores are busy
with the face pool anyway).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
from threadpoolctl import ThreadpoolController

from security.faces.crypto import ENCODING_DIM, encoding_decrypt

_blas = ThreadpoolController()
RowKey = tuple[int, int]  # (FaceEncoding id, created_at in microseconds)


@dataclass(frozen=True)
class Hit:
    user_id: int | None
    distance: float | None
    second_distance: float | None


class FaceIndex:
    def __init__(self) -> None:
        self.token: str | None = None
        self._lock = threading.Lock()
        self._set(np.zeros((0, ENCODING_DIM), np.float32), np.zeros(0, np.int64), np.zeros(0, np.int64))

    def _set(self, matrix: np.ndarray, user_ids: np.ndarray, site_ids: np.ndarray, keys: list[RowKey] | None = None) -> None:
        # One tuple swap: a concurrent search sees the old or the new arrays, never a mix.
        matrix = np.ascontiguousarray(matrix, dtype=np.float32)
        self._data = (matrix, np.einsum("ij,ij->i", matrix, matrix), user_ids, site_ids)
        self._keys: list[RowKey] = keys if keys is not None else [(-1, 0)] * len(user_ids)

    def __len__(self) -> int:
        return int(self._data[0].shape[0])

    def load_arrays(self, *, matrix: np.ndarray, user_ids: np.ndarray, site_ids: np.ndarray, token: str) -> None:
        self._set(matrix, user_ids.astype(np.int64), site_ids.astype(np.int64))
        self.token = token

    def ensure_current(self) -> None:
        from security.models import FaceIndexVersion

        token = FaceIndexVersion.objects.filter(pk=1).values_list("token", flat=True).first() or ""
        if token == self.token:
            return
        with self._lock:
            if token != self.token:
                self._reload(token)

    def _reload(self, token: str) -> None:
        """Incremental: list the active rows (ids only, cheap), drop the rows that went (a
        withdrawal is effective on the next frame), decrypt only the rows that are new. A row is
        keyed by id and creation time, so an id reused after a rollback is never mistaken."""
        from security.models import FaceEncoding

        active = FaceEncoding.objects.filter(user__is_active=True, consent__withdrawn_at__isnull=True)
        owners: dict[RowKey, tuple[int, int]] = {
            (row_id, int(created.timestamp() * 1_000_000)): (user_id, site_id or 0)  # site 0: matches at any site
            for row_id, user_id, site_id, created in active.values_list("id", "user_id", "user__site_id", "created_at")
        }
        matrix = self._data[0]
        keep = np.fromiter((key in owners for key in self._keys), dtype=bool, count=len(self._keys))
        kept = [key for key, k in zip(self._keys, keep, strict=True) if k]
        new_keys = sorted(set(owners) - set(kept))
        fresh = np.zeros((len(new_keys), ENCODING_DIM), np.float32)
        if new_keys:
            position = {row_id: i for i, (row_id, _stamp) in enumerate(new_keys)}
            rows = FaceEncoding.objects.filter(id__in=list(position)).values_list("id", "ciphertext")
            filled = np.zeros(len(new_keys), dtype=bool)
            for row_id, cipher in rows:
                fresh[position[row_id]] = encoding_decrypt(bytes(cipher))
                filled[position[row_id]] = True
            fresh = fresh[filled]  # a row deleted between the two queries is left out
            new_keys = [key for key, f in zip(new_keys, filled, strict=True) if f]
        keys = kept + new_keys
        self._set(
            np.concatenate([matrix[keep], fresh]),
            np.array([owners[k][0] for k in keys], np.int64),
            np.array([owners[k][1] for k in keys], np.int64),
            keys,
        )
        self.token = token

    def search(self, query: np.ndarray, *, site_id: int | None = None) -> Hit:
        matrix, sq, user_ids, site_ids = self._data
        if matrix.shape[0] == 0:
            return Hit(None, None, None)
        q = np.asarray(query, dtype=np.float32)
        with _blas.limit(limits=1, user_api="blas"):
            d2 = sq - 2.0 * (matrix @ q) + float(q @ q)
        np.maximum(d2, 0.0, out=d2)
        if site_id is not None:
            d2[(site_ids != site_id) & (site_ids != 0)] = np.inf
        best = int(np.argmin(d2))
        if not np.isfinite(d2[best]):
            return Hit(None, None, None)
        best_user = int(user_ids[best])
        others = d2[user_ids != best_user]
        second = float(np.sqrt(others.min())) if others.size and np.isfinite(others.min()) else None
        return Hit(best_user, float(np.sqrt(d2[best])), second)


face_index = FaceIndex()
