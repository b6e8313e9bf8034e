"""Reads of the canteen app: balances, statements, sales and reconciliation figures."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from canteen.models import Account, AccountKind, Entry
from portal.models import User


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
