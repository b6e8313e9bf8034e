"""Device health: the offline sweep, its reminders, and closing the alarm when a device is back.

Presence itself is written only by devices.services.device_presence_set; this module only
decides that a device has been silent too long. That writer's claim is a conditional UPDATE,
so any number of sweepers running at once raise exactly one alarm.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Min
from django.utils.translation import gettext_noop

from building.models import Site
from core.i18n import site_text
from devices.models import Device
from devices.services import device_presence_set
from security.monitoring.models import Alarm
from security.monitoring.policy import policy_for, setting
from security.monitoring.services.alarms import alarm_clear, alarm_open_once, alarm_remind

SOURCE = "device_offline"


@dataclass
class SweepResult:
    marked_offline: list[int] = field(default_factory=list)
    alarms: list[int] = field(default_factory=list)
    reminders: list[int] = field(default_factory=list)
    recovered: list[int] = field(default_factory=list)


def offline_key(device: Device) -> str:
    return f"{SOURCE}:{device.pk}"


def _sweep_one(device: Device, *, at: datetime, factor: int, result: SweepResult) -> None:
    assert device.last_seen_at is not None
    cutoff = at - timedelta(seconds=factor * device.heartbeat_interval_s)
    if device.last_seen_at >= cutoff:
        return
    key = offline_key(device)
    with transaction.atomic(durable=True):
        if device.online:
            if not device_presence_set(device=device, online=False, at=at, only_if_silent_before=cutoff):
                return  # another sweeper took it, or the device spoke meanwhile
            result.marked_offline.append(device.pk)
        # One alarm per silence: one raised since the device was last seen covers it, even if a
        # guard already closed it while the device is still down.
        since_seen = Alarm.objects.filter(site=device.site, dedupe_key=key, raised_at__gte=device.last_seen_at)
        existing = since_seen.order_by("-raised_at").first()
        if existing is None:
            alarm = alarm_open_once(
                site=device.site,
                source=SOURCE,
                severity=Alarm.Severity.MAJOR,
                title=site_text(gettext_noop("Device offline: %(device)s"), device=device.name or device.device_id),
                dedupe_key=key,
                device=device,
                data={"last_seen_at": device.last_seen_at.isoformat(), "heartbeat_interval_s": device.heartbeat_interval_s},
                at=at,
            )
            if alarm is not None:
                result.alarms.append(alarm.pk)
            return
        every = policy_for(site=device.site, source=SOURCE).repeat_every_s
        if existing.is_open and every:
            reminded = alarm_remind(alarm_id=existing.pk, every=timedelta(seconds=every), at=at)
            if reminded is not None:
                result.reminders.append(reminded.pk)


def device_recovery_close(*, at: datetime, site: Site | None = None) -> list[int]:
    """Close the offline alarms of devices that are back online."""
    closed = []
    alarms = Alarm.objects.filter(source=SOURCE, device__isnull=False).exclude(state=Alarm.State.RESOLVED)
    if site is not None:
        alarms = alarms.filter(site=site)
    for alarm in alarms.select_related("site", "device"):
        device = alarm.device
        assert device is not None
        # The sweep set it offline (or the last will did) when the alarm opened: online again
        # can only mean the device spoke since. (Compared by flag, not by clock: tests and
        # replays pass `at` explicitly.)
        if device.online and alarm_clear(site=alarm.site, dedupe_key=alarm.dedupe_key, at=at, reason="device back online"):
            closed.append(alarm.pk)
    return closed


def device_recovered(*, device: Device, at: datetime) -> Alarm | None:
    """A device came back (devices.signals.device_came_online): close its offline alarm now."""
    return alarm_clear(site=device.site, dedupe_key=offline_key(device), at=at, reason="device back online")


def device_offline_sweep(*, at: datetime, site: Site | None = None) -> SweepResult:
    """Raise a device-offline alarm for every device silent for `OFFLINE_FACTOR` (2) x its heartbeat."""
    factor = int(setting("OFFLINE_FACTOR", 2))
    result = SweepResult()
    devices = Device.objects.filter(is_active=True, last_seen_at__isnull=False).select_related("site", "space__floor__building")
    if site is not None:
        devices = devices.filter(site=site)
    shortest = devices.aggregate(m=Min("heartbeat_interval_s"))["m"]
    if shortest is not None:
        # Nobody silent for less than the shortest window can be overdue: skip them in SQL.
        for device in devices.filter(last_seen_at__lt=at - timedelta(seconds=factor * shortest)):
            _sweep_one(device, at=at, factor=factor, result=result)
    result.recovered = device_recovery_close(at=at, site=site)
    return result
