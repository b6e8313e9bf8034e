"""The one shape of an access decision: the live `access.decision` event, the panel's recent
list and the access log's JSON all come from here."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from security.models import AccessLog

EVENT_TYPE = "access.decision"


def person_of(log: AccessLog) -> dict[str, Any] | None:
    if log.user_id is not None:
        return {"id": log.user_id, "name": log.person_name}
    if log.visitor_pass_id is not None:
        return {"id": f"visitor-{log.visitor_pass_id}", "name": log.person_name}
    return None


def access_log_row(log: AccessLog) -> dict[str, Any]:
    return {
        "id": log.pk,
        "at": timezone.localtime(log.at).isoformat(),  # Asia/Shanghai, however the row was loaded
        "gate": log.gate.device_id if log.gate else None,
        "zone": log.zone.code if log.zone else None,
        "method": log.method,
        "direction": log.direction,
        "decision": log.decision,
        "reason": log.reason,
        "person": person_of(log),
        "distance": log.distance,
        "latency_ms": log.latency_ms,
    }


def access_event(log: AccessLog) -> dict[str, Any]:
    """What a panel receives live: the log row, typed (gate and zone are cached on a new log)."""
    return {"type": EVENT_TYPE, **access_log_row(log)}
