"""Snapshots with real OpenCV: a local video file and a local MJPEG-over-HTTP stream."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from core.models import AuditLog
from security.monitoring.camera_io import SnapshotError, grab_jpeg
from security.monitoring.models import AlarmSnapshot
from security.monitoring.selectors import cameras_near
from security.monitoring.services import alarm_raise, alarm_snapshot_grab
from tests.security.monitoring.factories import camera, space_in


def decoded(jpeg: bytes) -> np.ndarray:
    image = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
    assert image is not None
    return image


def looks_like_the_test_frame(image: np.ndarray) -> bool:
    height, width = image.shape[:2]
    b, g, r = (int(c) for c in image[height // 2, width // 4])  # left half: red
    white = image[height // 2, 3 * width // 4]
    return (width, height) == (160, 120) and r > 200 and g < 60 and b < 60 and min(int(c) for c in white) > 200


def test_grab_from_a_local_video_file(video_file) -> None:
    assert looks_like_the_test_frame(decoded(grab_jpeg(str(video_file))))


def test_grab_from_a_local_mjpeg_http_stream(mjpeg_stream) -> None:
    assert looks_like_the_test_frame(decoded(grab_jpeg(mjpeg_stream)))


def test_an_unreachable_stream_fails_fast_with_a_reason_not_the_url(tmp_path) -> None:
    with pytest.raises(SnapshotError) as failure:
        grab_jpeg("http://user:secret@127.0.0.1:9/none.mjpg", timeout_ms=1000)
    assert "secret" not in str(failure.value)
    with pytest.raises(SnapshotError):
        grab_jpeg(str(tmp_path / "missing.avi"))


@pytest.mark.django_db
def test_an_alarm_near_cameras_stores_their_snapshots_once(site, video_file, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    space = space_in(site)
    elsewhere = space_in(site)
    same_space = camera(site, stream_url=str(video_file), space=space, name="机房摄像机")
    broken = camera(site, stream_url=str(tmp_path / "gone.avi"), space=space, name="坏摄像机")
    camera(site, stream_url=str(video_file), space=elsewhere, name="远处摄像机")
    # on_commit never fires inside the test transaction: the service is called here, twice; it stores each camera once.
    alarm = alarm_raise(site=site, source="intrusion", severity="major", title="入侵", dedupe_key="i", space=space)
    assert {c.pk for c in cameras_near(alarm)} == {same_space.pk, broken.pk}
    alarm_snapshot_grab(alarm_id=alarm.pk)
    alarm_snapshot_grab(alarm_id=alarm.pk)
    snapshots = {s.camera_id: s for s in AlarmSnapshot.objects.filter(alarm=alarm)}
    assert set(snapshots) == {same_space.pk, broken.pk}
    good = snapshots[same_space.pk]
    assert good.error == "" and looks_like_the_test_frame(decoded(good.image.read()))
    assert snapshots[broken.pk].error and not snapshots[broken.pk].image
    assert AuditLog.objects.filter(action="monitoring.alarm.snapshot", target_id=str(alarm.pk)).count() == 1


@pytest.mark.django_db
def test_snapshots_past_the_retention_are_purged_rows_and_files(
    site, settings, tmp_path, django_capture_on_commit_callbacks
) -> None:
    """Issue 9 item 7: snapshots show faces; kept ALARM_SNAPSHOT_RETENTION_DAYS (default 30)."""
    from datetime import timedelta
    from pathlib import Path

    from django.conf import settings as live
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from security.monitoring.services import alarm_snapshot_purge

    settings.MEDIA_ROOT = tmp_path / "media"
    now = timezone.now()
    alarm = alarm_raise(site=site, source="intrusion", severity="major", title="入侵", dedupe_key="p")
    cams = [camera(site, stream_url="x", space=space_in(site), name=f"cam{i}") for i in range(3)]
    rows = {}
    for cam, age in zip(cams, (31, 29, 40), strict=True):
        snap = AlarmSnapshot(alarm=alarm, camera=cam, taken_at=now - timedelta(days=age))
        snap.image.save(f"a-{cam.pk}.jpg", ContentFile(b"\xff\xd8\xff jpeg"), save=False)
        snap.save()
        rows[age] = snap
    assert live.ALARM_SNAPSHOT_RETENTION_DAYS == 30
    with django_capture_on_commit_callbacks(execute=True):
        assert alarm_snapshot_purge(at=now) == 2
    assert list(AlarmSnapshot.objects.values_list("pk", flat=True)) == [rows[29].pk]
    assert not Path(rows[31].image.path).exists() and not Path(rows[40].image.path).exists()
    assert Path(rows[29].image.path).exists()
    assert AuditLog.objects.filter(action="monitoring.snapshot.purge").exists()
    assert alarm_snapshot_purge(at=now) == 0
    from core.registry import beat_schedule

    assert any(e["task"] == "monitoring.alarm_snapshot_purge" for e in beat_schedule().values())
