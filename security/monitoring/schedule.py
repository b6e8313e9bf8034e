"""Celery beat entries of this app, merged into CELERY_BEAT_SCHEDULE (plain data: no Django imports)."""

BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    # 15 s keeps "offline within 2x the heartbeat" true for heartbeats of 15 s and up.
    "monitoring-device-offline-sweep": {"task": "monitoring.device_offline_sweep", "schedule": 15.0},
    "monitoring-alarm-escalation": {"task": "monitoring.alarm_escalate_due", "schedule": 30.0},
    "monitoring-patrol-rounds-generate": {"task": "monitoring.patrol_rounds_generate", "schedule": 600.0},
    "monitoring-patrol-overdue-check": {"task": "monitoring.patrol_overdue_check", "schedule": 60.0},
    # Camera snapshots show faces: kept ALARM_SNAPSHOT_RETENTION_DAYS (privacy, docs/monitoring.md).
    "monitoring-alarm-snapshot-purge": {"task": "monitoring.alarm_snapshot_purge", "schedule": 3600.0},
}
