"""The working calendar as data: the official days (调休 and holidays) and each site's hours."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from building.models import Site


class WorkCalendarDay(models.Model):
    """A day whose status differs from the plain rule (Monday-Friday work, weekends off).

    Seeded from the `chinesecalendar` package for the years it knows (migration 0002); a day
    without a row follows the plain rule, so a new year's official notice is entered in the admin
    as its holidays and make-up working weekends."""

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(_("working day"))
    note = models.CharField(_("note"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("working calendar day")
        verbose_name_plural = _("working calendar")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'work' if self.is_workday else 'off'} {self.note}"


class SiteWorkingHours(models.Model):
    """A site's working periods ("HH:MM-HH:MM", comma separated); without a row the default."""

    site = models.OneToOneField(Site, on_delete=models.CASCADE, related_name="+", verbose_name=_("site"))
    periods = models.CharField(_("working periods"), max_length=200, default="08:30-12:00,13:30-17:30")

    class Meta:
        verbose_name = _("site working hours")
        verbose_name_plural = _("site working hours")

    def __str__(self) -> str:
        return f"{self.site}: {self.periods}"
