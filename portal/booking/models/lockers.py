"""Parcel lockers: a device of kind `locker` with compartments; parcels waiting in them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from building.models import Site
from devices.models import Device


class Compartment(models.Model):
    locker = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="compartments", verbose_name=_("locker"))
    code = models.CharField(_("compartment"), max_length=10)
    size = models.CharField(_("size"), max_length=1, choices=[("S", "S"), ("M", "M"), ("L", "L")], default="M")
    door_open = models.BooleanField(_("door open"), default=False)

    class Meta:
        verbose_name = _("locker compartment")
        verbose_name_plural = _("locker compartments")
        ordering = ["locker", "code"]
        constraints = [models.UniqueConstraint(fields=["locker", "code"], name="compartment_code_per_locker")]

    def __str__(self) -> str:
        return f"{self.locker.device_id}/{self.code}"


class Parcel(models.Model):
    class State(models.TextChoices):
        WAITING = "waiting", _("waiting for pickup")
        PICKED_UP = "picked_up", pgettext_lazy("parcel", "picked up")
        RETURNED = "returned", _("returned to the front desk")

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+", verbose_name=_("site"))
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="parcels", verbose_name=_("recipient")
    )
    compartment = models.ForeignKey(Compartment, on_delete=models.PROTECT, related_name="parcels", verbose_name=_("compartment"))
    carrier = models.CharField(_("carrier"), max_length=50, blank=True)
    tracking_no = models.CharField(_("tracking number"), max_length=50, blank=True)
    # A 6-digit code typed on the locker: a short-lived, low-value secret shown to its owner, so it
    # is kept readable (unique among waiting parcels of one locker, enforced below).
    code = models.CharField(_("pickup code"), max_length=12)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.WAITING)
    overdue = models.BooleanField(_("overdue"), default=False)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("registered by")
    )
    registered_at = models.DateTimeField(verbose_name=_("registered"))
    reminded_at = models.DateTimeField(null=True, blank=True, verbose_name=_("reminded"))
    picked_up_at = models.DateTimeField(null=True, blank=True, verbose_name=pgettext_lazy("parcel", "picked up"))

    class Meta:
        verbose_name = _("parcel")
        verbose_name_plural = _("parcels")
        ordering = ["-registered_at", "-pk"]
        permissions = [("register_parcel", "Can register parcels at the front desk")]
        constraints = [
            # One waiting parcel per compartment, and one waiting code per compartment's locker is
            # checked in the service (a compartment belongs to one locker).
            models.UniqueConstraint(
                fields=["compartment"], condition=models.Q(state="waiting"), name="parcel_one_waiting_per_compartment"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient} @ {self.compartment}"
