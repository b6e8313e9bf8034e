"""Face enrolment, consent and withdrawal: the only writers of FaceConsent / FaceEncoding."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import PurePath
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.audit import audit_log
from portal.models import User
from security.faces import engine
from security.faces.api import face_analyse
from security.faces.conf import face_setting
from security.faces.crypto import encoding_encrypt
from security.models import FaceConsent, FaceEncoding, FaceIndexVersion

MAX_ENCODINGS_PER_PERSON = 5

PURPOSE = _(
    "Your face is used only to open the building's gates and, if you choose, to pay in the canteen and shop. "
    "We keep a 128-number encoding computed from your photo, encrypted; the photo itself is discarded at once. "
    "You can withdraw at any time on this page: the encoding is deleted immediately and you keep entering by card or QR code."
)

ENROL_ERRORS: dict[str, Promise] = {
    engine.NO_FACE: _("No face was found in the photo. Face the camera in good light and try again."),
    engine.MULTIPLE_FACES: _("More than one face is in the photo. Take a photo with only you in it."),
    engine.TOO_SMALL: _("Your face is too small in the photo. Hold the camera closer."),
    engine.BLURRED: _("The photo is too blurred. Hold still and try again."),
    engine.BAD_IMAGE: _("This file is not a photo we can read. Use a JPEG or PNG image."),
    "busy": _("Face processing is busy. Please try again in a moment."),
    "no_consent": _("Give your consent first."),
    "too_many": _("You already have the maximum number of face photos enrolled."),
}


class FaceEnrolError(Exception):
    def __init__(self, code: str, quality: dict[str, Any] | None = None) -> None:
        self.code = code
        self.quality = quality or {}
        super().__init__(str(ENROL_ERRORS.get(code, code)))

    @property
    def message(self) -> str:
        return str(ENROL_ERRORS.get(self.code, self.code))


@dataclass(frozen=True)
class Enrolment:
    user: User
    encodings: int
    quality: dict[str, Any] = field(default_factory=dict)


def enrol_policy() -> engine.Policy:
    return engine.Policy(
        min_face_px=int(face_setting("FACE_ENROL_MIN_FACE_PX")), blur_min=float(face_setting("FACE_ENROL_BLUR_MIN"))
    )


def face_index_bump(*, at: datetime | None = None) -> int:
    """Called in the same transaction as every change to the encodings."""
    at = at or timezone.now()
    token = uuid.uuid4().hex  # not just the counter: a rolled-back bump must never look current
    if not FaceIndexVersion.objects.filter(pk=1).update(version=F("version") + 1, token=token, changed_at=at):
        FaceIndexVersion.objects.create(pk=1, version=1, token=token, changed_at=at)
    return int(FaceIndexVersion.objects.values_list("version", flat=True).get(pk=1))


def face_consent_give(
    *, user: User, channel: str = FaceConsent.Channel.PORTAL, recorded_by: User | None = None, at: datetime | None = None
) -> FaceConsent:
    at = at or timezone.now()
    with transaction.atomic(durable=True):
        existing = FaceConsent.objects.select_for_update().filter(user=user, withdrawn_at__isnull=True).first()
        if existing is not None:
            return existing
        consent = FaceConsent.objects.create(
            user=user,
            purpose=str(PURPOSE),
            retention_days=int(face_setting("FACE_RETENTION_DAYS")),
            version=str(face_setting("FACE_CONSENT_VERSION")),
            channel=channel,
            recorded_by=recorded_by,
            given_at=at,
        )
        audit_log(
            action="security.face_consent.give",
            actor=recorded_by or user,
            target=consent,
            data={"user": user.pk, "channel": channel, "version": consent.version},
        )
        return consent


def face_consent_withdraw(*, user: User, actor: User | str, at: datetime | None = None) -> int:
    """Withdraw consent and delete every encoding of `user` now. Returns how many were deleted."""
    at = at or timezone.now()
    with transaction.atomic(durable=True):
        FaceConsent.objects.filter(user=user, withdrawn_at__isnull=True).update(withdrawn_at=at)
        deleted, _by_model = FaceEncoding.objects.filter(user=user).delete()
        face_index_bump(at=at)
        audit_log(action="security.face_consent.withdraw", actor=actor, target=user, data={"deleted": deleted})
    return deleted


def face_enrol(*, user: User, image: bytes, actor: User | str, at: datetime | None = None) -> Enrolment:
    """Encode one photo of `user` (who must have consented) and store the encrypted encoding.

    The image bytes live only in this call and the pool job: nothing of them is stored."""
    consent = FaceConsent.objects.filter(user=user, withdrawn_at__isnull=True).first()
    if consent is None:
        raise FaceEnrolError("no_consent")
    if FaceEncoding.objects.filter(user=user).count() >= MAX_ENCODINGS_PER_PERSON:
        raise FaceEnrolError("too_many")
    analysis = face_analyse(image=image, policy=enrol_policy())  # outside the transaction: ~100 ms of CPU
    if analysis.status != engine.OK or analysis.encoding is None:
        audit_log(action="security.face.reject", actor=actor, target=user, data={"reason": analysis.status})
        raise FaceEnrolError(analysis.status, analysis.quality)
    with transaction.atomic(durable=True):
        consent = FaceConsent.objects.select_for_update().filter(pk=consent.pk, withdrawn_at__isnull=True).first()
        if consent is None:  # withdrawn while we were encoding
            raise FaceEnrolError("no_consent")
        FaceEncoding.objects.create(
            user=user, consent=consent, ciphertext=encoding_encrypt(analysis.encoding), quality=analysis.quality
        )
        face_index_bump(at=at)
        count = FaceEncoding.objects.filter(user=user).count()
        audit_log(action="security.face.enrol", actor=actor, target=user, data={"count": count, **analysis.quality})
    return Enrolment(user=user, encodings=count, quality=analysis.quality)


@dataclass
class ImportReport:
    enrolled: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)


def face_import(
    *,
    items: Iterable[tuple[str, bytes]],
    actor: User | str,
    on_progress: Callable[[str], None] | None = None,
) -> ImportReport:
    """Bulk enrolment from files named by employee number (E00012.jpg). Consent must have been
    collected on paper beforehand; it is recorded here as channel "import"."""
    report = ImportReport()
    recorder = actor if isinstance(actor, User) else None
    for name, data in items:
        employee_no = PurePath(name).stem
        user = User.objects.filter(employee_no=employee_no, is_active=True).first()
        if user is None:
            message = str(_("No active person with this employee number."))
            report.rejected.append({"file": name, "reason": "unknown_employee", "message": message})
        else:
            face_consent_give(user=user, channel=FaceConsent.Channel.IMPORT, recorded_by=recorder)
            try:
                done = face_enrol(user=user, image=data, actor=actor)
                report.enrolled.append({"file": name, "user": user.username, "encodings": done.encodings})
            except FaceEnrolError as exc:
                report.rejected.append({"file": name, "user": user.username, "reason": exc.code, "message": exc.message})
        if on_progress is not None:
            on_progress(name)
    return report


def face_encodings_purge(*, now: datetime | None = None) -> dict[str, int]:
    """Retention: encodings of people who are no longer active go FACE_RETENTION_DAYS after
    the purge first saw them inactive. Idempotent; run daily by beat."""
    now = now or timezone.now()
    keep = timedelta(days=int(face_setting("FACE_RETENTION_DAYS")))
    with transaction.atomic(durable=True):
        active = FaceConsent.objects.filter(withdrawn_at__isnull=True)
        marked = active.filter(user__is_active=False, inactive_since__isnull=True).update(inactive_since=now)
        active.filter(user__is_active=True, inactive_since__isnull=False).update(inactive_since=None)
        expired_users = list(active.filter(inactive_since__lte=now - keep).values_list("user_id", flat=True))
        deleted = 0
        if expired_users:
            deleted, _by_model = FaceEncoding.objects.filter(user_id__in=expired_users).delete()
            FaceConsent.objects.filter(user_id__in=expired_users, withdrawn_at__isnull=True).update(withdrawn_at=now)
        if marked or deleted:
            face_index_bump(at=now)
            audit_log(action="security.face.purge", actor="system", data={"marked": marked, "deleted": deleted})
    return {"marked_inactive": marked, "deleted": deleted}
