"""MQTT handlers of the monitoring app: fire detectors, cameras, patrol readers.

Each one adapts the envelope and calls one service; bad data inside a valid envelope is a
ProtocolError, which the dispatcher answers with an `error` cmd and an audit row.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from devices.models import Device, DeviceKind
from devices.protocol import Envelope, ProtocolError
from devices.registry import Reply, register
from security.monitoring.models import Alarm
from security.monitoring.services import PatrolError, alarm_clear, alarm_raise, patrol_checkpoint_scan

FIRE_KINDS = ("smoke", "heat", "manual")


def _fire_kind(envelope: Envelope) -> str:
    kind = envelope.data.get("kind")
    if kind not in FIRE_KINDS:
        raise ProtocolError("bad_data", f"data.kind must be one of {', '.join(FIRE_KINDS)}")
    return str(kind)


def fire_key(device: Device) -> str:
    return f"fire:{device.pk}"


@register(channel="event", types=["alarm"], kinds=[DeviceKind.FIRE_DETECTOR])
def fire_alarm(device: Device, envelope: Envelope) -> Reply | None:
    kind = _fire_kind(envelope)
    with translation.override(settings.LANGUAGE_CODE):
        labels = {"smoke": _("smoke"), "heat": _("heat"), "manual": _("manual call point")}
        title = _("Fire alarm (%(kind)s): %(device)s") % {"kind": labels[kind], "device": device.name or device.device_id}
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


@register(channel="event", types=["restore"], kinds=[DeviceKind.FIRE_DETECTOR])
def fire_restore(device: Device, envelope: Envelope) -> Reply | None:
    _fire_kind(envelope)
    alarm_clear(site=device.site, dedupe_key=fire_key(device), at=timezone.now(), reason="detector restore")
    return None


@register(channel="event", types=["intrusion"], kinds=[DeviceKind.CAMERA])
def camera_intrusion(device: Device, envelope: Envelope) -> Reply | None:
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Intrusion detected: %(device)s") % {"device": device.name or device.device_id}
    data = {k: v for k, v in envelope.data.items() if isinstance(v, str | int | float | bool) and len(str(k)) <= 40}
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


@register(channel="event", types=["checkpoint"], kinds=[DeviceKind.PATROL_READER])
def patrol_checkpoint(device: Device, envelope: Envelope) -> Reply | None:
    tag, guard = envelope.data.get("tag"), envelope.data.get("guard")
    if not isinstance(tag, str) or not tag or not isinstance(guard, str) or not guard:
        raise ProtocolError("bad_data", "data.tag and data.guard must be non-empty strings")
    try:
        # The reader's own time: readers keep scans while offline and send them later.
        patrol_checkpoint_scan(site=device.site, tag=tag, guard_no=guard, at=envelope.ts, via="reader", device=device)
    except PatrolError as exc:
        raise ProtocolError(exc.reason, str(exc)) from exc
    return None
