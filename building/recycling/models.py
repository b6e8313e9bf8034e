"""Bins, the rate table, drops (one per bin event) and redemptions of points.

Points themselves live in the ledger (canteen.ledger, the user's `points` account); the rows
here say why they moved and link to the ledger transaction.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from building.models import Site
from building.recycling.categories import CATEGORIES, LABELS

CATEGORY_CHOICES = [(c, LABELS[c]) for c in CATEGORIES]


class RecyclingBin(models.Model):
    """A `recycling_bin` device's recycling side: its compartments and fill level.

    Created on the bin's first message (a bin added with `device_add` needs nothing else)."""

    device = models.OneToOneField(
        "devices.Device", on_delete=models.CASCADE, related_name="recycling_bin", verbose_name=_("device")
    )
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="recycling_bins", verbose_name=_("site"))
    # The categories of its compartments; empty: one bin taking every category.
    categories = models.JSONField(_("compartments (categories)"), default=list, blank=True)
    fill_percent = models.FloatField(_("fill level (%)"), null=True, blank=True)
    fill_at = models.DateTimeField(_("fill level reported"), null=True, blank=True)

    class Meta:
        verbose_name = _("recycling bin")
        verbose_name_plural = _("recycling bins")

    def __str__(self) -> str:
        return self.device.name or self.device.device_id

    def accepts(self, category: str) -> bool:
        return not self.categories or category in self.categories


class Rate(models.Model):
    """The rate table: points per kilogram of a category, per site (missing rows: the defaults)."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="recycling_rates", verbose_name=_("site"))
    category = models.CharField(_("category"), max_length=16, choices=CATEGORY_CHOICES)
    points_per_kg = models.PositiveIntegerField(_("points per kg"))

    class Meta:
        verbose_name = _("recycling rate")
        verbose_name_plural = _("recycling rates")
        constraints = [models.UniqueConstraint(fields=["site", "category"], name="recycling_rate_per_category")]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.points_per_kg}"


class Drop(models.Model):
    """One `drop` event of a bin: what, how heavy, by whom, and what it earned."""

    class Status(models.TextChoices):
        AWARDED = "awarded", _("awarded")
        HELD = "held", _("held for review")
        REJECTED = "rejected", _("rejected")
        TOO_LIGHT = "too_light", _("too light")

    class Method(models.TextChoices):
        FACE = "face", _("face")
        CARD = "card", _("card")
        QR = "qr", _("QR code")

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="recycling_drops", verbose_name=_("site"))
    device = models.ForeignKey(
        "devices.Device", on_delete=models.PROTECT, related_name="recycling_drops", verbose_name=_("device")
    )
    event_id = models.CharField(_("event id"), max_length=64)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recycling_drops",
        verbose_name=_("person"),
    )
    # Kept for the reports: the person may move department later.
    department = models.ForeignKey(
        "portal.Department",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="recycling_drops",
        verbose_name=_("department"),
    )
    method = models.CharField(_("identified by"), max_length=8, choices=Method.choices)
    category = models.CharField(_("category"), max_length=16, choices=CATEGORY_CHOICES)
    weight_g = models.PositiveIntegerField(_("weight (g)"))
    confidence = models.FloatField(_("recognition confidence"), null=True, blank=True)
    dropped_at = models.DateTimeField(_("dropped at"), db_index=True)  # the bin's own clock
    received_at = models.DateTimeField(_("received"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    points = models.PositiveIntegerField(_("points"), default=0)
    reason = models.CharField(_("reason"), max_length=40, blank=True)
    transaction = models.ForeignKey(
        "canteen.Transaction",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recycling_drops",
        verbose_name=_("points transaction"),
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    review_note = models.CharField(_("review note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("drop")
        verbose_name_plural = _("drops")
        ordering = ["-dropped_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["device", "event_id"], name="recycling_drop_once")]
        indexes = [models.Index(fields=["site", "status"], name="recycling_drop_status")]
        permissions = [
            ("review_drop", "Can approve or reject held recycling drops"),
            ("view_recycling_report", "Can view recycling reports"),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.weight_g} g"

    @property
    def recyclable(self) -> bool:
        from building.recycling.categories import RECYCLABLE

        return self.category in RECYCLABLE


class Good(models.Model):
    """Something staff can take for points in the points shop."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="points_goods", verbose_name=_("site"))
    name = models.CharField(_("name"), max_length=100)
    points = models.PositiveIntegerField(_("points"))
    stock = models.PositiveIntegerField(_("stock"), default=0)
    is_active = models.BooleanField(_("listed"), default=True)

    class Meta:
        verbose_name = _("points shop item")
        verbose_name_plural = _("points shop items")
        ordering = ["points", "name"]

    def __str__(self) -> str:
        return self.name


class Redemption(models.Model):
    """Points spent: on a points-shop item, or as part of a supermarket purchase."""

    class Kind(models.TextChoices):
        SHOP = "shop", _("points shop")
        CHECKOUT = "checkout", _("supermarket")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="points_redemptions", verbose_name=_("person")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    good = models.ForeignKey(
        Good, null=True, blank=True, on_delete=models.PROTECT, related_name="redemptions", verbose_name=_("shop item")
    )
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    points = models.PositiveIntegerField(_("points"))
    value_fen = models.PositiveIntegerField(_("value (fen)"), default=0)  # supermarket: the part paid by points
    charge = models.ForeignKey(
        "canteen.Charge", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("payment")
    )
    transaction = models.OneToOneField(
        "canteen.Transaction",
        on_delete=models.PROTECT,
        related_name="points_redemption",
        verbose_name=_("points transaction"),
    )
    created_at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("points redemption")
        verbose_name_plural = _("points redemptions")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} -{self.points}"
