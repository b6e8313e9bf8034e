"""Bookable resources and their reservations. Only portal/booking/services writes these rows.

Time ranges are half-open [start, end). On PostgreSQL an exclusion constraint (migration 0002)
refuses two active bookings of one resource whose ranges overlap; on SQLite the write path is
serialized (BEGIN IMMEDIATE), and the service re-checks inside its transaction on both.
"""

from __future__ import annotations

import secrets
from datetime import time

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from building.models import Site, Space
from core.money import format_fen


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class ResourceKind(models.TextChoices):
    ROOM = "room", _("meeting room")
    VEHICLE = "vehicle", _("official vehicle")
    LAUNDRY = "laundry", _("laundry machine")
    CAR_WASH = "car_wash", _("car-wash bay")
    VISITOR_PARKING = "visitor_parking", _("visitor parking")


class Resource(models.Model):
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="booking_resources", verbose_name=_("site"))
    kind = models.CharField(_("kind"), max_length=20, choices=ResourceKind.choices)
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    active = models.BooleanField(_("bookable"), default=True)
    # Opening hours (local time); bookings must fit inside one day's hours. 00:00-00:00 = all day.
    opens_at = models.TimeField(_("opens at"), default=time(0, 0))
    closes_at = models.TimeField(_("closes at"), default=time(0, 0))
    # Rooms
    space = models.ForeignKey(Space, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("space"))
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    equipment = models.JSONField(_("equipment"), default=list, blank=True)
    # Vehicles
    seats = models.PositiveIntegerField(_("seats"), null=True, blank=True)
    plate = models.CharField(_("plate"), max_length=16, blank=True)
    driver = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("driver")
    )
    odometer_km = models.PositiveIntegerField(_("odometer (km)"), default=0)
    cost_per_km_fen = models.PositiveIntegerField(_("cost per km (fen)"), default=0)
    # Laundry and car wash: fixed slots from opens_at, paid from the wallet when booked.
    slot_minutes = models.PositiveIntegerField(_("slot length (minutes)"), null=True, blank=True)
    price_fen = models.PositiveIntegerField(_("price (fen)"), default=0)
    feed_token = models.CharField(max_length=64, default=new_feed_token, unique=True, verbose_name=_("calendar feed secret"))

    class Meta:
        verbose_name = _("bookable resource")
        verbose_name_plural = _("bookable resources")
        ordering = ["site", "kind", "name"]
        constraints = [models.UniqueConstraint(fields=["site", "code"], name="booking_resource_code_per_site")]
        permissions = [
            ("book_resource", "Can book rooms, vehicles, laundry, car wash and visitor parking"),
            ("manage_bookings", "Can open the booking back office"),
            ("manage_rooms", "Can manage meeting-room bookings"),
            ("manage_vehicles", "Can manage official-vehicle bookings"),
            ("manage_laundry", "Can manage laundry and car-wash bookings"),
            ("manage_parking", "Can manage visitor-parking bookings"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def price(self) -> str:
        return format_fen(self.price_fen)

    @property
    def all_day(self) -> bool:
        return self.opens_at == self.closes_at


class Status(models.TextChoices):
    PENDING = "pending", _("awaiting approval")
    CONFIRMED = "confirmed", _("confirmed")
    CANCELLED = "cancelled", _("cancelled")
    REJECTED = "rejected", _("rejected")
    NO_SHOW = "no_show", _("released (no show)")
    COMPLETED = "completed", _("completed")


# Statuses that hold the slot (the PostgreSQL exclusion constraint uses the same list).
ACTIVE = (Status.PENDING, Status.CONFIRMED)


class Series(models.Model):
    """A recurring booking: the RRULE it was made from; its occurrences are Booking rows."""

    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="series", verbose_name=_("resource"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="booking_series", verbose_name=_("user")
    )
    title = models.CharField(_("title"), max_length=200)
    rrule = models.CharField(_("recurrence"), max_length=300)
    start = models.DateTimeField(_("first start"))
    duration_minutes = models.PositiveIntegerField(verbose_name=_("length (minutes)"))
    occurrences = models.JSONField(
        default=list, verbose_name=_("occurrences")
    )  # every start the rule gave (ISO), created or skipped
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))

    class Meta:
        verbose_name = _("booking series")
        verbose_name_plural = _("booking series")

    def __str__(self) -> str:
        return f"{self.title} ({self.rrule})"


class Stage(models.TextChoices):
    NONE = "", _("none")
    DEPARTMENT_HEAD = "department_head", _("department head")
    VEHICLE_OFFICE = "vehicle_office", _("vehicle office")


class Booking(models.Model):
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+", verbose_name=_("site"))
    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("resource"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("user"))
    series = models.ForeignKey(
        Series, null=True, blank=True, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("booking series")
    )
    title = models.CharField(_("title"), max_length=200)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.CONFIRMED)
    stage = models.CharField(_("approval stage"), max_length=20, choices=Stage.choices, blank=True, default="")
    plate = models.CharField(_("plate"), max_length=16, blank=True, db_index=True)  # upper-case, no separators
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    fee_fen = models.PositiveIntegerField(_("fee (fen)"), default=0)
    refunded = models.BooleanField(_("refunded"), default=False)
    reason = models.CharField(_("reason"), max_length=200, blank=True)  # of a rejection or cancellation
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated"))

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["start", "pk"]
        indexes = [
            models.Index(fields=["resource", "start"], name="booking_resource_start"),
            models.Index(fields=["user", "start"], name="booking_user_start"),
        ]
        constraints = [models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="booking_ends_after_start")]

    def __str__(self) -> str:
        return f"{self.resource} {self.start:%Y-%m-%d %H:%M}"

    @property
    def active(self) -> bool:
        return self.status in ACTIVE

    @property
    def fee(self) -> str:
        return format_fen(self.fee_fen)


class Approver(models.Model):
    """Who approves vehicle bookings: a department's head (for its sub-departments too) or the vehicle office."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="booking_approver_roles", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=20, choices=[c for c in Stage.choices if c[0]])
    department = models.ForeignKey(
        "portal.Department", null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("department")
    )

    class Meta:
        verbose_name = _("booking approver")
        verbose_name_plural = _("booking approvers")
        constraints = [models.UniqueConstraint(fields=["user", "role", "department"], name="booking_approver_once")]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class Approval(models.Model):
    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="approvals", verbose_name=_("booking"))
    stage = models.CharField(max_length=20, choices=Stage.choices, verbose_name=_("approval stage"))
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("approver"))
    approved = models.BooleanField(verbose_name=_("approved"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    at = models.DateTimeField(verbose_name=_("time"))

    class Meta:
        verbose_name = _("approval step")
        verbose_name_plural = _("approval steps")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.booking_id} {self.stage} {'+' if self.approved else '-'}"


class Trip(models.Model):
    """A vehicle's return: the odometer readings (never backwards) and what the trip cost."""

    booking = models.OneToOneField(Booking, on_delete=models.PROTECT, related_name="trip", verbose_name=_("booking"))
    odometer_start_km = models.PositiveIntegerField(_("odometer at departure (km)"))
    odometer_end_km = models.PositiveIntegerField(_("odometer on return (km)"))
    cost_fen = models.PositiveIntegerField(_("cost (fen)"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(verbose_name=_("recorded"))

    class Meta:
        verbose_name = _("trip")
        verbose_name_plural = _("trips")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(odometer_end_km__gte=models.F("odometer_start_km")), name="trip_odometer_forward"
            )
        ]

    def __str__(self) -> str:
        return f"{self.booking_id}: {self.odometer_end_km - self.odometer_start_km} km"


class FeedToken(models.Model):
    """The secret in a person's iCal feed URL; resetting it makes the old URL dead."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="booking_feed", verbose_name=_("user")
    )
    token = models.CharField(max_length=64, default=new_feed_token, unique=True, verbose_name=_("calendar feed secret"))

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"{self.user} …{self.token[-4:]}"
