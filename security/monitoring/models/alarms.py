from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from building.models import Building, Floor, Site, Space


class Alarm(models.Model):
    """One alarm from any source. Written only by security.monitoring.services."""

    class State(models.TextChoices):
        NEW = "new", _("new")
        ACKNOWLEDGED = "acknowledged", _("acknowledged")
        DISPATCHED = "dispatched", _("dispatched")
        RESOLVED = "resolved", _("resolved")

    class Severity(models.TextChoices):
        INFO = "info", _("info")
        WARNING = "warning", _("warning")
        MAJOR = "major", _("major")
        CRITICAL = "critical", _("critical")

    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="alarms")
    source = models.CharField(_("source"), max_length=40)  # fire, intrusion, device_offline, unknown_face, ...
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    state = models.CharField(_("state"), max_length=15, choices=State.choices, default=State.NEW)
    title = models.CharField(_("title"), max_length=200)
    # Open alarms are unique per (site, dedupe_key): a detector that keeps firing updates one.
    dedupe_key = models.CharField(_("deduplication key"), max_length=200)
    device = models.ForeignKey(
        "devices.Device", verbose_name=_("device"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Location: the space when known; building and floor are kept too so an alarm raised for a
    # whole floor (or a device placed on one) still says where.
    space = models.ForeignKey(Space, verbose_name=_("space"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    floor = models.ForeignKey(Floor, verbose_name=_("floor"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    building = models.ForeignKey(
        Building, verbose_name=_("building"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    occurrences = models.PositiveIntegerField(_("occurrences"), default=1)
    data = models.JSONField(_("data"), default=dict, blank=True)
    raised_at = models.DateTimeField(_("raised"))
    last_raised_at = models.DateTimeField(_("last raised"))
    # The source said the condition is over (a detector's `restore`, a device back online).
    restored_at = models.DateTimeField(_("restored"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dispatched by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    dispatched_to = models.CharField(_("dispatched to"), max_length=200, blank=True)
    work_order_ref = models.CharField(_("work order"), max_length=40, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("resolved by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    comment = models.TextField(_("comment"), blank=True)  # the resolution; step comments are on AlarmStep
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("alarm")
        verbose_name_plural = _("alarms")
        ordering = ["-raised_at"]
        constraints = [
            models.UniqueConstraint(fields=["site", "dedupe_key"], condition=~Q(state="resolved"), name="one_open_alarm_per_key")
        ]
        indexes = [models.Index(fields=["site", "state"], name="alarm_site_state")]
        permissions = [
            ("acknowledge_alarm", "Can acknowledge and dispatch alarms"),
            ("resolve_alarm", "Can resolve alarms"),
        ]

    def __str__(self) -> str:
        return f"[{self.severity}] {self.title}"

    @property
    def is_open(self) -> bool:
        return self.state != self.State.RESOLVED


class AlarmStep(models.Model):
    """The history of one alarm: who did what, when, and why."""

    class Action(models.TextChoices):
        ACKNOWLEDGE = "acknowledge", _("acknowledged")
        DISPATCH = "dispatch", _("dispatched")
        RESOLVE = "resolve", _("resolved")
        ESCALATE = "escalate", _("escalated")
        RESTORE = "restore", _("restored by the source")
        CLEAR = "clear", _("closed by the source")
        REMIND = "remind", _("reminder")

    alarm = models.ForeignKey(Alarm, verbose_name=_("alarm"), on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(_("action"), max_length=15, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("actor"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("time"))
    comment = models.TextField(_("comment"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        verbose_name = _("alarm step")
        verbose_name_plural = _("alarm steps")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.alarm_id} {self.action} {self.at:%Y-%m-%d %H:%M}"


class AlarmPolicy(models.Model):
    """Per site and source overrides of the defaults in security.monitoring.policy."""

    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.CASCADE, related_name="+")
    source = models.CharField(_("source"), max_length=40)
    escalate_after_s = models.PositiveIntegerField(
        _("escalate when not acknowledged within (s)"), null=True, blank=True, help_text=_("Empty: never escalate.")
    )
    repeat_every_s = models.PositiveIntegerField(_("remind every (s) while the condition lasts"), null=True, blank=True)
    close_on_restore = models.BooleanField(_("close when the source restores"), default=True)

    class Meta:
        verbose_name = _("alarm policy")
        verbose_name_plural = _("alarm policies")
        constraints = [models.UniqueConstraint(fields=["site", "source"], name="alarm_policy_per_source")]

    def __str__(self) -> str:
        return f"{self.site.code}/{self.source}"
