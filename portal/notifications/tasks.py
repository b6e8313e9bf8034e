from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from portal.notifications.services import notifications_purge

KEEP_READ_DAYS = 180


@shared_task(name="portal.notifications.tasks.notifications_purge")
def notifications_purge_task() -> int:
    return notifications_purge(older_than=timezone.now() - timedelta(days=KEEP_READ_DAYS))
