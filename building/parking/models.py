"""Car park rows. Plates are stored normalised (building/parking/plates.py), money in fen."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from building.models import Floor, Site
from devices.models import Device


class Tariff(models.Model):
    """The demo tariff: free up to `free_minutes`; then `hour_fen` per started hour from arrival,
    at most `day_cap_fen` per full 24 hours from arrival; the rest the same way with no second
    free period. Staff and official vehicles park free."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+", verbose_name=_("site"))
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    free_minutes = models.PositiveIntegerField(_("free minutes"), default=30)
    hour_fen = models.PositiveIntegerField(_("per started hour (fen)"), default=500)
    day_cap_fen = models.PositiveIntegerField(_("cap per 24 hours (fen)"), default=4000)
    grace_minutes = models.PositiveIntegerField(_("minutes to leave after paying"), default=15)
    kwh_fen = models.PositiveIntegerField(_("EV charging per kWh (fen)"), default=150)

    class Meta:
        verbose_name = _("tariff")
        verbose_name_plural = _("tariffs")
        constraints = [models.UniqueConstraint(fields=["site", "code"], name="tariff_code_per_site")]

    def __str__(self) -> str:
        return self.name


class Lot(models.Model):
    class NoEntry(models.TextChoices):
        OPEN = "open", _("open and flag for review")
        HOLD = "hold", _("hold")

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+", verbose_name=_("site"))
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    tariff = models.ForeignKey(Tariff, on_delete=models.PROTECT, related_name="lots", verbose_name=_("tariff"))
    exit_without_entry = models.CharField(_("exit with no entry"), max_length=8, choices=NoEntry.choices, default=NoEntry.OPEN)
    # Its barrier cameras and EV chargers (a site with one car park needs none listed).
    devices = models.ManyToManyField(Device, blank=True, related_name="parking_lots", verbose_name=_("devices"))

    class Meta:
        verbose_name = _("car park")
        verbose_name_plural = _("car parks")
        ordering = ["site", "code"]
        constraints = [models.UniqueConstraint(fields=["site", "code"], name="lot_code_per_site")]
        permissions = [
            ("use_parking", "Can register vehicles and see parking"),
            ("open_barrier", "Can open a barrier by hand"),
        ]

    def __str__(self) -> str:
        return self.name


class ParkingSpace(models.Model):
    class Kind(models.TextChoices):
        NORMAL = "normal", _("normal")
        RESERVED = "reserved", _("reserved")
        EV = "ev", _("EV charging")

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+", verbose_name=_("site"))
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="spaces", verbose_name=_("car park"))
    floor = models.ForeignKey(Floor, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("floor"))
    code = models.CharField(_("code"), max_length=20)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.NORMAL)
    sensor = models.OneToOneField(
        Device, null=True, blank=True, on_delete=models.SET_NULL, related_name="parking_space", verbose_name=_("sensor")
    )
    # Last reading; None until the sensor first speaks. Freshness is judged by the sensor's
    # last_seen_at (selectors.space_state): a silent sensor makes the space unknown, not free.
    occupied = models.BooleanField(_("occupied"), null=True, blank=True)
    sensed_at = models.DateTimeField(_("sensed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("parking space")
        verbose_name_plural = _("parking spaces")
        ordering = ["lot", "code"]
        constraints = [models.UniqueConstraint(fields=["lot", "code"], name="space_code_per_lot")]

    def __str__(self) -> str:
        return f"{self.lot.code}/{self.code}"


class Vehicle(models.Model):
    class Kind(models.TextChoices):
        STAFF = "staff", _("staff vehicle")
        OFFICIAL = "official", _("official vehicle")

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+", verbose_name=_("site"))
    plate = models.CharField(_("plate"), max_length=10)  # normalised, validated
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.STAFF)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="vehicles",
        verbose_name=_("owner"),
    )
    label = models.CharField(_("description"), max_length=60, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("vehicle")
        verbose_name_plural = _("vehicles")
        ordering = ["plate"]
        constraints = [models.UniqueConstraint(fields=["site", "plate"], name="vehicle_plate_per_site")]

    def __str__(self) -> str:
        return self.plate


class ParkingSession(models.Model):
    """One visit: entry, exit, who pays, what was paid (once, through the ledger)."""

    class Kind(models.TextChoices):
        STAFF = "staff", _("staff")
        OFFICIAL = "official", _("official")
        VISITOR = "visitor", _("visitor")
        OTHER = "other", _("let in by hand")

    class State(models.TextChoices):
        OPEN = "open", _("parked")
        CLOSED = "closed", _("left")

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+", verbose_name=_("site"))
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("car park"))
    plate = models.CharField(_("plate"), max_length=10, db_index=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    vehicle = models.ForeignKey(
        Vehicle, null=True, blank=True, on_delete=models.SET_NULL, related_name="sessions", verbose_name=_("vehicle")
    )
    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="parking_sessions",
        verbose_name=_("payer"),
    )  # the owner, or a visitor's host
    booking_id = models.PositiveBigIntegerField(_("booking"), null=True, blank=True)  # portal.booking, when a visitor
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.OPEN)
    entered_at = models.DateTimeField(_("entered"), null=True, blank=True)
    exited_at = models.DateTimeField(_("left"), null=True, blank=True)
    fee_fen = models.PositiveIntegerField(_("fee (fen)"), default=0)
    paid_fen = models.PositiveIntegerField(_("paid (fen)"), default=0)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    payments = models.PositiveSmallIntegerField(_("payments"), default=0)  # numbers the ledger keys of top-ups
    flags = models.JSONField(_("flags"), default=list, blank=True)  # exit_without_entry, long_open, manual, unpaid

    class Meta:
        verbose_name = _("parking session")
        verbose_name_plural = _("parking sessions")
        ordering = ["-entered_at", "-id"]
        indexes = [models.Index(fields=["lot", "plate", "state"])]
        constraints = [
            models.UniqueConstraint(fields=["lot", "plate"], condition=models.Q(state="open"), name="one_open_session_per_car")
        ]

    def __str__(self) -> str:
        return f"{self.plate} {self.entered_at}"

    @property
    def duration_minutes(self) -> int | None:
        if self.entered_at is None or self.exited_at is None:
            return None
        return int((self.exited_at - self.entered_at).total_seconds() // 60)


class Passage(models.Model):
    """One read at a barrier camera and what was decided: the review log (no image kept)."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+", verbose_name=_("site"))
    lot = models.ForeignKey(
        Lot, null=True, blank=True, on_delete=models.PROTECT, related_name="passages", verbose_name=_("car park")
    )
    camera = models.ForeignKey(Device, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("camera"))
    direction = models.CharField(_("direction"), max_length=3)
    raw = models.CharField(_("as read"), max_length=40)
    normalised = models.CharField(_("normalised"), max_length=40)
    matched = models.CharField(_("matched plate"), max_length=10, blank=True)
    match_reason = models.CharField(_("match"), max_length=20)
    confidence = models.FloatField(_("confidence"))
    action = models.CharField(_("barrier"), max_length=4)  # open | hold
    reason = models.CharField(_("reason"), max_length=40)
    fee_fen = models.PositiveIntegerField(_("fee (fen)"), default=0)
    session = models.ForeignKey(
        ParkingSession,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="passages",
        verbose_name=_("parking session"),
    )
    event_id = models.CharField(_("event id"), max_length=64, blank=True)
    repeats = models.PositiveIntegerField(_("repeated reads"), default=0)  # reads of the same car within the de-bounce window
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("opened by")
    )
    manual_reason = models.CharField(_("why opened by hand"), max_length=200, blank=True)
    at = models.DateTimeField(_("time"), db_index=True)

    class Meta:
        verbose_name = _("barrier passage")
        verbose_name_plural = _("barrier passages")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["camera", "normalised", "at"])]

    def __str__(self) -> str:
        return f"{self.raw} {self.action}"


class ChargeSession(models.Model):
    """An EV charge: energy from the charger's cumulative meter, billed once from the wallet."""

    class State(models.TextChoices):
        CHARGING = "charging", _("charging")
        PAID = "paid", _("paid")
        UNPAID = "unpaid", _("unpaid")

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+", verbose_name=_("site"))
    charger = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="+", verbose_name=_("charger"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="charge_sessions", verbose_name=_("person")
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.CHARGING)
    started_at = models.DateTimeField(_("started"))
    stopped_at = models.DateTimeField(_("stopped"), null=True, blank=True)
    # Watt-hours, integers: the meter's last reading and the energy summed over its resets.
    meter_last_wh = models.BigIntegerField(_("last meter reading (Wh)"), default=0)
    energy_wh = models.BigIntegerField(_("energy (Wh)"), default=0)
    resets = models.PositiveIntegerField(_("meter resets"), default=0)
    fee_fen = models.PositiveIntegerField(_("fee (fen)"), default=0)

    class Meta:
        verbose_name = _("charging session")
        verbose_name_plural = _("charging sessions")
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["charger"], condition=models.Q(state="charging"), name="one_charge_per_charger")
        ]

    def __str__(self) -> str:
        return f"{self.charger_id} {self.started_at}"
