"""Double-entry ledger rows. Only canteen/ledger.py writes them (one writer per invariant)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountKind(models.TextChoices):
    CASH = "cash", _("cash wallet")
    SUBSIDY = "subsidy", _("meal subsidy")
    POINTS = "points", _("recycling points")
    MERCHANT = "merchant", _("merchant")
    ALIPAY_CLEARING = "alipay", _("Alipay clearing")
    SUBSIDY_FUNDING = "subsidy_funding", _("subsidy funding")
    POINTS_ISSUANCE = "points_issuance", _("points issuance")
    ADJUSTMENT = "adjustment", _("operator adjustments")


USER_KINDS = (AccountKind.CASH, AccountKind.SUBSIDY, AccountKind.POINTS)
# System accounts take no row lock: their balance is derived from entries (sum), so a hot
# merchant never serialises every payment on one row. Only user accounts, which must never go
# negative, keep a cached balance updated under a row lock.
DERIVED_KINDS = (
    AccountKind.MERCHANT,
    AccountKind.ALIPAY_CLEARING,
    AccountKind.SUBSIDY_FUNDING,
    AccountKind.POINTS_ISSUANCE,
    AccountKind.ADJUSTMENT,
)


class Account(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=AccountKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="ledger_accounts"
    )
    merchant = models.ForeignKey("canteen.Merchant", null=True, blank=True, on_delete=models.PROTECT, related_name="accounts")
    # Cached for user accounts only (see DERIVED_KINDS); ledger_check proves it equals the entries.
    balance_fen = models.BigIntegerField(_("balance (fen)"), default=0)
    frozen = models.BooleanField(_("frozen"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

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

    @property
    def is_derived(self) -> bool:
        return self.kind in DERIVED_KINDS


class TransactionKind(models.TextChoices):
    CHARGE = "charge", _("payment")
    REFUND = "refund", _("refund")
    TOPUP = "topup", _("top-up")
    SUBSIDY_GRANT = "subsidy_grant", _("subsidy granted")
    SUBSIDY_EXPIRE = "subsidy_expire", _("subsidy expired")
    ADJUST = "adjust", _("adjustment")
    POINTS = "points", _("points")


class Transaction(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=TransactionKind.choices)
    # "<source>:<id>" — unique per source, so a retried charge, notice or grant posts once.
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="ledger_transactions"
    )
    description = models.CharField(_("description"), max_length=200, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), db_index=True)

    class Meta:
        verbose_name = _("transaction")
        verbose_name_plural = _("transactions")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.idempotency_key}"


class Entry(models.Model):
    transaction = models.ForeignKey(Transaction, on_delete=models.PROTECT, related_name="entries")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="entries")
    amount_fen = models.BigIntegerField(_("amount (fen)"))  # + credit to the account, - debit

    class Meta:
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        constraints = [models.CheckConstraint(condition=~models.Q(amount_fen=0), name="entry_not_zero")]

    def __str__(self) -> str:
        return f"{self.account_id}: {self.amount_fen:+d}"
