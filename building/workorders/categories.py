"""Repair categories (codes are the API's) and priorities."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    PLUMBING = "plumbing", _("Plumbing")
    ELECTRICAL = "electrical", _("Electrical")
    HVAC = "hvac", _("Heating and air conditioning")
    NETWORK = "network", _("Network and phones")
    FURNITURE = "furniture", _("Furniture")
    CLEANING = "cleaning", _("Cleaning")
    DOORS = "doors", _("Doors, locks and windows")
    FIRE = "fire", _("Fire safety equipment")
    DEVICE = "device", _("Smart devices (gates, meters, sensors)")
    OTHER = "other", _("Other")


class Priority(models.TextChoices):
    LOW = "low", _("low")
    NORMAL = "normal", _("normal")
    HIGH = "high", _("high")
    URGENT = "urgent", _("urgent")  # wall-clock (24x7) SLA
