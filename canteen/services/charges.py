"""Payments and refunds. Subsidy is spent before cash; money moves only through canteen.ledger."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from canteen import ledger
from canteen.models import Charge, MealPeriod, Merchant, MerchantKind, PayCodeUse, Refund, TransactionKind
from core.audit import audit_log
from devices.models import Device
from portal.models import User

MAX_CHARGE_FEN = 1_000_000  # ¥10,000: a POS amount above this is a typo, not a lunch


class RefundError(Exception):
    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


@dataclass(frozen=True)
class ChargeResult:
    status: str  # paid | declined
    reason: str  # "" when paid; else insufficient_funds, frozen, conflict, code_used, merchant_closed, bad_amount
    balance_fen: int  # cash + subsidy after the attempt
    charge: Charge | None = None
    replay: bool = False

    @property
    def paid(self) -> bool:
        return self.status == "paid"

    def as_reply(self) -> dict[str, Any]:
        return {"status": self.status, "balance_fen": self.balance_fen, "reason": self.reason}


def charge_key(merchant: Merchant, order_ref: str) -> str:
    return f"charge:{merchant.pk}:{order_ref}"


def period_at(merchant: Merchant, at: datetime) -> MealPeriod | None:
    if merchant.kind != MerchantKind.CANTEEN:
        return None
    # Loaded once per merchant instance: a POS worker asks this on every payment.
    periods: list[MealPeriod] | None = getattr(merchant, "_periods", None)
    if periods is None:
        periods = list(merchant.periods.all())
        merchant._periods = periods  # type: ignore[attr-defined]
    local = timezone.localtime(at).time()
    return next((p for p in periods if p.starts <= local < p.ends), None)


def _decline(user: User | None, merchant: Merchant, order_ref: str, reason: str, balance: int, method: str) -> ChargeResult:
    audit_log(
        action="canteen.charge.decline",
        actor=user,
        target=merchant,
        data={"order_ref": order_ref, "reason": reason, "method": method},
    )
    return ChargeResult("declined", reason, balance)


def wallet_charge(
    *,
    user: User,
    merchant: Merchant,
    amount_fen: int,
    order_ref: str,
    method: str,
    device: Device | None = None,
    lines: list[dict[str, Any]] | None = None,
    pay_code_digest: str | None = None,
    at: datetime | None = None,
) -> ChargeResult:
    """Charge `user` once per (merchant, order_ref) in its own transaction; a retry with the same
    amount answers the original. The whole payment is one transaction with no savepoint (two
    round trips fewer); a unique-key race rolls it back and is answered outside it."""
    try:
        with transaction.atomic(durable=True):
            return _charge(
                user, merchant, amount_fen, order_ref, method, device, lines, pay_code_digest, at, savepoint=False
            )
    except IntegrityError:
        return _decline(user, merchant, order_ref, "conflict", 0, method)
    except ledger.LedgerError as exc:
        return _decline(user, merchant, order_ref, exc.reason, 0, method)


def wallet_charge_in_transaction(
    *,
    user: User,
    merchant: Merchant,
    amount_fen: int,
    order_ref: str,
    method: str,
    device: Device | None = None,
    lines: list[dict[str, Any]] | None = None,
    pay_code_digest: str | None = None,
    at: datetime | None = None,
) -> ChargeResult:
    """wallet_charge as one step of the caller's transaction (a checkout that also takes stock,
    a device message in the bridge's batch). The posting runs in a savepoint, so a decline or
    a unique-key race leaves the caller's transaction usable."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("wallet_charge_in_transaction runs inside the caller's transaction; call wallet_charge")
    with transaction.atomic(savepoint=False):  # the caller's transaction; only the posting needs a savepoint
        return _charge(user, merchant, amount_fen, order_ref, method, device, lines, pay_code_digest, at, savepoint=True)


def _charge(
    user: User,
    merchant: Merchant,
    amount_fen: int,
    order_ref: str,
    method: str,
    device: Device | None,
    lines: list[dict[str, Any]] | None,
    pay_code_digest: str | None,
    at: datetime | None,
    *,
    savepoint: bool,
) -> ChargeResult:
    """The payment inside the caller's atomic block. savepoint: the posting gets its own, and a
    refusal or race is answered as a decline (nested); without, it propagates (top level)."""
    at = at or timezone.now()
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int) or not 0 < amount_fen <= MAX_CHARGE_FEN:
        return _decline(user, merchant, order_ref, "bad_amount", 0, method)
    merchant_account = ledger.merchant_account(merchant)
    cash, subsidy = ledger.user_accounts_lock(user)
    locked = {cash.pk: cash, subsidy.pk: subsidy}
    balance = cash.balance_fen + subsidy.balance_fen
    existing = Charge.objects.filter(merchant=merchant, order_ref=order_ref).first()
    if existing is not None:
        if existing.amount_fen == amount_fen and existing.user_id == user.pk:
            return ChargeResult("paid", "", balance, existing, replay=True)
        return _decline(user, merchant, order_ref, "conflict", balance, method)
    if not merchant.is_active:
        return _decline(user, merchant, order_ref, "merchant_closed", balance, method)
    if cash.frozen:
        return _decline(user, merchant, order_ref, "frozen", balance, method)
    if pay_code_digest and PayCodeUse.objects.filter(digest=pay_code_digest).exists():
        return _decline(user, merchant, order_ref, "code_used", balance, method)
    from_subsidy = min(subsidy.balance_fen, amount_fen)
    from_cash = amount_fen - from_subsidy
    if from_cash > cash.balance_fen:
        return _decline(user, merchant, order_ref, "insufficient_funds", balance, method)
    legs = [(merchant_account, amount_fen)]
    if from_subsidy:
        legs.append((subsidy, -from_subsidy))
    if from_cash:
        legs.append((cash, -from_cash))
    try:
        with transaction.atomic(savepoint=savepoint):
            posted = ledger.transaction_post(
                kind=TransactionKind.CHARGE,
                key=charge_key(merchant, order_ref),
                legs=legs,
                user=user,
                description=merchant.name,
                data={"order_ref": order_ref, "method": method},
                at=at,
                locked=locked,
                known_new=True,  # the Charge lookup above, under the same locks, proved it
            )
            charge = Charge.objects.create(
                merchant=merchant,
                order_ref=order_ref,
                user=user,
                amount_fen=amount_fen,
                subsidy_fen=from_subsidy,
                cash_fen=from_cash,
                method=method,
                period=period_at(merchant, at),
                device=device,
                transaction=posted.transaction,
                lines=lines or [],
                created_at=at,
            )
            if pay_code_digest:
                PayCodeUse.objects.create(digest=pay_code_digest, charge=charge, used_at=at)
    except IntegrityError:  # another payer used this order_ref (or this code) at the same instant
        if not savepoint:
            raise
        return _decline(user, merchant, order_ref, "conflict", balance, method)
    except ledger.LedgerError as exc:
        if not savepoint:
            raise
        return _decline(user, merchant, order_ref, exc.reason, balance, method)
    return ChargeResult("paid", "", balance - amount_fen, charge)


def charge_refund(
    *,
    charge: Charge,
    amount_fen: int,
    reason: str,
    actor: User | None,
    request_key: str | None = None,
    at: datetime | None = None,
) -> Refund:
    """Give back up to what is left of `charge`: to cash first, then to the subsidy it came from."""
    with transaction.atomic(durable=True):
        return charge_refund_in_transaction(
            charge=charge, amount_fen=amount_fen, reason=reason, actor=actor, request_key=request_key, at=at
        )


def charge_refund_in_transaction(
    *,
    charge: Charge,
    amount_fen: int,
    reason: str,
    actor: User | None,
    request_key: str | None = None,
    at: datetime | None = None,
) -> Refund:
    """charge_refund as one step of the caller's transaction (an unclaimed takeaway order is
    marked refunded in the same one). A refusal raises RefundError: the caller rolls back."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("charge_refund_in_transaction runs inside the caller's transaction; call charge_refund")
    at = at or timezone.now()
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int) or amount_fen <= 0:
        raise RefundError("bad_amount", "a refund is a positive number of fen")
    if not reason.strip():
        raise RefundError("reason_required", "say why the money goes back")
    key = f"refund:{charge.pk}:{request_key or uuid.uuid4().hex}"
    accounts = ledger.user_accounts(charge.user)
    merchant_account = ledger.merchant_account(charge.merchant)
    with transaction.atomic(savepoint=False):
        locked_charge = Charge.objects.select_for_update().get(pk=charge.pk)
        done = Refund.objects.filter(transaction__idempotency_key=key).first()
        if done is not None:
            return done
        left = locked_charge.amount_fen - locked_charge.refunded_fen
        if amount_fen > left:
            raise RefundError("exceeds_paid", f"at most {left} fen can still be refunded")
        cash_back_so_far = locked_charge.refunds.aggregate(s=Sum("cash_fen"))["s"] or 0
        to_cash = min(amount_fen, locked_charge.cash_fen - cash_back_so_far)
        to_subsidy = amount_fen - to_cash
        legs = [(merchant_account, -amount_fen)]
        if to_cash:
            legs.append((accounts.cash, to_cash))
        if to_subsidy:
            legs.append((accounts.subsidy, to_subsidy))
        posted = ledger.transaction_post(
            kind=TransactionKind.REFUND,
            key=key,
            legs=legs,
            user=charge.user,
            description=charge.merchant.name,
            data={"charge": charge.pk, "order_ref": charge.order_ref, "reason": reason[:200]},
            at=at,
            allow_frozen=True,
        )
        refund = Refund.objects.create(
            charge=locked_charge,
            amount_fen=amount_fen,
            subsidy_fen=to_subsidy,
            cash_fen=to_cash,
            reason=reason[:200],
            actor=actor,
            transaction=posted.transaction,
            created_at=at,
        )
        locked_charge.refunded_fen += amount_fen
        locked_charge.save(update_fields=["refunded_fen"])
        charge.refunded_fen = locked_charge.refunded_fen
        audit_log(
            action="canteen.charge.refund",
            actor=actor,
            target=locked_charge,
            data={"amount_fen": amount_fen, "reason": reason[:200], "cash_fen": to_cash, "subsidy_fen": to_subsidy},
        )
    return refund


def monthly_subsidy_fen() -> int:
    return int(getattr(settings, "CANTEEN_MONTHLY_SUBSIDY_FEN", 30000))
