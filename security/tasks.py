from __future__ import annotations

from celery import shared_task

from security.services.faces import face_encodings_purge


@shared_task(name="security.tasks.face_retention_purge")
def face_retention_purge() -> dict[str, int]:
    """Daily; idempotent (a second run the same day deletes nothing more)."""
    return face_encodings_purge()
