"""Who pays: the one payer identification of every checkout (POS devices, the cashier API,
the takeaway window), by dynamic pay code, issued card or face."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from building.models import Site
from canteen.services.paycode import PayCodeError, paycode_resolve
from portal.models import User
from security.faces.api import face_person
from security.faces.engine import Analysis
from security.services.credentials import credential_user_for_code

FACE_REASONS = {  # what the cashier screen shows for a face that did not resolve to a payer
    "unknown": "unknown_face",
    "inactive": "unknown_face",
    "no_consent": "unknown_face",  # consent withdrawn since the face was enrolled: not used to pay
    "no_face": "no_face",
    "multiple_faces": "multiple_faces",
    "bad_image": "bad_image",
    "too_small": "face_too_small",
    "busy": "busy_retry",
}


@dataclass(frozen=True)
class Payer:
    user: User | None  # None: not identified, see `reason`
    method: str  # code | card | face
    reason: str = ""  # the decline reason when there is no user
    pay_code_digest: str | None = None  # a pay code pays once: what PayCodeUse records


def payer_identify(
    *,
    site: Site | None,
    at: datetime,
    code: str = "",
    card: str = "",
    image: bytes = b"",
    analysis: Analysis | None = None,
) -> Payer:
    """The payer of one checkout from what the till read: a pay code, else a card, else a face
    (its image, or the analysis the bridge computed before the transaction)."""
    if code:
        try:
            resolved = paycode_resolve(code=code, at=at)
        except PayCodeError as exc:
            return Payer(None, "code", exc.reason)
        return Payer(resolved.user, "code", pay_code_digest=resolved.digest)
    if card:
        # An issued card credential (hashed, revocable, canonical UID), never an employee number:
        # anyone may know a colleague's (issue 9).
        card_match = credential_user_for_code(kind="card", code=card, at=at)
        if card_match.user is None:
            return Payer(None, "card", "unknown_card")
        return Payer(card_match.user if not card_match.reason else None, "card", card_match.reason)
    if not image and analysis is None:
        return Payer(None, "face", "no_identity")
    found = face_person(site=site, image=image, analysis=analysis)
    if found.user is None:
        return Payer(None, "face", FACE_REASONS.get(found.reason, found.reason))
    return Payer(found.user, "face")
