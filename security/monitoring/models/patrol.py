from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from building.models import Site, Space
from security.monitoring.models.alarms import Alarm


class PatrolRoute(models.Model):
    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    grace_s = models.PositiveIntegerField(_("grace period (s)"), default=15 * 60)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("patrol route")
        verbose_name_plural = _("patrol routes")
        ordering = ["site", "code"]
        constraints = [models.UniqueConstraint(fields=["site", "code"], name="patrol_route_code_per_site")]

    def __str__(self) -> str:
        return self.name


class PatrolCheckpoint(models.Model):
    """A tag on the route (NFC/RFID for a patrol reader, or a printed QR code)."""

    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    route = models.ForeignKey(PatrolRoute, verbose_name=_("route"), on_delete=models.CASCADE, related_name="checkpoints")
    order = models.PositiveSmallIntegerField(_("order"))
    tag = models.CharField(_("tag"), max_length=64)
    name = models.CharField(_("name"), max_length=100)
    space = models.ForeignKey(Space, verbose_name=_("space"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    due_after_s = models.PositiveIntegerField(_("due after round start (s)"))
    # Plausibility: a guard cannot really walk from the previous checkpoint faster than this.
    min_gap_s = models.PositiveIntegerField(_("minimum time since the previous checkpoint (s)"), default=0)
    max_gap_s = models.PositiveIntegerField(_("maximum time since the previous checkpoint (s)"), null=True, blank=True)

    class Meta:
        verbose_name = _("patrol checkpoint")
        verbose_name_plural = _("patrol checkpoints")
        ordering = ["route", "order"]
        constraints = [
            models.UniqueConstraint(fields=["route", "order"], name="checkpoint_order_per_route"),
            models.UniqueConstraint(fields=["site", "tag"], name="checkpoint_tag_per_site"),
        ]

    def __str__(self) -> str:
        return f"{self.route.code}#{self.order} {self.name}"


class PatrolSchedule(models.Model):
    """Rounds of a route start every `every_minutes` from `starts` until `ends` (may pass midnight)."""

    route = models.ForeignKey(PatrolRoute, verbose_name=_("route"), on_delete=models.CASCADE, related_name="schedules")
    guard = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("guard"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    starts = models.TimeField(_("first round"))
    ends = models.TimeField(_("no round starts after"))
    every_minutes = models.PositiveIntegerField(_("every (minutes)"), default=120)
    weekdays = models.CharField(_("weekdays (0 = Monday)"), max_length=7, default="0123456")
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("patrol schedule")
        verbose_name_plural = _("patrol schedules")

    def __str__(self) -> str:
        return f"{self.route} {self.starts:%H:%M}-{self.ends:%H:%M}/{self.every_minutes}min"


class PatrolRound(models.Model):
    class State(models.TextChoices):
        PLANNED = "planned", _("planned")
        IN_PROGRESS = "in_progress", _("in progress")
        COMPLETED = "completed", _("completed")
        INCOMPLETE = "incomplete", _("incomplete")

    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    route = models.ForeignKey(PatrolRoute, verbose_name=_("route"), on_delete=models.PROTECT, related_name="rounds")
    schedule = models.ForeignKey(
        PatrolSchedule, verbose_name=_("schedule"), null=True, blank=True, on_delete=models.SET_NULL, related_name="rounds"
    )
    guard = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("guard"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    planned_start = models.DateTimeField(_("planned start"))
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.PLANNED)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("patrol round")
        verbose_name_plural = _("patrol rounds")
        ordering = ["-planned_start"]
        # The generator may run on two workers at once: the second insert fails, nothing doubles.
        constraints = [models.UniqueConstraint(fields=["route", "planned_start"], name="one_round_per_route_start")]

    def __str__(self) -> str:
        return f"{self.route} {self.planned_start:%Y-%m-%d %H:%M}"


class PatrolVisit(models.Model):
    """One checkpoint of one round: when it is due, and what happened."""

    class State(models.TextChoices):
        PENDING = "pending", pgettext_lazy("patrol checkpoint", "pending")
        OK = "ok", _("on time")
        LATE = "late", _("late")
        MISSED = "missed", _("missed")

    round = models.ForeignKey(PatrolRound, verbose_name=_("patrol round"), on_delete=models.CASCADE, related_name="visits")
    checkpoint = models.ForeignKey(PatrolCheckpoint, verbose_name=_("checkpoint"), on_delete=models.PROTECT, related_name="+")
    due_at = models.DateTimeField(_("due at"))
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.PENDING)
    scanned_at = models.DateTimeField(_("scanned at"), null=True, blank=True)
    guard = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("guard"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    via = models.CharField(_("via"), max_length=10, blank=True)  # reader | qr
    flags = models.JSONField(_("flags"), default=list, blank=True)  # out_of_order, too_fast, too_slow, wrong_guard
    alarm = models.ForeignKey(Alarm, verbose_name=_("alarm"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("patrol visit")
        verbose_name_plural = _("patrol visits")
        ordering = ["round", "checkpoint__order"]
        constraints = [models.UniqueConstraint(fields=["round", "checkpoint"], name="one_visit_per_checkpoint")]
        permissions = [("scan_patrol", "Can scan patrol checkpoints"), ("view_patrol_report", "Can view patrol reports")]

    def __str__(self) -> str:
        return f"{self.round_id}/{self.checkpoint_id} {self.state}"
