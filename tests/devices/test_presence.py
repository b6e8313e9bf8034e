"""Device presence has one writer (devices.services.device_presence_set): the status channel,
any message, deactivation and the offline sweep all go through it and publish one event shape."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone

from building.models import Site
from core import realtime
from core.realtime import site_group
from devices import services as device_services
from devices.models import Device
from devices.signals import device_came_online
from security.monitoring.services import device_offline_sweep, health
from tests.factories import device_factory

ONLINE_WRITE = re.compile(r"\.update\([^)]*\bonline\s*=|\.online\s*=[^=]")


def test_nothing_outside_devices_services_writes_the_online_flag() -> None:
    writers = []
    base = Path(settings.BASE_DIR)
    apps = [d for d in base.iterdir() if (d / "__init__.py").exists() and d.name != "tests"]
    for path in (p for app in apps for p in app.rglob("*.py")):
        relative = path.relative_to(base).as_posix()
        if "/migrations/" in relative or relative == "devices/services.py":
            continue
        if ONLINE_WRITE.search(path.read_text(encoding="utf-8")):
            writers.append(relative)
    assert writers == []


def _listen(monkeypatch: pytest.MonkeyPatch, site: Site) -> list[dict[str, Any]]:
    """The device.status events sent to the site's group, in order (what the panel receives)."""
    events: list[dict[str, Any]] = []

    def group_send(group: str, event: dict[str, Any]) -> None:
        if group == site_group(site.code) and event["type"] == "device.status":
            events.append(event)

    monkeypatch.setattr(realtime, "_group_send", group_send)
    return events


@pytest.mark.django_db
def test_the_sweep_and_a_status_message_publish_one_shape_through_the_one_writer(
    site: Site, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    device = device_factory(site=site, kind="gate").device
    seen = timezone.now() - timedelta(minutes=10)
    Device.objects.filter(pk=device.pk).update(heartbeat_interval_s=60, online=True, last_seen_at=seen)
    device.refresh_from_db()
    calls: list[tuple[bool, bool]] = []
    real = device_services.device_presence_set

    def spy(**kwargs: Any) -> bool:
        changed = real(**kwargs)
        calls.append((kwargs["online"], changed))
        return changed

    monkeypatch.setattr(device_services, "device_presence_set", spy)
    monkeypatch.setattr(health, "device_presence_set", spy)
    came_online: list[Device] = []

    def receiver(sender: object, *, device: Device, **kwargs: object) -> None:
        came_online.append(device)

    device_came_online.connect(receiver, dispatch_uid="test_presence")
    events = _listen(monkeypatch, site)
    try:
        swept_at = timezone.now()
        with django_capture_on_commit_callbacks(execute=True):
            assert device_offline_sweep(at=swept_at).marked_offline == [device.pk]
        back_at = swept_at + timedelta(seconds=5)
        with django_capture_on_commit_callbacks(execute=True):
            assert device_services.device_status_set(device=device, online=True, at=back_at) is True
    finally:
        device_came_online.disconnect(dispatch_uid="test_presence")
    assert calls == [(False, True), (True, True)]  # both went through the one writer
    offline, online = events
    assert offline == {
        "type": "device.status",
        "device": str(device),
        "kind": "gate",
        "online": False,
        "at": swept_at.isoformat(),
    }
    assert online == {**offline, "online": True, "at": back_at.isoformat()}
    assert [d.pk for d in came_online] == [device.pk]
    device.refresh_from_db()
    assert (device.online, device.status_changed_at, device.last_seen_at) == (True, back_at, back_at)


@pytest.mark.django_db
def test_a_claim_with_only_if_silent_before_loses_to_a_device_that_spoke(site: Site) -> None:
    device = device_factory(site=site, kind="gate").device
    now = timezone.now()
    Device.objects.filter(pk=device.pk).update(online=True, last_seen_at=now)
    device.refresh_from_db()
    # The sweep computed its cutoff before the device's latest message landed: no claim.
    assert device_services.device_presence_set(device=device, online=False, at=now, only_if_silent_before=now) is False
    assert Device.objects.get(pk=device.pk).online is True
    later = now + timedelta(seconds=1)
    assert device_services.device_presence_set(device=device, online=False, at=later, only_if_silent_before=later) is True
    assert device_services.device_presence_set(device=device, online=False, at=later) is False  # already offline


@pytest.mark.django_db
def test_deactivating_a_device_tells_the_panel_it_is_offline(
    site: Site, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    device = device_factory(site=site, kind="gate").device
    Device.objects.filter(pk=device.pk).update(online=True, last_seen_at=timezone.now())
    device.refresh_from_db()
    events = _listen(monkeypatch, site)
    with django_capture_on_commit_callbacks(execute=True):
        device_services.device_deactivate(device=device)
    assert [event["online"] for event in events] == [False]
