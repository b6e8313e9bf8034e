"""A staff member's invitation of a visitor: the visitor pass (security) and maybe a parking booking."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from building.models import Site
from portal.booking.models.bookings import Booking
from security.models import VisitorPass


class Invitation(models.Model):
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+", verbose_name=_("site"))
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="invitations", verbose_name=_("host")
    )
    visitor_name = models.CharField(_("visitor name"), max_length=100)
    visitor_phone = models.CharField(_("visitor phone"), max_length=20)
    start = models.DateTimeField(_("from"))
    end = models.DateTimeField(_("until"))
    plate = models.CharField(_("plate"), max_length=16, blank=True)
    visitor_pass = models.OneToOneField(
        VisitorPass, on_delete=models.PROTECT, related_name="invitation", verbose_name=_("visitor pass")
    )
    parking = models.ForeignKey(
        Booking, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("visitor parking")
    )
    arrived_at = models.DateTimeField(_("arrived"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))

    class Meta:
        verbose_name = _("visitor invitation")
        verbose_name_plural = _("visitor invitations")
        ordering = ["-start", "-pk"]

    def __str__(self) -> str:
        return f"{self.visitor_name} ({self.start:%Y-%m-%d %H:%M})"
