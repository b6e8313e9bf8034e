"""Reads of the canteen app: balances, statements, and the scoped lookups of user-supplied ids.

Scoping rule: a charge or merchant named by the caller (URL, form, API body) is looked up only
among what the caller may see (their own site); anything else is None and the caller answers 404,
so nobody can probe or touch another site's payments.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from canteen.models import Account, AccountKind, Charge, Entry, Merchant
from portal.models import User

REPORTS_PERMISSION = "canteen.view_reports"
REFUND_PERMISSION = "canteen.refund_charge"


@dataclass(frozen=True)
class Balances:
    cash_fen: int
    subsidy_fen: int
    points: int
    frozen: bool

    @property
    def spendable_fen(self) -> int:
        return self.cash_fen + self.subsidy_fen


def wallet_balances(user: User) -> Balances:
    rows = {a.kind: a for a in Account.objects.filter(user=user)}

    def bal(kind: str) -> int:
        return rows[kind].balance_fen if kind in rows else 0

    cash = rows.get(AccountKind.CASH)
    return Balances(bal(AccountKind.CASH), bal(AccountKind.SUBSIDY), bal(AccountKind.POINTS), bool(cash and cash.frozen))


def wallet_statement(user: User, limit: int = 50) -> QuerySet[Entry]:
    return (
        Entry.objects.filter(account__user=user, account__kind__in=[AccountKind.CASH, AccountKind.SUBSIDY])
        .select_related("transaction", "account")
        .order_by("-transaction__created_at", "-id")[:limit]
    )


def merchants_for_user(user: Any) -> QuerySet[Merchant]:
    """The active merchants of the caller's own site (none without a site)."""
    site_id = getattr(user, "site_id", None)
    return Merchant.objects.filter(site_id=site_id or 0, is_active=True)


def merchant_for_user(
    *, user: Any, merchant_id: object = None, code: str | None = None, kind: str | None = None
) -> Merchant | None:
    """An active merchant of the caller's site, by pk or by code; None otherwise (no fallback to
    another site's merchant with the same code)."""
    merchants = merchants_for_user(user)
    if kind is not None:
        merchants = merchants.filter(kind=kind)
    if code is not None:
        return merchants.filter(code=code).first()
    if not str(merchant_id or "").isdigit():
        return None
    return merchants.filter(pk=int(str(merchant_id))).first()


def charges_for_user(user: Any) -> QuerySet[Charge]:
    """Charges the caller may see: their own, and (with the reports permission) their site's."""
    site_id = getattr(user, "site_id", None)
    visible = Q(user_id=user.pk)
    if site_id is not None and user.has_perm(REPORTS_PERMISSION):
        visible |= Q(merchant__site_id=site_id)
    return Charge.objects.filter(visible)


def charge_for_user(*, user: Any, charge_id: int) -> Charge | None:
    return charges_for_user(user).select_related("merchant", "user", "period").filter(pk=charge_id).first()


def charge_for_cashier(*, user: Any, charge_id: int) -> Charge | None:
    """A charge the caller may refund: one taken at a merchant of their own site, and only with
    the refund permission (their own lunch on another site is not theirs to refund)."""
    site_id = getattr(user, "site_id", None)
    if site_id is None or not user.has_perm(REFUND_PERMISSION):
        return None
    return Charge.objects.select_related("merchant", "user").filter(pk=charge_id, merchant__site_id=site_id).first()


def wallet_entries(user: User, *, kind: str = "") -> QuerySet[Entry]:
    """The whole statement, newest first, optionally one transaction kind (the wallet page paginates it)."""
    entries = Entry.objects.filter(account__user=user, account__kind__in=[AccountKind.CASH, AccountKind.SUBSIDY])
    if kind:
        entries = entries.filter(transaction__kind=kind)
    return entries.select_related("transaction", "account").order_by("-transaction__created_at", "-id")
