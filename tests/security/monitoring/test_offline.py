"""The device offline sweep: claims, exactly one alarm under concurrent sweeps, reminders, recovery."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from devices.models import Device
from devices.services import device_seen, device_status_set
from security.monitoring.models import Alarm, AlarmStep
from security.monitoring.services import alarm_resolve, device_offline_sweep
from tests.factories import device_factory


def silent_device(site, *, interval: int = 60, seen_ago: int = 0) -> Device:
    device = device_factory(site=site, kind="gate").device
    Device.objects.filter(pk=device.pk).update(
        heartbeat_interval_s=interval, online=True, last_seen_at=timezone.now() - timedelta(seconds=seen_ago)
    )
    device.refresh_from_db()
    return device


@pytest.mark.django_db
def test_offline_within_twice_the_heartbeat_and_not_before(site) -> None:
    device = silent_device(site, interval=60)
    seen = device.last_seen_at
    assert seen is not None
    assert device_offline_sweep(at=seen + timedelta(seconds=119)).alarms == []
    result = device_offline_sweep(at=seen + timedelta(seconds=121))
    assert result.marked_offline == [device.pk] and len(result.alarms) == 1
    device.refresh_from_db()
    assert device.online is False
    alarm = Alarm.objects.get(pk=result.alarms[0])
    assert (alarm.source, alarm.device, alarm.state) == ("device_offline", device, "new")
    # The next sweep does not raise a second one; after the policy's 15 minutes it reminds.
    assert device_offline_sweep(at=seen + timedelta(seconds=180)).alarms == []
    reminded = device_offline_sweep(at=seen + timedelta(seconds=121 + 900))
    assert reminded.reminders == [alarm.pk] and reminded.alarms == []
    alarm.refresh_from_db()
    assert alarm.occurrences == 2 and Alarm.objects.count() == 1


@pytest.mark.django_db
def test_recovery_closes_the_alarm(site) -> None:
    device = silent_device(site, interval=30)
    at = timezone.now() + timedelta(minutes=5)
    alarm_id = device_offline_sweep(at=at).alarms[0]
    device.refresh_from_db()
    device_seen(device=device, at=at + timedelta(seconds=3))  # a heartbeat arrives
    result = device_offline_sweep(at=at + timedelta(seconds=15))
    assert result.recovered == [alarm_id]
    alarm = Alarm.objects.get(pk=alarm_id)
    assert alarm.state == "resolved" and alarm.resolved_by is None
    assert AlarmStep.objects.filter(alarm=alarm, action="clear").exists()


@pytest.mark.django_db
def test_a_last_will_offline_device_gets_one_alarm_and_none_again_after_a_guard_closed_it(site, chen_guard) -> None:
    device = silent_device(site, interval=60)
    seen = device.last_seen_at
    assert seen is not None
    device_status_set(device=device, online=False, at=seen + timedelta(seconds=1))  # the broker's last will
    first = device_offline_sweep(at=seen + timedelta(seconds=130))
    assert first.marked_offline == [] and len(first.alarms) == 1
    alarm_resolve(alarm_id=first.alarms[0], actor=chen_guard, comment="已派人检查")
    later = device_offline_sweep(at=seen + timedelta(hours=2))
    assert later.alarms == [] and Alarm.objects.count() == 1  # the same silence does not re-open


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweeps_raise_exactly_one_alarm(site) -> None:
    devices = [silent_device(site, interval=10) for _ in range(5)]
    at = timezone.now() + timedelta(minutes=1)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def sweep() -> None:
        try:
            barrier.wait(timeout=5)
            results.append(device_offline_sweep(at=at))
        except Exception as exc:  # surfaced below: a thread's failure must fail the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    assert sorted(pk for r in results for pk in r.marked_offline) == sorted(d.pk for d in devices)
    assert sum(len(r.alarms) for r in results) == 5
    alarms = Alarm.objects.filter(source="device_offline")
    assert alarms.count() == 5 and {a.occurrences for a in alarms} == {1}
    assert sorted(a.device_id or 0 for a in alarms) == sorted(d.pk for d in devices)


@pytest.mark.django_db(transaction=True)
def test_a_device_coming_back_closes_its_offline_alarm_at_once(site) -> None:
    device = silent_device(site, interval=30)
    at = timezone.now() + timedelta(minutes=5)
    alarm_id = device_offline_sweep(at=at).alarms[0]
    device.refresh_from_db()
    device_seen(device=device, at=at + timedelta(seconds=3))  # committed: devices.signals fires
    alarm = Alarm.objects.get(pk=alarm_id)
    assert alarm.state == "resolved"  # no sweep needed
