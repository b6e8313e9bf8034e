"""Alipay orders (wallet top-ups, or a payment for another app's purpose), every notice received,
and the simulated gateway's own books."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TopUp(models.Model):
    """An Alipay order. Without a purpose it tops up `user`'s wallet; with one (registered by another
    app, canteen.services.alipay.alipay_purpose_register) the paid amount goes where that app posts
    it, and `user` may be empty (a visitor paying a parking fee has no account)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for payment")
        PAID = "paid", _("paid")
        CLOSED = "closed", _("closed")
        REFUNDING = "refunding", _("being refunded")
        REFUNDED = "refunded", _("refunded")

    out_trade_no = models.CharField(_("order number"), max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, blank=True, on_delete=models.PROTECT, related_name="topups"
    )
    purpose = models.CharField(_("purpose"), max_length=32, blank=True, default="")  # "" = wallet top-up
    reference = models.CharField(_("reference"), max_length=64, blank=True, default="")  # the purpose's own key
    amount_fen = models.PositiveIntegerField(_("amount (fen)"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    trade_no = models.CharField(_("Alipay trade number"), max_length=64, blank=True)
    transaction = models.OneToOneField(
        "canteen.Transaction",
        verbose_name=_("ledger transaction"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="topup",
    )
    created_at = models.DateTimeField(_("created"), db_index=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)

    class Meta:
        verbose_name = _("top-up")
        verbose_name_plural = _("top-ups")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.out_trade_no


class AlipayNotice(models.Model):
    """Every asynchronous notice as received, verified or not (the evidence for reconciliation)."""

    topup = models.ForeignKey(
        TopUp, verbose_name=_("top-up"), null=True, blank=True, on_delete=models.PROTECT, related_name="notices"
    )
    out_trade_no = models.CharField(_("merchant order number"), max_length=64, blank=True, db_index=True)
    notify_id = models.CharField(_("notification ID"), max_length=128, blank=True)
    trade_status = models.CharField(_("trade status"), max_length=32, blank=True)
    total_fen = models.BigIntegerField(_("total (fen)"), null=True)
    verified = models.BooleanField(_("verified"), default=False)
    outcome = models.CharField(_("outcome"), max_length=32)  # credited / duplicate / rejected:<reason> / ignored
    params = models.JSONField(_("parameters"))
    received_at = models.DateTimeField(_("received at"), db_index=True)

    class Meta:
        verbose_name = _("Alipay notice")
        verbose_name_plural = _("Alipay notices")
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.out_trade_no} {self.outcome}"


class SimAlipayTrade(models.Model):
    """The simulated gateway's own record of a trade (what Alipay would hold)."""

    out_trade_no = models.CharField(_("merchant order number"), max_length=64, unique=True)
    trade_no = models.CharField(_("Alipay trade number"), max_length=64, unique=True)
    app_id = models.CharField(_("app ID"), max_length=32)
    total_amount = models.CharField(_("total amount"), max_length=20)
    subject = models.CharField(_("subject"), max_length=256)
    notify_url = models.CharField(_("notification URL"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=32, default="WAIT_BUYER_PAY")
    created_at = models.DateTimeField(_("created at"))
    paid_at = models.DateTimeField(_("paid at"), null=True)

    class Meta:
        verbose_name = _("simulated Alipay trade")
        verbose_name_plural = _("simulated Alipay trades")

    def __str__(self) -> str:
        return f"{self.out_trade_no} {self.status}"
