"""Celery beat entries of this app, merged into CELERY_BEAT_SCHEDULE (plain data: no Django imports)."""

BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "security-face-retention-purge": {"task": "security.tasks.face_retention_purge", "schedule": 24 * 3600.0},
}
