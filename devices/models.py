from django.db import models
from django.utils.translation import gettext_lazy as _

from building.models import Site, Space


class DeviceKind(models.TextChoices):
    GATE = "gate", _("gate")
    POS = "pos", _("POS terminal")
    PLATE_CAMERA = "plate_camera", _("plate camera")
    SPACE_SENSOR = "space_sensor", _("space sensor")
    PATROL_READER = "patrol_reader", _("patrol reader")
    RECYCLING_BIN = "recycling_bin", _("recycling bin")
    METER = "meter", _("meter")
    FIRE_DETECTOR = "fire_detector", _("fire detector")
    CAMERA = "camera", _("camera")


class Device(models.Model):
    """A thing that talks MQTT under so/<site.code>/<device_id>/."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="devices")
    device_id = models.CharField(_("device id"), max_length=64)  # topic segment: [A-Za-z0-9_-]
    kind = models.CharField(_("kind"), max_length=20, choices=DeviceKind.choices)
    name = models.CharField(_("name"), max_length=100, blank=True)
    space = models.ForeignKey(Space, null=True, blank=True, on_delete=models.SET_NULL, related_name="devices")
    mqtt_username = models.CharField(_("MQTT username"), max_length=150, unique=True)
    # The password is shown once at creation. We keep a SHA-256 of it (it is a random 192-bit
    # token, so a slow hash buys nothing) and Mosquitto's own PBKDF2 form for its password file.
    secret_sha256 = models.CharField(max_length=64)
    mosquitto_hash = models.CharField(max_length=255, blank=True)
    heartbeat_interval_s = models.PositiveIntegerField(_("heartbeat interval (s)"), default=60)
    is_active = models.BooleanField(_("active"), default=True)
    online = models.BooleanField(_("online"), default=False)
    last_seen_at = models.DateTimeField(_("last seen"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("device")
        verbose_name_plural = _("devices")
        ordering = ["site", "device_id"]
        constraints = [models.UniqueConstraint(fields=["site", "device_id"], name="device_id_per_site")]

    def __str__(self) -> str:
        return f"{self.site.code}/{self.device_id}"

    @property
    def topic_prefix(self) -> str:
        return f"so/{self.site.code}/{self.device_id}"


class DeviceMessage(models.Model):
    """One accepted inbound message: the dedupe key and the answer we gave.

    Payloads are not stored (gate frames are biometric data); only what identifies the
    message and the command sent back, so a retransmission gets the same answer.
    """

    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="messages")
    msg_id = models.CharField(max_length=64)
    channel = models.CharField(max_length=16)
    type = models.CharField(max_length=40)
    device_ts = models.DateTimeField(null=True)
    received_at = models.DateTimeField(db_index=True)
    outcome = models.CharField(max_length=20, default="ok")
    reply = models.JSONField(null=True, blank=True)

    class Meta:
        verbose_name = _("device message")
        verbose_name_plural = _("device messages")
        constraints = [models.UniqueConstraint(fields=["device", "msg_id"], name="device_message_once")]

    def __str__(self) -> str:
        return f"{self.device_id}:{self.msg_id}"
