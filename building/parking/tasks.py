"""Celery tasks of the car park (scheduled through ParkingConfig.beat_schedule)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from celery import shared_task
from django.conf import settings

from building.parking.services import LONG_OPEN, sessions_sweep


@shared_task(name="building.parking.tasks.sweep_open_sessions")
def sweep_open_sessions() -> dict[str, Any]:
    """Daily: flag sessions open longer than PARKING_LONG_OPEN_HOURS (default 72) for review."""
    hours = getattr(settings, "PARKING_LONG_OPEN_HOURS", None)
    return sessions_sweep(older_than=timedelta(hours=hours) if hours else LONG_OPEN)
