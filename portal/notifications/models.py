from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One message for one person, linking to its object (a booking, a work order, a parcel...).

    Written only by portal.notifications.services.notification_send. The text is stored in the
    language of the moment it was sent (the recipient's interface language is not known then):
    Chinese, the site's language."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=40)  # "<app>.<event>", e.g. booking.approved
    title = models.CharField(_("title"), max_length=200)
    body = models.CharField(_("text"), max_length=1000, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)  # a path on this site
    target_type = models.CharField(_("target type"), max_length=100, blank=True)
    target_id = models.CharField(_("target ID"), max_length=64, blank=True)
    # Set by senders that may repeat (a reminder task): one notification per key.
    dedupe_key = models.CharField(_("deduplication key"), max_length=200, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(_("time"), db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.title
