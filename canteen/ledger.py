"""The ledger: the only code that creates entries or changes a balance.

Every movement of money is one Transaction of Entries summing to zero, in integer fen, with an
idempotency key unique per source ("pos:<merchant>:<order_ref>", "alipay:<out_trade_no>", ...).
User accounts (cash, subsidy, points) keep a cached balance changed only here, under
`SELECT ... FOR UPDATE` taken in ascending primary-key order, so two payments can never
deadlock each other and a balance can never go negative (the database refuses it too).
System accounts (merchants, Alipay clearing, subsidy funding) are never locked: their balance
is the sum of their entries, so one busy merchant does not serialise every payment.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from canteen.models import Account, AccountKind, Entry, Merchant, Transaction
from canteen.models.ledger import USER_KINDS
from core.registry import ledger_accounts, ledger_kinds
from portal.models import User


class LedgerError(Exception):
    """A movement the ledger refuses; `reason` is a short code a cashier screen can show."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class UserAccounts:
    cash: Account
    subsidy: Account
    points: Account


@dataclass(frozen=True)
class Posted:
    transaction: Transaction
    created: bool  # False: the key was already posted and this is the original


def _ensure(kind: str, *, user: User | None = None, merchant: Merchant | None = None) -> Account:
    try:
        with transaction.atomic():
            account, _ = Account.objects.get_or_create(kind=kind, user=user, merchant=merchant)
    except IntegrityError:  # created concurrently by another request
        account = Account.objects.get(kind=kind, user=user, merchant=merchant)
    return account


def user_accounts(user: User) -> UserAccounts:
    found = {a.kind: a for a in Account.objects.filter(user=user, kind__in=USER_KINDS)}
    for kind in USER_KINDS:
        if kind not in found:
            found[kind] = _ensure(kind, user=user)
    return UserAccounts(cash=found[AccountKind.CASH], subsidy=found[AccountKind.SUBSIDY], points=found[AccountKind.POINTS])


def merchant_account(merchant: Merchant) -> Account:
    # Remembered on the instance: a merchant account holds no cached balance and is never
    # deleted (PROTECT), so a long-lived caller (a POS worker) saves a query per payment.
    cached: Account | None = getattr(merchant, "_ledger_account", None)
    if cached is not None:
        return cached
    found = Account.objects.filter(kind=AccountKind.MERCHANT, merchant=merchant).first()
    account = found or _ensure(AccountKind.MERCHANT, merchant=merchant)
    merchant._ledger_account = account  # type: ignore[attr-defined]
    return account


def system_account(kind: str) -> Account:
    if kind not in ledger_accounts() or kind == AccountKind.MERCHANT:
        raise ValueError(f"not a registered system account kind: {kind}")
    found = Account.objects.filter(kind=kind, user__isnull=True, merchant__isnull=True).first()
    return found or _ensure(kind)


LOCK_TIMEOUT = "5s"  # a payment waiting longer for a wallet row fails instead of piling up


def _locking_allowed() -> None:
    """Row locks last until the transaction ends, so taking one in autocommit would lock
    nothing (SQLite silently, PostgreSQL with an error): refuse. On PostgreSQL also bound the
    wait (SET LOCAL: until this transaction ends); SQLite serialises writers anyway."""
    conn = transaction.get_connection()
    if not conn.in_atomic_block:
        raise RuntimeError("the ledger's row locks need a transaction: call this inside transaction.atomic()")
    if conn.vendor == "postgresql":
        with conn.cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")


def accounts_lock(accounts: Iterable[Account]) -> dict[int, Account]:
    """Lock the cached (user) accounts among `accounts`, lowest pk first; fresh rows by pk.

    Must run inside a transaction. Callers lock their own domain rows (a charge, a top-up)
    before calling this, so the global order is always: domain row, then accounts by pk.
    """
    _locking_allowed()
    pks = sorted({a.pk for a in accounts if not a.is_derived})
    if not pks:
        return {}
    locked = Account.objects.select_for_update().filter(pk__in=pks).order_by("pk")
    return {a.pk: a for a in locked}


def user_accounts_lock(user: User) -> tuple[Account, Account]:
    """(cash, subsidy) of `user`, locked in pk order, in one round trip when they exist."""
    _locking_allowed()
    kinds = [AccountKind.CASH, AccountKind.SUBSIDY]
    rows = {a.kind: a for a in Account.objects.select_for_update().filter(user=user, kind__in=kinds).order_by("pk")}
    if len(rows) < 2:
        accounts = user_accounts(user)
        locked = accounts_lock([accounts.cash, accounts.subsidy])
        return locked[accounts.cash.pk], locked[accounts.subsidy.pk]
    return rows[AccountKind.CASH], rows[AccountKind.SUBSIDY]


def _insert_rows(txn: Transaction, legs: Sequence[tuple[Account, int]], moves: dict[int, int]) -> None:
    """Entries and balance changes in two statements: the hot path of every payment."""
    values = ", ".join(["(%s, %s, %s)"] * len(legs))
    with connection.cursor() as cursor:
        params: list[int] = []
        for account, amount in legs:
            params += [txn.pk, account.pk, amount]
        cursor.execute(f"INSERT INTO {Entry._meta.db_table} (transaction_id, account_id, amount_fen) VALUES {values}", params)  # noqa: S608
        for pk, delta in moves.items():
            if delta:
                cursor.execute(f"UPDATE {Account._meta.db_table} SET balance_fen = balance_fen + %s WHERE id = %s", [delta, pk])  # noqa: S608


def transaction_post(
    *,
    kind: str,
    key: str,
    legs: Sequence[tuple[Account, int]],
    user: User | None = None,
    description: str = "",
    data: dict[str, Any] | None = None,
    at: datetime | None = None,
    allow_frozen: bool = False,
    locked: dict[int, Account] | None = None,
    known_new: bool = False,
) -> Posted:
    """Post one balanced transaction once per `key`; a repeated key returns the original.

    `locked`: what the caller got from accounts_lock() in this transaction (saves a round trip).
    Nested in a caller's atomic block it adds no savepoint: every refusal is raised before the
    first write, and a unique-key race surfaces as IntegrityError for the caller's savepoint.
    """
    if kind not in ledger_kinds():
        raise LedgerError("unknown_kind", f"{kind!r} is not a registered ledger kind (DomainConfig.ledger_kinds)")
    if len(legs) < 2:
        raise LedgerError("unbalanced", "a transaction needs at least two entries")
    for _account, amount in legs:
        if isinstance(amount, bool) or not isinstance(amount, int) or amount == 0:
            raise LedgerError("bad_amount", f"entry amounts are non-zero integer fen, got {amount!r}")
    if sum(amount for _, amount in legs) != 0:
        raise LedgerError("unbalanced", f"entries sum to {sum(a for _, a in legs)}, not 0")
    with transaction.atomic(savepoint=False):
        needed = {a.pk for a, _ in legs if not a.is_derived}
        if locked is None or not needed <= set(locked):
            locked = accounts_lock(account for account, _ in legs)
        existing = None if known_new else Transaction.objects.filter(idempotency_key=key).first()
        if existing is not None:
            return Posted(existing, created=False)
        moves: dict[int, int] = {}
        for account, amount in legs:
            if account.pk in locked:
                moves[account.pk] = moves.get(account.pk, 0) + amount
        for pk, delta in moves.items():
            account = locked[pk]
            if account.frozen and delta < 0 and not allow_frozen:
                raise LedgerError("frozen", f"account {pk} is frozen")
            if account.balance_fen + delta < 0:
                raise LedgerError("insufficient_funds", f"account {pk} has {account.balance_fen}, needs {-delta}")
        txn = Transaction.objects.create(
            kind=kind,
            idempotency_key=key,
            user=user,
            description=description[:200],
            data=data or {},
            created_at=at or timezone.now(),
        )
        _insert_rows(txn, legs, moves)
        for pk, delta in moves.items():
            locked[pk].balance_fen += delta
        for account, _ in legs:  # keep the caller's objects current
            if account.pk in locked:
                account.balance_fen = locked[account.pk].balance_fen
        return Posted(txn, created=True)


def account_freeze(*, account: Account, frozen: bool) -> Account:
    with transaction.atomic():
        accounts_lock([account])
        Account.objects.filter(pk=account.pk).update(frozen=frozen)
        account.frozen = frozen
    return account


def account_balance(account: Account) -> int:
    if not account.is_derived:
        return int(Account.objects.values_list("balance_fen", flat=True).get(pk=account.pk))
    total = Entry.objects.filter(account=account).aggregate(s=Sum("amount_fen"))["s"]
    return int(total or 0)


def ledger_check() -> dict[str, Any]:
    """The invariants: every transaction balances, every cached balance equals its entries, no user below 0."""
    unbalanced = list(
        Transaction.objects.annotate(total=Coalesce(Sum("entries__amount_fen"), 0), n=Count("entries"))
        .filter(~Q(total=0) | Q(n__lt=2))
        .values("id", "idempotency_key", "total", "n")[:100]
    )
    mismatched = list(
        Account.objects.filter(kind__in=USER_KINDS)
        .annotate(entries_total=Coalesce(Sum("entries__amount_fen"), 0))
        .exclude(balance_fen=F("entries_total"))
        .values("id", "kind", "user_id", "balance_fen", "entries_total")[:100]
    )
    negative = list(
        Account.objects.filter(kind__in=USER_KINDS, balance_fen__lt=0).values("id", "kind", "user_id", "balance_fen")[:100]
    )
    grand_total = Entry.objects.aggregate(s=Sum("amount_fen"))["s"] or 0
    ok = not unbalanced and not mismatched and not negative and grand_total == 0
    return {
        "ok": ok,
        "accounts": Account.objects.count(),
        "transactions": Transaction.objects.count(),
        "entries_total_fen": int(grand_total),
        "unbalanced_transactions": unbalanced,
        "mismatched_accounts": mismatched,
        "negative_accounts": negative,
    }
