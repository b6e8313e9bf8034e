"""Double-entry ledger rows. Only canteen/ledger.py writes them (one writer per invariant)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountKind:
    """Account kinds of the canteen app. Other apps register their system accounts
    (DomainConfig.ledger_accounts): the column has no choices, so that needs no migration."""

    CASH = "cash"
    SUBSIDY = "subsidy"
    POINTS = "points"
    MERCHANT = "merchant"
    ALIPAY_CLEARING = "alipay"
    SUBSIDY_FUNDING = "subsidy_funding"
    POINTS_ISSUANCE = "points_issuance"
    ADJUSTMENT = "adjustment"


# The per-person accounts: cached balance, row-locked, never negative.
USER_KINDS = (AccountKind.CASH, AccountKind.SUBSIDY, AccountKind.POINTS)
USER_KIND_LABELS = {AccountKind.CASH: _("cash wallet"), AccountKind.SUBSIDY: _("meal subsidy"), AccountKind.POINTS: _("points")}


def account_kind_label(kind: str) -> str:
    from core.registry import ledger_accounts

    spec = ledger_accounts().get(kind)
    return str(USER_KIND_LABELS.get(kind) or (spec.label if spec else kind))


def transaction_kind_label(kind: str) -> str:
    from core.registry import ledger_kinds

    spec = ledger_kinds().get(kind)
    return str(spec.label) if spec is not None else kind


class Account(models.Model):
    kind = models.CharField(_("kind"), max_length=32)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_accounts",
    )
    merchant = models.ForeignKey(
        "canteen.Merchant", verbose_name=_("merchant"), null=True, blank=True, on_delete=models.PROTECT, related_name="accounts"
    )
    # Cached for user accounts only (see is_derived); ledger_check proves it equals the entries.
    balance_fen = models.BigIntegerField(_("balance (fen)"), default=0)
    frozen = models.BooleanField(_("frozen"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "user"], condition=models.Q(user__isnull=False), name="account_per_user_kind"
            ),
            models.UniqueConstraint(
                fields=["kind", "merchant"], condition=models.Q(merchant__isnull=False), name="account_per_merchant"
            ),
            models.UniqueConstraint(
                fields=["kind"],
                condition=models.Q(user__isnull=True, merchant__isnull=True),
                name="one_system_account_per_kind",
            ),
            # The database itself refuses a negative user balance, whatever code path tries.
            models.CheckConstraint(
                condition=models.Q(balance_fen__gte=0) | ~models.Q(kind__in=["cash", "subsidy", "points"]),
                name="user_balance_not_negative",
            ),
        ]

    def __str__(self) -> str:
        owner = self.user or self.merchant or "system"
        return f"{self.get_kind_display()} · {owner}"

    def get_kind_display(self) -> str:
        return account_kind_label(self.kind)

    @property
    def is_derived(self) -> bool:
        # System accounts take no row lock: their balance is derived from entries (sum), so a hot
        # merchant never serialises every payment on one row. Only user accounts, which must never
        # go negative, keep a cached balance updated under a row lock.
        return self.kind not in USER_KINDS


class TransactionKind:
    """Transaction kinds of the canteen app; other apps register theirs (DomainConfig.ledger_kinds)."""

    CHARGE = "charge"
    REFUND = "refund"
    TOPUP = "topup"
    SUBSIDY_GRANT = "subsidy_grant"
    SUBSIDY_EXPIRE = "subsidy_expire"
    ADJUST = "adjust"
    POINTS = "points"


class Transaction(models.Model):
    kind = models.CharField(_("kind"), max_length=32)
    # "<source>:<id>" — unique per source, so a retried charge, notice or grant posts once.
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_transactions",
    )
    description = models.CharField(_("description"), max_length=200, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), db_index=True)

    class Meta:
        verbose_name = _("transaction")
        verbose_name_plural = _("transactions")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.idempotency_key}"

    def get_kind_display(self) -> str:
        return transaction_kind_label(self.kind)


class Entry(models.Model):
    transaction = models.ForeignKey(
        Transaction, verbose_name=_("ledger transaction"), on_delete=models.PROTECT, related_name="entries"
    )
    account = models.ForeignKey(Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="entries")
    amount_fen = models.BigIntegerField(_("amount (fen)"))  # + credit to the account, - debit

    class Meta:
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        constraints = [models.CheckConstraint(condition=~models.Q(amount_fen=0), name="entry_not_zero")]

    def __str__(self) -> str:
        return f"{self.account_id}: {self.amount_fen:+d}"
