from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from building.models import Site, Space
from security.monitoring.models.alarms import Alarm


class Camera(models.Model):
    """A video source. `device` links the MQTT camera (intrusion events) when it has one."""

    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    device = models.OneToOneField(
        "devices.Device", verbose_name=_("device"), null=True, blank=True, on_delete=models.SET_NULL, related_name="camera"
    )
    # rtsp://, http(s):// (MJPEG) or a file path: anything cv2.VideoCapture opens. Not a
    # URLField: RTSP and file sources are legitimate.
    stream_url = models.CharField(_("stream URL"), max_length=500)
    space = models.ForeignKey(Space, verbose_name=_("space"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("camera")
        verbose_name_plural = _("cameras")
        ordering = ["site", "name"]

    def __str__(self) -> str:
        return self.name


class AlarmSnapshot(models.Model):
    """One frame grabbed from a camera near an alarm (or why it could not be)."""

    alarm = models.ForeignKey(Alarm, verbose_name=_("alarm"), on_delete=models.CASCADE, related_name="snapshots")
    camera = models.ForeignKey(Camera, verbose_name=_("camera"), on_delete=models.CASCADE, related_name="snapshots")
    image = models.FileField(_("image"), upload_to="monitoring/snapshots/%Y/%m/%d/", blank=True)
    taken_at = models.DateTimeField(_("taken at"))
    error = models.CharField(_("error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("snapshot")
        verbose_name_plural = _("snapshots")
        ordering = ["taken_at"]
        constraints = [models.UniqueConstraint(fields=["alarm", "camera"], name="one_snapshot_per_camera")]

    def __str__(self) -> str:
        return f"{self.alarm_id}/{self.camera_id}"
