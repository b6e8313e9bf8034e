"""Merchants, what they sell, and the sales records that point at ledger transactions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from building.models import Site


class MerchantKind(models.TextChoices):
    CANTEEN = "canteen", _("canteen")
    SUPERMARKET = "supermarket", _("supermarket")
    TAKEAWAY = "takeaway", _("takeaway window")


class Merchant(models.Model):
    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="merchants")
    code = models.SlugField(_("code"), max_length=40)  # what a POS names in "merchant"
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=MerchantKind.choices)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("merchant")
        verbose_name_plural = _("merchants")
        ordering = ["site", "code"]
        constraints = [models.UniqueConstraint(fields=["site", "code"], name="merchant_code_per_site")]
        permissions = [
            ("operate_pos", "Can take payments at a checkout"),
            ("refund_charge", "Can refund a payment"),
            ("view_reports", "Can view sales and reconciliation"),
            ("use_wallet", "Can hold a wallet and pay with it"),
        ]

    def __str__(self) -> str:
        return self.name


class MealPeriod(models.Model):
    """Breakfast / lunch / dinner at a canteen; a fixed price makes every meal in it cost the same."""

    merchant = models.ForeignKey(Merchant, verbose_name=_("merchant"), on_delete=models.PROTECT, related_name="periods")
    code = models.SlugField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=40)
    starts = models.TimeField(_("starts"))
    ends = models.TimeField(_("ends"))
    fixed_price_fen = models.PositiveIntegerField(_("fixed price (fen)"), null=True, blank=True)

    class Meta:
        verbose_name = _("meal period")
        verbose_name_plural = _("meal periods")
        ordering = ["merchant", "starts"]
        constraints = [models.UniqueConstraint(fields=["merchant", "code"], name="period_code_per_merchant")]

    def __str__(self) -> str:
        return self.name


class Dish(models.Model):
    merchant = models.ForeignKey(Merchant, verbose_name=_("merchant"), on_delete=models.PROTECT, related_name="dishes")
    period = models.ForeignKey(
        MealPeriod, verbose_name=_("meal period"), null=True, blank=True, on_delete=models.PROTECT, related_name="dishes"
    )
    name = models.CharField(_("name"), max_length=100)
    price_fen = models.PositiveIntegerField(_("price (fen)"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("dish")
        verbose_name_plural = _("dishes")
        ordering = ["merchant", "name"]

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    merchant = models.ForeignKey(Merchant, verbose_name=_("merchant"), on_delete=models.PROTECT, related_name="products")
    barcode = models.CharField(_("barcode"), max_length=32)
    name = models.CharField(_("name"), max_length=100)
    price_fen = models.PositiveIntegerField(_("price (fen)"))
    stock = models.PositiveIntegerField(_("stock"), default=0)  # unsigned: the database refuses overselling

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["merchant", "name"]
        constraints = [models.UniqueConstraint(fields=["merchant", "barcode"], name="barcode_per_merchant")]

    def __str__(self) -> str:
        return self.name


class Charge(models.Model):
    """One paid sale. (merchant, order_ref) is the POS idempotency key."""

    merchant = models.ForeignKey(Merchant, verbose_name=_("merchant"), on_delete=models.PROTECT, related_name="charges")
    order_ref = models.CharField(_("order reference"), max_length=64)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="canteen_charges"
    )
    amount_fen = models.PositiveIntegerField(_("amount (fen)"))
    subsidy_fen = models.PositiveIntegerField(_("paid from subsidy (fen)"))
    cash_fen = models.PositiveIntegerField(_("paid from cash (fen)"))
    refunded_fen = models.PositiveIntegerField(_("refunded (fen)"), default=0)
    method = models.CharField(_("method"), max_length=20)  # face / code / card / portal / api
    period = models.ForeignKey(
        MealPeriod, verbose_name=_("meal period"), null=True, blank=True, on_delete=models.PROTECT, related_name="charges"
    )
    device = models.ForeignKey(
        "devices.Device", verbose_name=_("device"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    transaction = models.OneToOneField(
        "canteen.Transaction", verbose_name=_("ledger transaction"), on_delete=models.PROTECT, related_name="charge"
    )
    lines = models.JSONField(_("lines"), default=list, blank=True)
    created_at = models.DateTimeField(_("time"), db_index=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["merchant", "order_ref"], name="charge_order_ref_per_merchant"),
            models.CheckConstraint(condition=models.Q(refunded_fen__lte=models.F("amount_fen")), name="refund_le_charge"),
        ]

    def __str__(self) -> str:
        return f"{self.merchant} {self.order_ref}"


class Refund(models.Model):
    charge = models.ForeignKey(Charge, verbose_name=_("payment"), on_delete=models.PROTECT, related_name="refunds")
    amount_fen = models.PositiveIntegerField(_("amount (fen)"))
    subsidy_fen = models.PositiveIntegerField(_("from subsidy (fen)"), default=0)
    cash_fen = models.PositiveIntegerField(_("from cash (fen)"), default=0)
    reason = models.CharField(_("reason"), max_length=200)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("actor"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    transaction = models.OneToOneField(
        "canteen.Transaction", verbose_name=_("ledger transaction"), on_delete=models.PROTECT, related_name="refund"
    )
    created_at = models.DateTimeField(_("time"), db_index=True)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.charge} -{self.amount_fen}"


class PayCodeUse(models.Model):
    """A QR pay code pays once: the unique digest makes a replayed screenshot fail."""

    digest = models.CharField(_("digest"), max_length=64, unique=True)
    charge = models.ForeignKey(Charge, verbose_name=_("payment"), on_delete=models.PROTECT, related_name="+")
    used_at = models.DateTimeField(_("used at"))

    class Meta:
        verbose_name = _("used pay code")
        verbose_name_plural = _("used pay codes")

    def __str__(self) -> str:
        return self.digest[:12]


class TakeawayOrder(models.Model):
    class Status(models.TextChoices):
        PAID = "paid", _("paid, waiting for pickup")
        PICKED_UP = "picked_up", _("picked up")
        REFUNDED = "refunded", _("not collected, refunded")

    merchant = models.ForeignKey(Merchant, verbose_name=_("merchant"), on_delete=models.PROTECT, related_name="takeaway_orders")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="takeaway_orders"
    )
    slot_start = models.DateTimeField(_("pickup from"))
    slot_end = models.DateTimeField(_("pickup until"))
    lines = models.JSONField(_("lines"), default=list)
    total_fen = models.PositiveIntegerField(_("total (fen)"))
    pickup_code = models.CharField(_("pickup code"), max_length=8)
    charge = models.OneToOneField(Charge, verbose_name=_("payment"), on_delete=models.PROTECT, related_name="takeaway")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PAID)
    picked_up_at = models.DateTimeField(_("picked up at"), null=True, blank=True)
    created_at = models.DateTimeField(_("ordered at"))

    class Meta:
        verbose_name = _("takeaway order")
        verbose_name_plural = _("takeaway orders")
        ordering = ["-slot_start", "-id"]
        constraints = [models.UniqueConstraint(fields=["merchant", "pickup_code"], name="pickup_code_per_merchant")]

    def __str__(self) -> str:
        return f"{self.merchant} #{self.pickup_code}"


class IdempotencyRecord(models.Model):
    """The POS HTTP API's Idempotency-Key store (IETF draft semantics)."""

    key = models.CharField(_("key"), max_length=255)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("actor"), on_delete=models.PROTECT, related_name="+")
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    in_flight = models.BooleanField(_("in progress"), default=True)
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True)
    response_body = models.JSONField(_("response body"), null=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [models.UniqueConstraint(fields=["actor", "key"], name="idempotency_key_per_actor")]

    def __str__(self) -> str:
        return self.key
