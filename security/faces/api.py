"""The public face API other apps use (gates, canteen face payment, takeaway pickup).

    face_person(site=site, image=jpeg_bytes | analysis=...) -> FacePerson(user, distance, reason)
        the one face-to-person step: a consenting, active User, or the reason there is none
    face_analyse(image=jpeg_bytes) -> Analysis    the CPU-heavy half, run before a transaction
    face_identify(image=jpeg_bytes, site=site) -> FaceMatch(user_id, distance, reason)

Detection and encoding run in the bounded process pool (reason "busy" when it is full);
matching runs here against the in-memory 1:N index.
"""

from __future__ import annotations

from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass

import numpy as np
from django.db.models import Exists, OuterRef

from building.models import Site
from portal.models import User
from security.faces import engine, pool
from security.faces.conf import face_setting
from security.faces.index import face_index
from security.models import FaceConsent

REASONS = ("match", "unknown", "no_face", "multiple_faces", "bad_image", "too_small", "busy")
PERSON_REASONS = (*REASONS, "inactive", "no_consent")  # a match whose person may no longer be used
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


@dataclass(frozen=True)
class FacePerson:
    user: User | None  # set only when the person may be identified by face now
    distance: float | None
    reason: str  # "match" with a user; else one of PERSON_REASONS


def face_person(
    *,
    site: Site | None,
    image: bytes = b"",
    analysis: engine.Analysis | None = None,
    threshold: float | None = None,
    margin: float | None = None,
) -> FacePerson:
    """The one face-to-person step (gates, POS, takeaway pickup): the image, or its analysis
    computed before the caller's transaction, -> the consenting, active person.

    Consent and the account are checked now, not when the index was loaded: a backlog may have
    drained after a withdrawal or a deactivation, and a face is then not used."""
    if analysis is None:
        analysis = face_analyse(image=image)
    if analysis.status != engine.OK or analysis.encoding is None:
        return FacePerson(None, None, analysis.status)
    encoding = np.frombuffer(analysis.encoding, dtype="<f4")
    found = face_match(encoding=encoding, site=site, threshold=threshold, margin=margin)
    if found.user_id is None:
        return FacePerson(None, found.distance, found.reason)
    consenting = FaceConsent.objects.filter(user=OuterRef("pk"), withdrawn_at__isnull=True)
    user = User.objects.filter(pk=found.user_id).annotate(consenting=Exists(consenting)).first()  # one query
    if user is None:
        return FacePerson(None, found.distance, "unknown")
    if not user.is_active:
        return FacePerson(None, found.distance, "inactive")
    if not user.consenting:
        return FacePerson(None, found.distance, "no_consent")
    return FacePerson(user, found.distance, "match")
