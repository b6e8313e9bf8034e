from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.utils.translation import gettext_lazy as _

from building.models import Site
from devices.models import Device


class AccessZone(models.Model):
    """An area behind gates, with its face and liveness policy."""

    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="access_zones")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    open_to_all_staff = models.BooleanField(_("open to all staff at all times"), default=False)
    liveness_required = models.BooleanField(_("liveness score required"), default=False)
    liveness_min = models.FloatField(_("minimum liveness score"), default=0.5)
    anti_passback = models.BooleanField(_("anti-passback"), default=False)
    # None: the platform default (settings FACE_THRESHOLD / FACE_MARGIN)
    face_threshold = models.FloatField(_("face distance threshold"), null=True, blank=True)
    face_margin = models.FloatField(_("face margin to the second-best person"), null=True, blank=True)

    class Meta:
        verbose_name = _("access zone")
        verbose_name_plural = _("access zones")
        constraints = [models.UniqueConstraint(fields=["site", "code"], name="zone_code_per_site")]
        permissions = [
            ("view_panel", "Can view the security monitoring panel"),
            ("manage_access", "Can manage access rules and credentials"),
            ("invite_visitors", "Can invite visitors (issue visitor passes)"),
        ]

    def __str__(self) -> str:
        return self.name


class Gate(models.Model):
    """Binds a gate device to the one zone it opens."""

    device = models.OneToOneField(Device, verbose_name=_("device"), on_delete=models.CASCADE, related_name="gate")
    zone = models.ForeignKey(AccessZone, verbose_name=_("zone"), on_delete=models.PROTECT, related_name="gates")

    class Meta:
        verbose_name = _("gate")
        verbose_name_plural = _("gates")

    def __str__(self) -> str:
        return f"{self.device} -> {self.zone}"


class AccessGroup(models.Model):
    """Who (departments, roles, named people) may enter which zones, when, and until when."""

    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="access_groups")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    zones = models.ManyToManyField(AccessZone, related_name="groups", verbose_name=_("zones"))
    departments = models.ManyToManyField("portal.Department", blank=True, verbose_name=_("departments"))
    roles = models.ManyToManyField(Group, blank=True, verbose_name=_("roles"))
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, verbose_name=_("named people"))
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    on_holidays = models.BooleanField(_("also on holidays"), default=False)

    class Meta:
        verbose_name = _("access group")
        verbose_name_plural = _("access groups")
        constraints = [models.UniqueConstraint(fields=["site", "code"], name="access_group_code_per_site")]

    def __str__(self) -> str:
        return self.name


class TimeWindow(models.Model):
    """A weekday range and a time-of-day range; a group without windows is open at all times."""

    group = models.ForeignKey(AccessGroup, verbose_name=_("access group"), on_delete=models.CASCADE, related_name="windows")
    weekdays = models.CharField(_("weekdays (1=Mon..7=Sun)"), max_length=7, default="12345")
    start = models.TimeField(_("from"))
    end = models.TimeField(_("until"))

    class Meta:
        verbose_name = _("time window")
        verbose_name_plural = _("time windows")

    def __str__(self) -> str:
        return f"{self.weekdays} {self.start:%H:%M}-{self.end:%H:%M}"


class Holiday(models.Model):
    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.CASCADE, related_name="holidays")
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        constraints = [models.UniqueConstraint(fields=["site", "date"], name="holiday_once_per_site")]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class Credential(models.Model):
    """A card or a staff QR code. Only a hash of the code is kept."""

    class Kind(models.TextChoices):
        CARD = "card", _("card")
        QR = "qr", _("QR code")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="access_credentials"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    code_sha256 = models.CharField(_("code hash"), max_length=64, unique=True)
    hint = models.CharField(_("last digits"), max_length=8, blank=True)
    valid_from = models.DateTimeField(_("valid from"), null=True, blank=True)
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("access credential")
        verbose_name_plural = _("access credentials")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} …{self.hint}"


class VisitorPass(models.Model):
    """A staff member's invitation; the visitor's QR code is a signed, time-limited token of it."""

    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="visitor_passes")
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("host"), on_delete=models.PROTECT, related_name="visitor_passes"
    )
    visitor_name = models.CharField(_("visitor name"), max_length=100)
    zone = models.ForeignKey(AccessZone, verbose_name=_("zone"), on_delete=models.PROTECT, related_name="visitor_passes")
    valid_from = models.DateTimeField(_("valid from"))
    valid_until = models.DateTimeField(_("valid until"))
    revoked = models.BooleanField(_("revoked"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("visitor pass")
        verbose_name_plural = _("visitor passes")

    def __str__(self) -> str:
        return f"{self.visitor_name} ({self.valid_from:%Y-%m-%d %H:%M})"


class AccessLog(models.Model):
    """One gate decision. Written only by security.services.access.access_decide."""

    class Decision(models.TextChoices):
        OPEN = "open", _("open")
        DENY = "deny", _("deny")

    class Method(models.TextChoices):
        FACE = "face", _("face")
        CARD = "card", _("card")
        QR = "qr", _("QR code")

    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="access_logs")
    zone = models.ForeignKey(AccessZone, verbose_name=_("zone"), null=True, on_delete=models.SET_NULL, related_name="logs")
    gate = models.ForeignKey(Device, verbose_name=_("gate"), null=True, on_delete=models.SET_NULL, related_name="access_logs")
    at = models.DateTimeField(_("time"), db_index=True)
    method = models.CharField(_("method"), max_length=8, choices=Method.choices)
    direction = models.CharField(_("direction"), max_length=4, default="in")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="access_logs",
    )
    visitor_pass = models.ForeignKey(
        VisitorPass, verbose_name=_("visitor pass"), null=True, blank=True, on_delete=models.SET_NULL, related_name="logs"
    )
    person_name = models.CharField(_("person"), max_length=150, blank=True)
    decision = models.CharField(_("decision"), max_length=4, choices=Decision.choices)
    reason = models.CharField(_("reason"), max_length=40)
    distance = models.FloatField(_("face distance"), null=True, blank=True)
    liveness = models.FloatField(_("liveness"), null=True, blank=True)
    latency_ms = models.PositiveIntegerField(_("latency (ms)"), default=0)
    event_id = models.CharField(_("event ID"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["site", "-at"]), models.Index(fields=["gate", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.person_name or '?'} {self.decision}"
