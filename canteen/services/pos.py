"""POS payments from devices: identify the payer (face or QR code), then charge once per order_ref."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone

from building.models import Site
from canteen.models import Charge, Merchant
from canteen.selectors import wallet_balances
from canteen.services.charges import ChargeResult, wallet_charge
from canteen.services.paycode import PayCodeError, paycode_resolve
from devices.models import Device
from portal.models import User

ORDER_REF_MAX = 64
FACE_REASONS = {  # what the cashier screen shows for a face that did not resolve to a payer
    "unknown": "unknown_face",
    "no_face": "no_face",
    "multiple_faces": "multiple_faces",
    "bad_image": "bad_image",
    "too_small": "face_too_small",
    "busy": "busy_retry",
}


class PosInputError(ValueError):
    """The event's data is malformed: the device gets an `error` cmd, not a decline."""


@dataclass(frozen=True)
class PosPayment:
    merchant_code: str
    amount_fen: int
    order_ref: str
    code: str = ""
    image: bytes = b""
    face_match: Any = None  # security.faces.api.FaceMatch computed before the transaction, if any


def parse_pos_payment(data: dict[str, Any], *, face: bool) -> PosPayment:
    amount = data.get("amount_fen")
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise PosInputError("amount_fen must be a positive integer (fen)")
    merchant = data.get("merchant")
    if not isinstance(merchant, str) or not merchant:
        raise PosInputError("merchant must be a merchant code")
    order_ref = data.get("order_ref")
    if not isinstance(order_ref, str) or not 0 < len(order_ref) <= ORDER_REF_MAX:
        raise PosInputError(f"order_ref must be a string of 1..{ORDER_REF_MAX} characters")
    if face:
        raw = data.get("image")
        if not isinstance(raw, str) or not raw:
            raise PosInputError("image must be a base64 JPEG")
        try:
            image = base64.b64decode(raw, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise PosInputError("image is not valid base64") from exc
        return PosPayment(merchant, amount, order_ref, image=image)
    code = data.get("code")
    if not isinstance(code, str) or not code:
        raise PosInputError("code must be the scanned pay code")
    return PosPayment(merchant, amount, order_ref, code=code)


def _declined(reason: str, balance: int = 0) -> ChargeResult:
    return ChargeResult("declined", reason, balance)


def _original(merchant: Merchant, payment: PosPayment) -> ChargeResult | None:
    """A retried order_ref answers the original without identifying the payer again
    (a pay code may have expired by the retry; a face need not be matched twice)."""
    charge = Charge.objects.filter(merchant=merchant, order_ref=payment.order_ref).select_related("user").first()
    if charge is None:
        return None
    balance = wallet_balances(charge.user).spendable_fen
    if charge.amount_fen != payment.amount_fen:
        return _declined("conflict", balance)
    return ChargeResult("paid", "", balance, charge, replay=True)


def pos_pay(*, device: Device, payment: PosPayment, method: str, at: datetime | None = None) -> ChargeResult:
    at = at or timezone.now()
    merchant = Merchant.objects.filter(site_id=device.site_id, code=payment.merchant_code).first()
    if merchant is None:
        return _declined("unknown_merchant")
    original = _original(merchant, payment)
    if original is not None:
        return original
    digest = None
    user: User | None
    if method == "code":
        try:
            resolved = paycode_resolve(code=payment.code, at=at)
        except PayCodeError as exc:
            return _declined(exc.reason)
        user, digest = resolved.user, resolved.digest
    else:
        found = face_payer(image=payment.image, site=device.site, match=payment.face_match)
        if isinstance(found, str):
            return _declined(found)
        user = found
    return wallet_charge(
        user=user,
        merchant=merchant,
        amount_fen=payment.amount_fen,
        order_ref=payment.order_ref,
        method=method,
        device=device,
        pay_code_digest=digest,
        at=at,
    )


def face_match_of(*, image: bytes, site: Site | None) -> Any:
    """Detection, encoding and 1:N matching: read-only and ~100 ms of CPU, so the bridge runs it
    before the message's transaction (registry `prepare`) and no row lock is held meanwhile."""
    try:
        from security.faces.api import face_identify
    except ImportError:
        return None
    return face_identify(image=image, site=site)


def face_payer(*, image: bytes, site: Site | None, match: Any = None) -> User | str:
    """The enrolled person in `image` (or the precomputed `match`), or the decline reason."""
    found = match if match is not None else face_match_of(image=image, site=site)
    if found is None:
        return "face_unavailable"
    if found.user_id is None:
        return FACE_REASONS.get(found.reason, found.reason)
    # The match may have been computed on arrival, before a backlog drained: the consent must
    # still stand now, or the face is not used (the card / QR path remains).
    user = (
        User.objects.filter(pk=found.user_id, is_active=True, face_consents__withdrawn_at__isnull=True)
        .distinct()
        .first()
    )
    return user if user is not None else "unknown_face"
