from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class FaceConsent(models.Model):
    """A separate, explicit consent record (PIPL art. 29). Kept after withdrawal as evidence."""

    class Channel(models.TextChoices):
        PORTAL = "portal", _("portal, by the person")
        OPERATOR = "operator", _("operator, consent recorded on paper")
        IMPORT = "import", _("bulk import, consent recorded on paper")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="face_consents"
    )
    purpose = models.TextField(_("purpose shown"))
    retention_days = models.PositiveIntegerField(_("retention shown (days after leaving)"))
    version = models.CharField(_("consent text version"), max_length=20)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    given_at = models.DateTimeField(_("given at"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    # First seen inactive by the retention purge; the encodings go FACE_RETENTION_DAYS later.
    inactive_since = models.DateTimeField(_("inactive since"), null=True, blank=True)

    class Meta:
        verbose_name = _("face consent")
        verbose_name_plural = _("face consents")
        ordering = ["-given_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(withdrawn_at__isnull=True), name="one_active_face_consent"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} v{self.version} {self.given_at:%Y-%m-%d}"


class FaceEncoding(models.Model):
    """One 128-d encoding, Fernet-encrypted. No image, no crop, no thumbnail is ever stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="face_encodings"
    )
    consent = models.ForeignKey(FaceConsent, verbose_name=_("consent"), on_delete=models.PROTECT, related_name="encodings")
    ciphertext = models.BinaryField(_("encrypted data"))
    quality = models.JSONField(_("quality"), default=dict)  # face box size, sharpness: no pixels
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("face encoding")
        verbose_name_plural = _("face encodings")

    def __str__(self) -> str:
        return f"{self.user} #{self.pk}"


class FaceIndexVersion(models.Model):
    """One row. Every change to the set of encodings bumps it in the same transaction;
    the in-memory 1:N index reloads when `token` differs from the one it loaded."""

    version = models.PositiveBigIntegerField(_("version"), default=0)
    token = models.CharField(_("token"), max_length=32, default="")
    changed_at = models.DateTimeField(_("changed at"), null=True)

    class Meta:
        verbose_name = _("face index version")
        verbose_name_plural = _("face index version")

    def __str__(self) -> str:
        return f"v{self.version}"
