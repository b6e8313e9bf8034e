"""The cashier-screen charge API behind an Idempotency-Key (IETF httpapi idempotency-key draft).

The key is recorded (in flight) and committed before any money moves, so a concurrent second
request with the same key sees it and gets 409; the finished response is stored and replayed.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from canteen.models import IdempotencyRecord
from canteen.selectors import merchant_for_user
from canteen.services.charges import ChargeResult, wallet_charge
from canteen.services.payer import payer_identify
from canteen.services.shop import SaleError, supermarket_checkout
from portal.models import User

STALE_AFTER = timedelta(seconds=30)
IDEMPOTENCY_KEY_MAX = 128
IDEMPOTENCY_KEY_PATTERN = rf"^[A-Za-z0-9._:-]{{1,{IDEMPOTENCY_KEY_MAX}}}$"
_IDEMPOTENCY_KEY = re.compile(IDEMPOTENCY_KEY_PATTERN, re.ASCII)


def idempotency_key_error(key: str | None) -> str | None:
    """None for a well-formed key, else why not (no trimming: the key is used as sent)."""
    if not key:
        return "the Idempotency-Key header is required"
    if not _IDEMPOTENCY_KEY.fullmatch(key):
        return f"the Idempotency-Key header must be 1 to {IDEMPOTENCY_KEY_MAX} characters of A-Z a-z 0-9 . _ : -"
    return None


@dataclass(frozen=True)
class ApiResponse:
    status: int
    body: dict[str, Any]
    replayed: bool = False


def _fingerprint(payload: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str).encode()).hexdigest()


def _charge(*, actor: User, key: str, payload: dict[str, Any], at: datetime) -> ApiResponse:
    merchant = merchant_for_user(user=actor, code=payload["merchant"])  # the cashier's own site only
    if merchant is None:
        return ApiResponse(404, {"detail": f"no merchant {payload['merchant']!r}"})
    order_ref = payload.get("order_ref") or f"api-{key}"[:64]
    identified = payer_identify(site=merchant.site, at=at, code=payload.get("code") or "", card=payload.get("card") or "")
    if identified.user is None:
        return ApiResponse(402, {"status": "declined", "reason": identified.reason, "balance_fen": 0, "order_ref": order_ref})
    payer, digest, method = identified.user, identified.pay_code_digest, identified.method
    result: ChargeResult
    if payload.get("lines"):
        try:
            lines = [(str(line["barcode"]), int(line["qty"])) for line in payload["lines"]]
            result = supermarket_checkout(
                merchant=merchant, user=payer, lines=lines, order_ref=order_ref, method=method, pay_code_digest=digest, at=at
            )
        except SaleError as exc:
            return ApiResponse(409 if exc.reason == "out_of_stock" else 400, {"detail": str(exc), "reason": exc.reason})
    else:
        amount = payload.get("amount_fen")
        if not isinstance(amount, int):
            return ApiResponse(400, {"detail": "amount_fen or lines is required"})
        result = wallet_charge(
            user=payer, merchant=merchant, amount_fen=amount, order_ref=order_ref, method=method, pay_code_digest=digest, at=at
        )
    body = {
        **result.as_reply(),
        "order_ref": order_ref,
        "charge_id": result.charge.pk if result.charge else None,
        "amount_fen": result.charge.amount_fen if result.charge else payload.get("amount_fen"),
        "payer": str(payer),
    }
    return ApiResponse(201 if result.paid else 402, body)


def pos_charge_submit(
    *, actor: User, idempotency_key: str | None, payload: dict[str, Any], at: datetime | None = None
) -> ApiResponse:
    at = at or timezone.now()
    key = idempotency_key or ""
    key_error = idempotency_key_error(key)
    if key_error:
        return ApiResponse(400, {"detail": key_error})
    fingerprint = _fingerprint(payload)
    try:
        with transaction.atomic(durable=True):
            record = IdempotencyRecord.objects.create(key=key, actor=actor, fingerprint=fingerprint)
    except IntegrityError:
        existing = IdempotencyRecord.objects.get(key=key, actor=actor)
        if existing.fingerprint != fingerprint:
            return ApiResponse(422, {"detail": "this Idempotency-Key was used with a different request body"})
        if not existing.in_flight:
            return ApiResponse(existing.response_status or 200, existing.response_body or {}, replayed=True)
        # A process that died mid-request leaves the key in flight; after STALE_AFTER one retry
        # takes it over. Safe: the charge itself is idempotent per order_ref.
        stale = IdempotencyRecord.objects.filter(pk=existing.pk, in_flight=True, created_at__lt=at - STALE_AFTER)
        if not stale.update(created_at=at):
            return ApiResponse(409, {"detail": "a request with this Idempotency-Key is still being processed"})
        record = existing
    try:
        response = _charge(actor=actor, key=key, payload=payload, at=at)
    except BaseException:
        record.delete()  # nothing was stored: the client may retry with the same key
        raise
    IdempotencyRecord.objects.filter(pk=record.pk).update(
        in_flight=False, response_status=response.status, response_body=response.body
    )
    return response
