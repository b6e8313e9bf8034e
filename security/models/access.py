from django.db import models
from django.utils.translation import gettext_lazy as _

from building.models import Site


class AccessZone(models.Model):
    """An area behind gates. Rules (groups, time windows, liveness) come with face access."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="access_zones")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    open_to_all_staff = models.BooleanField(_("open to all staff at all times"), default=False)

    class Meta:
        verbose_name = _("access zone")
        verbose_name_plural = _("access zones")
        constraints = [models.UniqueConstraint(fields=["site", "code"], name="zone_code_per_site")]
        permissions = [
            ("view_panel", "Can view the security monitoring panel"),
            ("manage_access", "Can manage access rules and credentials"),
        ]

    def __str__(self) -> str:
        return self.name
