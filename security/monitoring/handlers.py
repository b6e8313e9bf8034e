"""MQTT handlers of the monitoring app: fire detectors, cameras, patrol readers.

Each one adapts the envelope and calls one service; bad data inside a valid envelope is a
ProtocolError, which the dispatcher answers with an `error` cmd and an audit row.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from pydantic import ConfigDict, Field

from core.i18n import site_text
from devices.models import Device
from devices.protocol import Envelope, ProtocolError
from devices.registry import DeviceData, Reply, register
from security.monitoring.models import Alarm
from security.monitoring.services import PatrolError, alarm_clear, alarm_raise, patrol_checkpoint_scan


class FireEvent(DeviceData):
    kind: Literal["smoke", "heat", "manual"]


class Intrusion(DeviceData):
    """Cameras send vendor-specific detail (zone, confidence, ...): kept if short and scalar."""

    model_config = ConfigDict(extra="allow", strict=True, frozen=True)


class Checkpoint(DeviceData):
    tag: Annotated[str, Field(min_length=1, max_length=64)]
    guard: Annotated[str, Field(min_length=1, max_length=32, description="the guard's employee number")]


def fire_key(device: Device) -> str:
    return f"fire:{device.pk}"


@register(channel="event", types=["alarm"], kinds=["fire_detector"], schema=FireEvent)
def fire_alarm(device: Device, envelope: Envelope) -> Reply | None:
    kind = envelope.parsed.kind
    labels = {"smoke": _("smoke"), "heat": _("heat"), "manual": _("manual call point")}
    title = site_text(_("Fire alarm (%(kind)s): %(device)s"), kind=labels[kind], device=device.name or device.device_id)
    alarm_raise(
        site=device.site,
        source="fire",
        severity=Alarm.Severity.CRITICAL,
        title=title,
        dedupe_key=fire_key(device),
        device=device,
        data={"kind": kind, "event_id": envelope.id, "device_ts": envelope.ts.isoformat()},
        at=timezone.now(),  # our clock, not the detector's: escalation runs on ours
    )
    return None


@register(channel="event", types=["restore"], kinds=["fire_detector"], schema=FireEvent)
def fire_restore(device: Device, envelope: Envelope) -> Reply | None:
    alarm_clear(site=device.site, dedupe_key=fire_key(device), at=timezone.now(), reason="detector restore")
    return None


@register(channel="event", types=["intrusion"], kinds=["camera"], schema=Intrusion)
def camera_intrusion(device: Device, envelope: Envelope) -> Reply | None:
    title = site_text(_("Intrusion detected: %(device)s"), device=device.name or device.device_id)
    extra: dict[str, Any] = envelope.parsed.model_extra or {}
    data = {k: v for k, v in extra.items() if isinstance(v, str | int | float | bool) and len(str(k)) <= 40}
    alarm_raise(
        site=device.site,
        source="intrusion",
        severity=Alarm.Severity.MAJOR,
        title=title,
        dedupe_key=f"intrusion:{device.pk}",
        device=device,
        data={**data, "event_id": envelope.id},
        at=timezone.now(),
    )
    return None


@register(channel="event", types=["checkpoint"], kinds=["patrol_reader"], schema=Checkpoint)
def patrol_checkpoint(device: Device, envelope: Envelope) -> Reply | None:
    tag, guard = envelope.parsed.tag, envelope.parsed.guard
    try:
        # The reader's own time: readers keep scans while offline and send them later.
        patrol_checkpoint_scan(site=device.site, tag=tag, guard_no=guard, at=envelope.ts, via="reader", device=device)
    except PatrolError as exc:
        raise ProtocolError(exc.reason, str(exc)) from exc
    return None
