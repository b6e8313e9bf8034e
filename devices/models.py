from django.db import models
from django.utils.translation import gettext_lazy as _

from building.models import Site, Space


def device_kind_label(kind: str) -> str:
    """The kind's name in the user's language, as the app that speaks to it registered it."""
    from core.registry import device_kinds

    spec = device_kinds().get(kind)
    return str(spec.label) if spec is not None else kind


class Device(models.Model):
    """A thing that talks MQTT under so/<site.code>/<device_id>/."""

    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="devices")
    device_id = models.CharField(_("device id"), max_length=64)  # topic segment: [A-Za-z0-9_-]
    # No choices: the kinds are what the installed apps register (core.registry), validated by
    # device_create, so a new kind needs no migration here.
    kind = models.CharField(_("kind"), max_length=32)
    name = models.CharField(_("name"), max_length=100, blank=True)
    space = models.ForeignKey(
        Space, verbose_name=_("space"), null=True, blank=True, on_delete=models.SET_NULL, related_name="devices"
    )
    mqtt_username = models.CharField(_("MQTT username"), max_length=150, unique=True)
    # The password is shown once at creation. We keep a SHA-256 of it (it is a random 192-bit
    # token, so a slow hash buys nothing) and Mosquitto's own PBKDF2 form for its password file.
    secret_sha256 = models.CharField(_("secret hash"), max_length=64)
    mosquitto_hash = models.CharField(_("Mosquitto password hash"), max_length=255, blank=True)
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

    def get_kind_display(self) -> str:
        return device_kind_label(self.kind)

    @property
    def topic_prefix(self) -> str:
        return f"so/{self.site.code}/{self.device_id}"


class DeviceMessage(models.Model):
    """One accepted inbound message: the dedupe key and the answer we gave.

    Payloads are not stored (gate frames are biometric data); only what identifies the
    message and the command sent back, so a retransmission gets the same answer.
    """

    device = models.ForeignKey(Device, verbose_name=_("device"), on_delete=models.CASCADE, related_name="messages")
    msg_id = models.CharField(_("message ID"), max_length=64)
    channel = models.CharField(_("channel"), max_length=16)
    type = models.CharField(_("type"), max_length=40)
    device_ts = models.DateTimeField(_("device time"), null=True)
    received_at = models.DateTimeField(_("received at"), db_index=True)
    outcome = models.CharField(_("outcome"), max_length=20, default="ok")
    reply = models.JSONField(_("reply"), null=True, blank=True)

    class Meta:
        verbose_name = _("device message")
        verbose_name_plural = _("device messages")
        constraints = [models.UniqueConstraint(fields=["device", "msg_id"], name="device_message_once")]

    def __str__(self) -> str:
        return f"{self.device_id}:{self.msg_id}"


class DeadLetter(models.Model):
    """An inbound message that was not applied (refused, or failed at any step), kept to be
    looked at and replayed after a fix (`manage.py dead_letter_replay`). The payload is capped
    (devices.dead_letters.PAYLOAD_MAX) and purged after devices.dead_letters.RETENTION: a gate frame
    is biometric data."""

    topic = models.CharField(_("topic"), max_length=255)
    device = models.ForeignKey(
        Device, verbose_name=_("device"), null=True, blank=True, on_delete=models.SET_NULL, related_name="dead_letters"
    )
    received_at = models.DateTimeField(_("received"), db_index=True)
    reason = models.CharField(_("reason"), max_length=40)
    detail = models.TextField(_("detail"), blank=True)
    payload = models.BinaryField(_("payload"))
    payload_size = models.PositiveIntegerField(_("payload size"))  # before the cap
    replayed_at = models.DateTimeField(_("replayed"), null=True, blank=True)

    class Meta:
        verbose_name = _("dead letter")
        verbose_name_plural = _("dead letters")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.topic} {self.reason}"

    @property
    def truncated(self) -> bool:
        return len(self.payload) < self.payload_size
