"""Writes for alarms. Every source (fire, cameras, devices, patrol, gates) raises through here."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from building.models import Site, Space
from core.audit import audit_log
from core.realtime import publish_on_commit, site_group
from devices.models import Device
from security.monitoring.models import Alarm


def alarm_event(alarm: Alarm, kind: str) -> dict[str, Any]:
    return {
        "type": kind,
        "alarm": {
            "id": alarm.pk,
            "source": alarm.source,
            "severity": alarm.severity,
            "state": alarm.state,
            "title": alarm.title,
            "occurrences": alarm.occurrences,
            "device": str(alarm.device) if alarm.device_id else None,
            "raised_at": alarm.raised_at.isoformat(),
            "last_raised_at": alarm.last_raised_at.isoformat(),
        },
    }


def alarm_raise(
    *,
    site: Site,
    source: str,
    severity: str,
    title: str,
    dedupe_key: str,
    device: Device | None = None,
    space: Space | None = None,
    data: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> Alarm:
    """Open an alarm, or count one more occurrence of the open alarm with the same key."""
    at = at or timezone.now()
    with transaction.atomic():
        open_alarm = (
            Alarm.objects.select_for_update().filter(site=site, dedupe_key=dedupe_key).exclude(state=Alarm.State.RESOLVED).first()
        )
        if open_alarm is not None:
            open_alarm.occurrences += 1
            open_alarm.last_raised_at = at
            open_alarm.save(update_fields=["occurrences", "last_raised_at"])
            publish_on_commit(site_group(site.code), alarm_event(open_alarm, "alarm.updated"))
            return open_alarm
        try:
            with transaction.atomic():
                alarm = Alarm.objects.create(
                    site=site,
                    source=source,
                    severity=severity,
                    title=title,
                    dedupe_key=dedupe_key,
                    device=device,
                    space=space or (device.space if device else None),
                    data=data or {},
                    raised_at=at,
                    last_raised_at=at,
                )
        except IntegrityError:  # raced with another raiser of the same key: count on theirs
            return alarm_raise(
                site=site,
                source=source,
                severity=severity,
                title=title,
                dedupe_key=dedupe_key,
                device=device,
                space=space,
                data=data,
                at=at,
            )
        audit_log(
            action="monitoring.alarm.raise",
            actor=str(device) if device else "system",
            target=alarm,
            data={"source": source, "severity": severity},
        )
        publish_on_commit(site_group(site.code), alarm_event(alarm, "alarm.raised"))
        return alarm
