from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from devices.dead_letters import RETENTION
from devices.dead_letters import dead_letter_purge as purge_letters
from devices.services import device_message_purge as purge


@shared_task(name="devices.tasks.device_message_purge")
def device_message_purge() -> int:
    """Idempotent: deletes dedupe records older than the retention window."""
    return purge(older_than=timezone.now() - timedelta(days=settings.DEVICE_MESSAGE_RETENTION_DAYS))


@shared_task(name="devices.tasks.dead_letter_purge")
def dead_letter_purge() -> int:
    """Idempotent: deletes dead letters (their payloads may show faces) older than RETENTION."""
    return purge_letters(older_than=timezone.now() - RETENTION)
