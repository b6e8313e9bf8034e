"""The web till: a cashier charges a pay code (scanner or camera) or a face photo through the POS services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from canteen.models import Charge, Merchant
from canteen.services.charges import wallet_charge
from canteen.services.payer import payer_identify
from canteen.services.pos_api import pos_charge_submit
from portal.models import User


@dataclass(frozen=True)
class TillResult:
    paid: bool
    reason: str  # "" when paid, else a canteen reason code (canteen/reasons.py says it in words)
    charge: Charge | None = None


def till_charge(
    *,
    actor: User,
    merchant: Merchant,
    amount_fen: int,
    order_ref: str,
    code: str = "",
    image: bytes = b"",
    at: datetime | None = None,
) -> TillResult:
    """Charge once per order_ref (the till page issues one per sale, so a double submit pays once).

    A pay code goes through the cashier-screen API service (order_ref is its idempotency key);
    a face photo is matched to an enrolled, consenting person, then charged like a POS face payment.
    """
    at = at or timezone.now()
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int) or amount_fen <= 0:
        return TillResult(False, "bad_amount")
    if code:
        payload = {"merchant": merchant.code, "amount_fen": amount_fen, "code": code.strip(), "order_ref": order_ref}
        response = pos_charge_submit(actor=actor, idempotency_key=f"till:{order_ref}", payload=payload, at=at)
        charge_id = response.body.get("charge_id")
        charge = Charge.objects.filter(pk=charge_id).first() if charge_id else None
        if response.status in (200, 201) and charge is not None:
            return TillResult(True, "", charge)
        return TillResult(False, str(response.body.get("reason") or "conflict"))
    if image:
        payer = payer_identify(site=actor.site, at=at, image=image)
        if payer.user is None:
            return TillResult(False, payer.reason)
        result = wallet_charge(
            user=payer.user, merchant=merchant, amount_fen=amount_fen, order_ref=order_ref, method="face", at=at
        )
        return TillResult(result.paid, result.reason, result.charge)
    return TillResult(False, "no_payer")
