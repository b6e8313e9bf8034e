"""Who dropped it: the gates' face / card / QR path, behind one small adapter.

The only module of this app that knows how security identifies people. Faces go through
`security.faces.api.face_person`, the one face-to-person step of gates and POS (consent and
the account are checked when the drop is credited, not when the index was loaded); cards and
staff QR codes through `credential_user_for_code`, the one lookup of gates and POS (parsed
canonically, hashed, revocable, valid from / until).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from building.models import Site
from portal.models import User
from security.faces.api import face_analyse, face_person
from security.faces.engine import Analysis
from security.services.credentials import credential_user_for_code

FACE_REASONS = {  # face_person's reasons as the bin shows them
    "unknown": "unknown_face",
    "inactive": "unknown_face",
    "no_consent": "unknown_face",  # consent withdrawn: the face is not used (the card / QR path remains)
    "too_small": "face_too_small",
    "busy": "busy_retry",
}


@dataclass(frozen=True)
class Who:
    user: User | None
    reason: str = ""  # why nobody: unknown_face, no_face, unknown_card, credential_revoked, ...


def face_prepare(*, image: bytes) -> Analysis:
    """Detection and encoding (~100 ms of CPU in the process pool), run before the message's
    transaction; the cheap 1:N match and the consent check follow inside it."""
    return face_analyse(image=image)


def person_identify(*, method: str, site: Site | None, at: datetime, code: str = "", analysis: Any = None) -> Who:
    """`method` face (with `analysis` from face_prepare), card or qr (with `code`)."""
    if method == "face":
        if not isinstance(analysis, Analysis):
            return Who(None, "face_unavailable")
        person = face_person(site=site, analysis=analysis)
        return Who(person.user) if person.user is not None else Who(None, FACE_REASONS.get(person.reason, person.reason))
    found = credential_user_for_code(kind=method, code=code, at=at)
    if found.user is None or found.reason:
        return Who(None, found.reason or f"unknown_{method}")
    return Who(found.user)
