"""Camera snapshots for an alarm: grabbed outside any transaction, stored once per camera."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from core.audit import audit_log
from security.monitoring.camera_io import SnapshotError, grab_jpeg
from security.monitoring.models import Alarm, AlarmSnapshot, Camera
from security.monitoring.policy import setting
from security.monitoring.services.alarms import _publish


def alarm_snapshot_grab(*, alarm_id: int, at: datetime | None = None) -> list[AlarmSnapshot]:
    """Grab a frame from each camera near the alarm that has none yet. Idempotent."""
    from security.monitoring.selectors import cameras_near

    alarm = Alarm.objects.select_related("site", "space__floor", "device").filter(pk=alarm_id).first()
    if alarm is None:
        return []
    done = set(alarm.snapshots.values_list("camera_id", flat=True))
    timeout_ms = int(setting("SNAPSHOT_TIMEOUT_MS", 3000))
    grabbed: list[tuple[Camera, bytes | None, str]] = []
    for camera in cameras_near(alarm):
        if camera.pk in done:
            continue
        try:
            grabbed.append((camera, grab_jpeg(camera.stream_url, timeout_ms=timeout_ms), ""))
        except SnapshotError as exc:
            grabbed.append((camera, None, str(exc)))
    if not grabbed:
        return []
    at = at or timezone.now()
    stored = []
    with transaction.atomic(durable=True):
        alarm = Alarm.objects.select_for_update(of=("self",)).select_related("site").get(pk=alarm_id)  # one writer per alarm
        done = set(alarm.snapshots.values_list("camera_id", flat=True))
        for camera, jpeg, error in grabbed:
            if camera.pk in done:  # another worker stored this camera's frame meanwhile
                continue
            snapshot = AlarmSnapshot(alarm=alarm, camera=camera, taken_at=at, error=error)
            if jpeg is not None:
                snapshot.image.save(f"alarm{alarm.pk}-cam{camera.pk}.jpg", ContentFile(jpeg), save=False)
            snapshot.save()
            stored.append(snapshot)
        audit_log(
            action="monitoring.alarm.snapshot",
            actor="system",
            target=alarm,
            data={"cameras": [s.camera_id for s in stored], "errors": [s.error for s in stored if s.error]},
        )
        _publish(alarm, "alarm.updated")
    return stored


PURGE_BATCH = 500


def alarm_snapshot_purge(*, at: datetime | None = None) -> int:
    """Delete camera snapshots (they show faces) older than ALARM_SNAPSHOT_RETENTION_DAYS
    (default 30): the rows, then their files once the delete has committed (a rollback keeps
    both). Idempotent; the hourly beat entry catches up in batches. Returns the rows deleted."""
    at = at or timezone.now()
    cutoff = at - timedelta(days=int(getattr(settings, "ALARM_SNAPSHOT_RETENTION_DAYS", 30)))
    deleted = 0
    while True:
        with transaction.atomic(durable=True):
            batch = list(
                AlarmSnapshot.objects.select_for_update(skip_locked=True)
                .filter(taken_at__lt=cutoff)
                .order_by("pk")
                .values_list("pk", "image")[:PURGE_BATCH]
            )
            if not batch:
                break
            AlarmSnapshot.objects.filter(pk__in=[pk for pk, _ in batch]).delete()
            files = [name for _, name in batch if name]
            transaction.on_commit(lambda files=files: _delete_files(files))  # type: ignore[misc]
            audit_log(
                action="monitoring.snapshot.purge",
                actor="system",
                data={"count": len(batch), "before": cutoff.isoformat()},
            )
        deleted += len(batch)
    return deleted


def _delete_files(names: list[str]) -> None:
    field = AlarmSnapshot._meta.get_field("image")
    storage = field.storage
    for name in names:
        storage.delete(name)  # a missing file is not an error for FileSystemStorage
