"""The cashier-screen charge API behind an Idempotency-Key (IETF httpapi idempotency-key draft).

The key is recorded (in flight) and committed before any money moves, so a concurrent second
request with the same key sees it and gets 409; the finished response is stored and replayed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from canteen.models import IdempotencyRecord, Merchant
from canteen.services.charges import ChargeResult, wallet_charge
from canteen.services.paycode import PayCodeError, paycode_resolve
from canteen.services.shop import SaleError, supermarket_checkout
from portal.models import User

STALE_AFTER = timedelta(seconds=30)


@dataclass(frozen=True)
class ApiResponse:
    status: int
    body: dict[str, Any]
    replayed: bool = False


def _fingerprint(payload: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str).encode()).hexdigest()


def _charge(*, actor: User, key: str, payload: dict[str, Any], at: datetime) -> ApiResponse:
    merchant = Merchant.objects.filter(code=payload["merchant"], site=actor.site, is_active=True).first() if actor.site else None
    if merchant is None:
        merchant = Merchant.objects.filter(code=payload["merchant"], is_active=True).first()
    if merchant is None:
        return ApiResponse(404, {"detail": f"no merchant {payload['merchant']!r}"})
    order_ref = payload.get("order_ref") or f"api-{key}"[:64]
    digest = None
    if payload.get("code"):
        try:
            resolved = paycode_resolve(code=payload["code"], at=at)
        except PayCodeError as exc:
            return ApiResponse(402, {"status": "declined", "reason": exc.reason, "balance_fen": 0, "order_ref": order_ref})
        payer, digest, method = resolved.user, resolved.digest, "code"
    else:
        found = User.objects.filter(employee_no=payload.get("card"), is_active=True).first()
        if found is None:
            return ApiResponse(402, {"status": "declined", "reason": "unknown_card", "balance_fen": 0, "order_ref": order_ref})
        payer, method = found, "card"
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
    key = (idempotency_key or "").strip()
    if not key:
        return ApiResponse(400, {"detail": "the Idempotency-Key header is required"})
    if len(key) > 255:
        return ApiResponse(400, {"detail": "the Idempotency-Key header is longer than 255 characters"})
    fingerprint = _fingerprint(payload)
    try:
        with transaction.atomic():
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
