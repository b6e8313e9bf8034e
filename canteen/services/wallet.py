"""Operator adjustments, top-up credits, recycling points and the monthly subsidy."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from canteen import ledger
from canteen.models import AccountKind, Transaction, TransactionKind
from canteen.services.charges import monthly_subsidy_fen
from core.audit import audit_log
from core.roles import STAFF
from portal.models import User


def wallet_adjust(*, user: User, amount_fen: int, reason: str, actor: Any, at: datetime | None = None) -> int:
    """An audited operator correction of a cash wallet; returns the new cash balance."""
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int) or amount_fen == 0:
        raise ledger.LedgerError("bad_amount", "the adjustment is a non-zero integer number of fen")
    if not reason.strip():
        raise ledger.LedgerError("reason_required", "an adjustment needs a reason")
    cash = ledger.user_accounts(user).cash
    with transaction.atomic(durable=True):
        posted = ledger.transaction_post(
            kind=TransactionKind.ADJUST,
            key=f"adjust:{uuid.uuid4().hex}",
            legs=[(cash, amount_fen), (ledger.system_account(AccountKind.ADJUSTMENT), -amount_fen)],
            user=user,
            description=reason[:200],
            data={"reason": reason[:200], "by": str(actor)},
            at=at,
            allow_frozen=True,
        )
        audit_log(
            action="canteen.wallet.adjust",
            actor=actor,
            target=posted.transaction,
            data={"user": user.username, "amount_fen": amount_fen, "reason": reason[:200]},
        )
    return cash.balance_fen


def wallet_topup_credit(
    *, user: User, amount_fen: int, source_key: str, description: str, at: datetime | None = None
) -> Transaction:
    """Alipay clearing -> cash wallet, once per source_key (callers hold the top-up row lock)."""
    cash = ledger.user_accounts(user).cash
    posted = ledger.transaction_post(
        kind=TransactionKind.TOPUP,
        key=source_key,
        legs=[(cash, amount_fen), (ledger.system_account(AccountKind.ALIPAY_CLEARING), -amount_fen)],
        user=user,
        description=description,
        at=at,
        allow_frozen=True,  # money that arrived is never refused; a frozen wallet just cannot spend
    )
    return posted.transaction


def points_award(*, user: User, points: int, source_key: str, description: str = "", at: datetime | None = None) -> int:
    """Recycling points (their own unit, balanced against points issuance); returns the new total."""
    account = ledger.user_accounts(user).points
    ledger.transaction_post(
        kind=TransactionKind.POINTS,
        key=source_key,
        legs=[(account, points), (ledger.system_account(AccountKind.POINTS_ISSUANCE), -points)],
        user=user,
        description=description,
        at=at,
    )
    return ledger.account_balance(account)


def _month_key(month: date) -> str:
    return f"{month.year:04d}-{month.month:02d}"


def subsidy_grant_month(
    *, month: date | None = None, amount_fen: int | None = None, at: datetime | None = None
) -> dict[str, int]:
    """Grant the monthly meal subsidy to every active staff member, once per person per month.

    Policy: a month's subsidy does not roll over. The first grant of a month first expires what
    is left on the subsidy account (back to subsidy funding), then grants the new allowance.
    Both postings are keyed per person and month, so running the task again changes nothing.
    """
    at = at or timezone.now()
    month = (month or timezone.localdate(at)).replace(day=1)
    amount = monthly_subsidy_fen() if amount_fen is None else amount_fen
    funding = ledger.system_account(AccountKind.SUBSIDY_FUNDING)
    counts = {"granted": 0, "expired_fen": 0, "already": 0}
    staff = User.objects.filter(is_active=True, groups__name=STAFF).order_by("pk").distinct()
    for user in staff:
        subsidy = ledger.user_accounts(user).subsidy
        with transaction.atomic(durable=True):
            locked = ledger.accounts_lock([subsidy])[subsidy.pk]
            grant_key = f"subsidy:{user.pk}:{_month_key(month)}"
            if Transaction.objects.filter(idempotency_key=grant_key).exists():
                counts["already"] += 1
                continue
            if locked.balance_fen > 0:
                expired = locked.balance_fen
                ledger.transaction_post(
                    kind=TransactionKind.SUBSIDY_EXPIRE,
                    key=f"subsidy-expire:{user.pk}:{_month_key(month)}",
                    legs=[(subsidy, -expired), (funding, expired)],
                    user=user,
                    description="餐补过期",  # statements are shown in Chinese
                    at=at,
                    allow_frozen=True,
                )
                counts["expired_fen"] += expired
            if amount > 0:
                ledger.transaction_post(
                    kind=TransactionKind.SUBSIDY_GRANT,
                    key=grant_key,
                    legs=[(subsidy, amount), (funding, -amount)],
                    user=user,
                    description=f"餐补 {_month_key(month)}",
                    at=at,
                    allow_frozen=True,
                )
                counts["granted"] += 1
    if counts["granted"] or counts["expired_fen"]:
        audit_log(
            action="canteen.subsidy.grant", actor="scheduler", data={"month": _month_key(month), "amount_fen": amount, **counts}
        )
    return counts
