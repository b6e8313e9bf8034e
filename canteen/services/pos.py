"""POS payments from devices: identify the payer (face or QR code, payer_identify), then charge once per order_ref."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from building.models import Site
from canteen.models import Charge, Merchant
from canteen.selectors import wallet_balances
from canteen.services.charges import ChargeResult, wallet_charge_in_transaction
from canteen.services.payer import payer_identify
from devices.models import Device
from security.faces.api import face_analyse
from security.faces.engine import Analysis


@dataclass(frozen=True)
class PosPayment:
    merchant_code: str
    amount_fen: int
    order_ref: str
    code: str = ""
    image: bytes = b""
    face_match: Analysis | None = None  # the face's analysis computed before the transaction (pos_face_prepare)


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
    if method == "code":
        payer = payer_identify(site=device.site, at=at, code=payment.code)
    else:
        payer = payer_identify(site=device.site, at=at, image=payment.image, analysis=payment.face_match)
    if payer.user is None:
        return _declined(payer.reason)
    return wallet_charge_in_transaction(
        user=payer.user,
        merchant=merchant,
        amount_fen=payment.amount_fen,
        order_ref=payment.order_ref,
        method=method,
        device=device,
        pay_code_digest=payer.pay_code_digest,
        at=at,
    )


def pos_face_prepare(*, image: bytes, site: Site | None = None) -> Analysis:
    """Detection and encoding (~100 ms of CPU) for a face payment: read-only, so the bridge runs
    it before the message's transaction (registry `prepare`) and no row lock is held meanwhile.
    Matching and the consent check run in the transaction (payer_identify); `site` is unused."""
    return face_analyse(image=image)


