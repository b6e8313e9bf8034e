"""Spending points: the points shop, and part of a supermarket purchase.

Points leave the person's ledger `points` account (row-locked by the ledger, never below zero)
back to points issuance. At the supermarket their money value is also recorded: the agency's
points budget (`points_funding`) owes it to the shop (`points_payable`, settled per merchant
from the Redemption rows), so the shop's own charge and reconciliation stay what the wallet paid.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from building.recycling.conf import setting
from building.recycling.models import Good, Redemption
from canteen import ledger
from canteen.models import AccountKind, Merchant, Transaction
from canteen.services.charges import ChargeResult
from canteen.services.payer import payer_identify
from canteen.services.shop import SaleError, supermarket_checkout
from core.audit import audit_log
from portal.models import User

REDEEM_KIND = "points_redeem"
FUNDING = "points_funding"
PAYABLE = "points_payable"
MAX_QUANTITY = 20


class RedeemError(Exception):
    """`reason`: not_found, out_of_stock, not_enough_points, bad_quantity, bad_points, frozen."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _ledger_refusal(exc: ledger.LedgerError) -> RedeemError:
    return RedeemError("not_enough_points" if exc.reason == "insufficient_funds" else exc.reason)


def points_exchange(*, user: User, good_id: int, quantity: int = 1, request_key: str, at: datetime | None = None) -> Redemption:
    """Take a listed good for its points, once per `request_key` (a form's token: no double spend)."""
    at = at or timezone.now()
    if isinstance(quantity, bool) or not isinstance(quantity, int) or not 0 < quantity <= MAX_QUANTITY:
        raise RedeemError("bad_quantity")
    key = f"points:shop:{user.pk}:{request_key}"[:200]
    account = ledger.user_accounts(user).points
    with transaction.atomic(durable=True):
        # The good first, then the points account (the ledger's order: domain rows, then accounts).
        good = Good.objects.select_for_update().filter(pk=good_id, is_active=True).first()
        if good is None or (user.site_id is not None and good.site_id != user.site_id):
            raise RedeemError("not_found")
        done = Redemption.objects.filter(transaction__idempotency_key=key).first()
        if done is not None:
            return done
        if good.stock < quantity:
            raise RedeemError("out_of_stock")
        cost = good.points * quantity
        try:
            posted = ledger.transaction_post(
                kind=REDEEM_KIND,
                key=key,
                legs=[(account, -cost), (ledger.system_account(AccountKind.POINTS_ISSUANCE), cost)],
                user=user,
                description=f"积分兑换 {good.name}",  # statements are shown in Chinese
                data={"good": good.pk, "quantity": quantity},
                at=at,
            )
        except ledger.LedgerError as exc:
            raise _ledger_refusal(exc) from exc
        good.stock -= quantity
        good.save(update_fields=["stock"])
        redemption = Redemption.objects.create(
            user=user,
            kind=Redemption.Kind.SHOP,
            good=good,
            quantity=quantity,
            points=cost,
            transaction=posted.transaction,
            created_at=at,
        )
        audit_log(action="recycling.points.exchange", actor=user, target=redemption, data={"good": good.name, "points": cost})
    return redemption


def points_value_fen(points: int) -> int:
    return points * 100 // int(setting("POINTS_PER_YUAN"))


@dataclass(frozen=True)
class PointsCheckout:
    result: ChargeResult
    points: int  # spent
    value_fen: int  # what they paid of the cart
    payer: User | None = None


def _cover(*, user: User, merchant: Merchant, order_ref: str, points: int, at: datetime, used: dict[str, Any]) -> Any:
    """The supermarket checkout's `cover`: pay part of `total` with points, in its transaction."""

    def cover(total: int) -> int:
        key = f"points:checkout:{merchant.pk}:{order_ref}"
        done = Transaction.objects.filter(idempotency_key=key).first()
        if done is not None:  # a retried checkout: the original split, whatever is asked now
            used.update(points=done.data["points"], fen=done.data["value_fen"], transaction=done)
            return int(done.data["value_fen"])
        accounts = ledger.user_accounts(user)
        # All three in pk order now: the wallet charge that follows locks cash and subsidy again
        # (already ours), so no one can hold cash while waiting for our points or the reverse.
        locked = ledger.accounts_lock([accounts.cash, accounts.subsidy, accounts.points])
        held = locked[accounts.points.pk].balance_fen
        per_yuan = int(setting("POINTS_PER_YUAN"))
        # Points pay part: the wallet always pays something, so the sale stays one Charge (receipt, refunds).
        share = min(int(setting("MAX_SHARE_PERCENT")), 99)
        fen = min(points_value_fen(min(points, held)), total * share // 100)
        if fen <= 0:
            return 0
        spend = -(-fen * per_yuan // 100)  # the points those fen cost, rounded up (never more than held)
        try:
            posted = ledger.transaction_post(
                kind=REDEEM_KIND,
                key=key,
                legs=[
                    (accounts.points, -spend),
                    (ledger.system_account(AccountKind.POINTS_ISSUANCE), spend),
                    (ledger.system_account(PAYABLE), fen),
                    (ledger.system_account(FUNDING), -fen),
                ],
                user=user,
                description=f"积分抵扣 {merchant.name}",
                data={"points": spend, "value_fen": fen, "merchant": merchant.code, "order_ref": order_ref},
                at=at,
                locked=locked,
            )
        except ledger.LedgerError as exc:
            raise _ledger_refusal(exc) from exc
        Redemption.objects.create(
            user=user, kind=Redemption.Kind.CHECKOUT, points=spend, value_fen=fen, transaction=posted.transaction, created_at=at
        )
        used.update(points=spend, fen=fen, transaction=posted.transaction)
        return fen

    return cover


def checkout_with_points(
    *,
    merchant: Merchant,
    lines: list[tuple[str, int]],
    order_ref: str,
    points: int,
    pay_code: str = "",
    user: User | None = None,
    at: datetime | None = None,
) -> PointsCheckout:
    """A supermarket cart paid partly with points (at most MAX_SHARE_PERCENT, at POINTS_PER_YUAN)
    and the rest from the wallet, in the checkout's one transaction: both legs or neither (the
    checkout rolls the points leg back when the wallet declines). Once per order_ref.

    The payer is the pay code's owner (canteen's payer_identify; or `user`, for the portal and
    tests). SaleError for a bad cart, RedeemError for bad points."""
    at = at or timezone.now()
    if isinstance(points, bool) or not isinstance(points, int) or points < 0:
        raise RedeemError("bad_points")
    digest = None
    if pay_code:
        payer = payer_identify(site=merchant.site, at=at, code=pay_code)
        if payer.user is None:
            return PointsCheckout(ChargeResult("declined", payer.reason, 0), 0, 0)
        user, digest = payer.user, payer.pay_code_digest
    if user is None:
        raise RedeemError("no_payer")
    used: dict[str, Any] = {}
    result = supermarket_checkout(
        merchant=merchant,
        user=user,
        lines=lines,
        order_ref=order_ref,
        method="code" if pay_code else "portal",
        pay_code_digest=digest,
        at=at,
        cover=_cover(user=user, merchant=merchant, order_ref=order_ref, points=points, at=at, used=used),
    )
    if not result.paid:
        return PointsCheckout(result, 0, 0, user)
    if used and result.charge is not None:  # the sale's charge exists only now: link it
        Redemption.objects.filter(transaction=used["transaction"], charge__isnull=True).update(charge=result.charge)
    return PointsCheckout(result, int(used.get("points", 0)), int(used.get("fen", 0)), user)


__all__ = ["PointsCheckout", "RedeemError", "SaleError", "checkout_with_points", "points_exchange", "points_value_fen"]
