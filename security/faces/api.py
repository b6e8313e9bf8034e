"""The public face API other apps use (canteen face payment, gates).

    face_identify(image=jpeg_bytes, site=site) -> FaceMatch(user_id, distance, reason)

Detection and encoding run in the bounded process pool (reason "busy" when it is full);
matching runs here against the in-memory 1:N index.
"""

from __future__ import annotations

from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass

import numpy as np

from building.models import Site
from security.faces import engine, pool
from security.faces.conf import face_setting
from security.faces.index import face_index

REASONS = ("match", "unknown", "no_face", "multiple_faces", "bad_image", "too_small", "busy")
GATE_POLICY = engine.Policy()


@dataclass(frozen=True)
class FaceMatch:
    user_id: int | None
    distance: float | None
    reason: str  # one of REASONS


def face_analyse(*, image: bytes, policy: engine.Policy = GATE_POLICY) -> engine.Analysis:
    """Run one image through the pool and wait. Status "busy" when the pool is full or too slow."""
    if not image:
        return engine.Analysis(engine.BAD_IMAGE)
    future = pool.analyse(image, policy)
    if future is None:
        return engine.Analysis("busy")
    try:
        result: engine.Analysis = future.result(timeout=float(face_setting("FACE_TIMEOUT_S")))
    except FutureTimeout:
        return engine.Analysis("busy")
    return result


def face_match(
    *, encoding: np.ndarray, site: Site | None = None, threshold: float | None = None, margin: float | None = None
) -> FaceMatch:
    """Decision rule: best distance below the threshold AND the second-best person at least
    `margin` further away; anything else is "unknown" (with the best distance, for the log)."""
    threshold = float(face_setting("FACE_THRESHOLD")) if threshold is None else threshold
    margin = float(face_setting("FACE_MARGIN")) if margin is None else margin
    face_index.ensure_current()
    hit = face_index.search(encoding, site_id=site.pk if site is not None else None)
    if hit.user_id is None or hit.distance is None:
        return FaceMatch(None, None, "unknown")
    distance = round(hit.distance, 4)
    if hit.distance >= threshold:
        return FaceMatch(None, distance, "unknown")
    if hit.second_distance is not None and hit.second_distance - hit.distance < margin:
        return FaceMatch(None, distance, "unknown")  # two people too alike: never guess
    return FaceMatch(hit.user_id, distance, "match")


def face_identify(
    *, image: bytes, site: Site | None = None, threshold: float | None = None, margin: float | None = None
) -> FaceMatch:
    analysis = face_analyse(image=image)
    if analysis.status != engine.OK or analysis.encoding is None:
        return FaceMatch(None, None, analysis.status)
    encoding = np.frombuffer(analysis.encoding, dtype="<f4")
    return face_match(encoding=encoding, site=site, threshold=threshold, margin=margin)
