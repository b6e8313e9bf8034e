"""Celery beat entries of this app, merged into CELERY_BEAT_SCHEDULE (plain data: no Django imports)."""

BEAT_SCHEDULE: dict[str, dict[str, object]] = {}
