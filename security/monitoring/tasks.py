"""Celery tasks: each adapts its arguments (ids, never objects) and calls one idempotent service."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from security.monitoring import services


@shared_task(name="monitoring.alarm_escalate_due")
def alarm_escalate_due() -> list[int]:
    return services.alarm_escalate_due(at=timezone.now())


@shared_task(name="monitoring.device_offline_sweep")
def device_offline_sweep() -> dict[str, list[int]]:
    result = services.device_offline_sweep(at=timezone.now())
    return {k: list(v) for k, v in vars(result).items()}


@shared_task(name="monitoring.patrol_rounds_generate")
def patrol_rounds_generate() -> list[int]:
    return services.patrol_rounds_generate(at=timezone.now())


@shared_task(name="monitoring.patrol_overdue_check")
def patrol_overdue_check() -> dict[str, list[int]]:
    result = services.patrol_overdue_check(at=timezone.now())
    return {"missed": result.missed, "finished": result.finished}


@shared_task(name="monitoring.alarm_snapshot_grab")
def alarm_snapshot_grab(alarm_id: int) -> list[int]:
    return [s.pk for s in services.alarm_snapshot_grab(alarm_id=alarm_id)]


@shared_task(name="monitoring.alarm_snapshot_purge")
def alarm_snapshot_purge() -> int:
    return services.alarm_snapshot_purge(at=timezone.now())
