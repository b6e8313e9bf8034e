from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from building.models import Site, Space


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

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="alarms")
    source = models.CharField(_("source"), max_length=40)  # fire, intrusion, device_offline, unknown_face, ...
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    state = models.CharField(_("state"), max_length=15, choices=State.choices, default=State.NEW)
    title = models.CharField(_("title"), max_length=200)
    # Open alarms are unique per (site, dedupe_key): a detector that keeps firing updates one.
    dedupe_key = models.CharField(max_length=200)
    device = models.ForeignKey("devices.Device", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    space = models.ForeignKey(Space, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    occurrences = models.PositiveIntegerField(_("occurrences"), default=1)
    data = models.JSONField(default=dict, blank=True)
    raised_at = models.DateTimeField(_("raised"))
    last_raised_at = models.DateTimeField(_("last raised"))
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("alarm")
        verbose_name_plural = _("alarms")
        ordering = ["-raised_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "dedupe_key"], condition=~Q(state="resolved"), name="one_open_alarm_per_key"
            )
        ]

    def __str__(self) -> str:
        return f"[{self.severity}] {self.title}"
