"""Plain-data views of monitoring rows: the panel's initial state and its live events use the same shapes."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from security.monitoring.models import Alarm, PatrolRound
from security.monitoring.policy import comment_required


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _who(user: Any) -> str | None:
    return str(user) if user is not None else None


def location_label(alarm: Alarm) -> str:
    if alarm.space_id:
        return str(alarm.space)
    if alarm.floor_id:
        return str(alarm.floor)
    if alarm.building_id:
        return str(alarm.building)
    return ""


def alarm_data(alarm: Alarm) -> dict[str, Any]:
    snapshots = (
        [
            {
                "id": s.pk,
                "camera": s.camera.name,
                "url": reverse("monitoring:snapshot", args=[s.pk]) if s.image else None,
                "error": s.error,
            }
            for s in alarm.snapshots.select_related("camera").all()
        ]
        if alarm.pk
        else []
    )
    return {
        "id": alarm.pk,
        "source": alarm.source,
        "severity": alarm.severity,
        "state": alarm.state,
        "title": alarm.title,
        "occurrences": alarm.occurrences,
        "device": str(alarm.device) if alarm.device_id else None,
        "location": location_label(alarm),
        "raised_at": alarm.raised_at.isoformat(),
        "last_raised_at": alarm.last_raised_at.isoformat(),
        "restored_at": _iso(alarm.restored_at),
        "acknowledged_at": _iso(alarm.acknowledged_at),
        "acknowledged_by": _who(alarm.acknowledged_by),
        "dispatched_at": _iso(alarm.dispatched_at),
        "dispatched_by": _who(alarm.dispatched_by),
        "dispatched_to": alarm.dispatched_to,
        "work_order_ref": alarm.work_order_ref,
        "resolved_at": _iso(alarm.resolved_at),
        "resolved_by": _who(alarm.resolved_by),
        "comment": alarm.comment,
        "escalation_level": alarm.escalation_level,
        "comment_required": comment_required(source=alarm.source, severity=alarm.severity),
        "snapshots": snapshots,
    }


def alarm_event(alarm: Alarm, kind: str) -> dict[str, Any]:
    return {"type": kind, "alarm": alarm_data(alarm)}


def round_data(patrol_round: PatrolRound) -> dict[str, Any]:
    visits = patrol_round.visits.select_related("checkpoint").order_by("checkpoint__order")
    return {
        "id": patrol_round.pk,
        "route": patrol_round.route.name,
        "guard": _who(patrol_round.guard),
        "planned_start": patrol_round.planned_start.isoformat(),
        "state": patrol_round.state,
        "visits": [
            {
                "checkpoint": v.checkpoint.name,
                "order": v.checkpoint.order,
                "due_at": v.due_at.isoformat(),
                "state": v.state,
                "scanned_at": _iso(v.scanned_at),
                "flags": v.flags,
            }
            for v in visits
        ],
    }
