"""PIPL art. 45 export, monitoring's part: what a guard did (alarm steps, patrol scans).
Camera snapshots are not indexed by person (no face is matched in them) and are purged after
ALARM_SNAPSHOT_RETENTION_DAYS."""

from __future__ import annotations

from typing import Any

from portal.models import User
from security.monitoring.models import AlarmStep, PatrolVisit


def personal_data(user: User) -> dict[str, Any]:
    return {
        "alarm_actions": [
            {"at": s.at.isoformat(), "alarm": s.alarm_id, "action": s.action, "comment": s.comment}
            for s in AlarmStep.objects.filter(actor=user).order_by("at")
        ],
        "patrol_scans": [
            {"at": v.scanned_at.isoformat() if v.scanned_at else None, "checkpoint": v.checkpoint.name, "state": v.state}
            for v in PatrolVisit.objects.filter(guard=user).select_related("checkpoint").order_by("scanned_at")
        ],
    }
