"""Bin fill levels: the `full` alarm on the monitoring panel, closed when the bin is emptied.

A bin that goes silent needs nothing here: the device health sweep (security.monitoring) raises
`device_offline` for any device kind past its heartbeat interval.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from building.recycling.conf import setting
from building.recycling.models import RecyclingBin
from building.recycling.services.drops import bin_of
from core.i18n import site_text
from devices.models import Device
from security.monitoring.services import alarm_clear, alarm_raise

FULL_SOURCE = "recycling_full"


def full_key(device: Device) -> str:
    return f"{FULL_SOURCE}:{device.pk}"


def bin_fill_report(*, device: Device, percent: float, at: datetime | None = None) -> RecyclingBin:
    """Store the level; at FULL_PERCENT raise (or count) the alarm, at EMPTIED_PERCENT close it."""
    at = min(at or timezone.now(), timezone.now())
    with transaction.atomic():
        bin_ = bin_of(device)
        if bin_.fill_at is not None and at < bin_.fill_at:
            return bin_  # an older reading replayed late: the newer level stands
        bin_.fill_percent, bin_.fill_at = percent, at
        bin_.save(update_fields=["fill_percent", "fill_at"])
        if percent >= float(setting("FULL_PERCENT")):
            title = site_text(gettext_lazy("Recycling bin full: %(bin)s"), bin=device.name or device.device_id)
            alarm_raise(
                site=device.site,
                source=FULL_SOURCE,
                severity="warning",
                title=title,
                dedupe_key=full_key(device),
                device=device,
                data={"percent": percent},
                at=at,
            )
        elif percent <= float(setting("EMPTIED_PERCENT")):
            alarm_clear(site=device.site, dedupe_key=full_key(device), at=at, reason="emptied")
    return bin_
