"""One bad message never stops the building (issue 9 item 1): through the real broker and bridge.

Each reproduction of the attack run is a test of its own: the poison message is answered with
an `error`, dead-lettered and acknowledged; the fire alarms another device publishes right after
it all reach the database, and the bridge still answers a ping.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import OperationalError
from django.test import Client

from devices import dispatch, isolation
from devices.bridge import Bridge
from devices.bridge_status import bridge_state
from devices.models import DeadLetter, Device, DeviceMessage
from devices.simulator import SimDevice
from security.monitoring.models import Alarm
from tests.devices import poison
from tests.helpers import eventually

pytestmark = pytest.mark.django_db(transaction=True)


def fire_alarms(detector: SimDevice, count: int = 5) -> list[str]:
    return [detector.send("alarm", {"kind": "smoke"}) for _ in range(count)]


def all_stored(device_id: str, ids: list[str]) -> bool:
    return DeviceMessage.objects.filter(device__device_id=device_id, msg_id__in=ids).count() == len(ids)


@pytest.mark.parametrize("name", sorted(poison.REPRODUCTIONS))
def test_a_poison_message_is_dead_lettered_and_takes_nothing_with_it(bridge, connect_device, site, name: str) -> None:
    gate, detector = connect_device(site, "gate"), connect_device(site, "fire_detector")
    payload = poison.REPRODUCTIONS[name]()
    gate.publish_raw("event", payload)
    sent = fire_alarms(detector)  # right behind it: the same batch, if the bridge is quick
    error = gate.wait_command(type="error", timeout=10)
    assert "bad_json" in error["data"]["reason"]
    assert gate.request("ping", timeout=10)["type"] == "pong"
    eventually(lambda: all_stored(detector.prefix.rsplit("/", 1)[1], sent), timeout=10)
    letter = DeadLetter.objects.get(device__device_id=gate.prefix.rsplit("/", 1)[1])
    assert letter.reason == "bad_json" and bytes(letter.payload) == payload[: len(letter.payload)]
    assert Alarm.objects.filter(source="fire", site=site).get().occurrences == 5


@pytest.mark.parametrize("name", ["nul_in_id", "ts_overflow", "lone_surrogate_key", "nan", "not_utf8"])
def test_other_values_the_database_would_refuse_are_answered_too(bridge, connect_device, site, name: str) -> None:
    gate = connect_device(site, "gate")
    gate.publish_raw("event", poison.CLASSES[name]())
    assert gate.wait_command(type="error", timeout=10)["type"] == "error"
    assert gate.request("ping", timeout=10)["type"] == "pong"
    assert DeadLetter.objects.filter(device__device_id=gate.prefix.rsplit("/", 1)[1]).count() == 1


@pytest.fixture
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    import devices.bridge

    monkeypatch.setattr(devices.bridge, "RETRY_DELAY_S", 0.05)
    monkeypatch.setattr(isolation, "RETRY_DELAY_S", 0.01)


def poisoned_seen(victim: str, error: type[Exception] = OperationalError) -> Callable[..., None]:
    """dispatch.device_seen that fails, with the database up, for one device only."""
    real = dispatch.device_seen

    def seen(*, device: Device, at: object) -> None:
        if device.device_id == victim:
            raise error("canceling statement due to statement timeout")
        real(device=device, at=at)  # type: ignore[arg-type]

    return seen


def test_a_message_the_database_keeps_refusing_is_dead_lettered_not_retried_forever(
    bridge, connect_device, site, monkeypatch: pytest.MonkeyPatch, fast_retries: None
) -> None:
    gate, detector = connect_device(site, "gate"), connect_device(site, "fire_detector")
    victim = gate.prefix.rsplit("/", 1)[1]
    monkeypatch.setattr(dispatch, "device_seen", poisoned_seen(victim))
    stalls: list[BaseException] = []
    monkeypatch.setattr(bridge.progress, "failed", lambda worker, error: stalls.append(error))
    poisoned = gate.send("ping")
    sent = fire_alarms(detector)
    error = gate.wait_command(re=poisoned, timeout=15)
    assert error["type"] == "error" and error["data"]["reason"].startswith("database_error: OperationalError")
    eventually(lambda: all_stored(detector.prefix.rsplit("/", 1)[1], sent), timeout=10)
    letter = DeadLetter.objects.get(device__device_id=victim)
    assert letter.reason == "database_error" and "OperationalError" in letter.detail
    assert stalls == []  # a poison message, not a stall: no health alarm for it
    monkeypatch.undo()
    assert gate.request("ping", timeout=10)["type"] == "pong"


def test_a_device_lookup_the_database_keeps_refusing_drops_that_message_alone(
    bridge, connect_device, site, monkeypatch: pytest.MonkeyPatch, fast_retries: None
) -> None:
    gate, detector = connect_device(site, "gate"), connect_device(site, "fire_detector")
    victim = gate.prefix.rsplit("/", 1)[1]
    real_lookup = dispatch.device_lookup

    def lookup(site_code: str, device_id: str) -> Device | None:
        if device_id == victim:
            raise OperationalError("canceling statement due to statement timeout")
        return real_lookup(site_code, device_id)

    monkeypatch.setattr(dispatch, "device_lookup", lookup)
    gate.send("ping")
    sent = fire_alarms(detector)
    eventually(lambda: all_stored(detector.prefix.rsplit("/", 1)[1], sent), timeout=15)
    eventually(lambda: DeadLetter.objects.filter(topic=f"{gate.prefix}/event", reason="database_error").exists(), timeout=15)


def test_when_even_the_error_answer_fails_the_message_is_still_dead_lettered_alone(
    bridge, connect_device, site, monkeypatch: pytest.MonkeyPatch, fast_retries: None
) -> None:
    gate, other, detector = connect_device(site, "gate"), connect_device(site, "gate"), connect_device(site, "fire_detector")
    victim = gate.prefix.rsplit("/", 1)[1]
    real_send = dispatch.command_send

    def send(**kwargs: Any) -> dict[str, Any]:
        if kwargs["type"] == "error":
            raise TypeError("Object of type bytes is not JSON serializable")  # the reply cannot be built
        return real_send(**kwargs)

    monkeypatch.setattr(dispatch, "device_seen", poisoned_seen(victim, RuntimeError))
    monkeypatch.setattr(dispatch, "command_send", send)
    gate.send("ping")
    sent = fire_alarms(detector)
    assert other.request("ping", timeout=10)["type"] == "pong"
    eventually(lambda: all_stored(detector.prefix.rsplit("/", 1)[1], sent), timeout=10)
    eventually(lambda: DeadLetter.objects.filter(device__device_id=victim).exists())
    letter = DeadLetter.objects.get(device__device_id=victim)
    assert letter.reason == "internal_error" and "RuntimeError" in letter.detail


def test_a_handler_bug_is_dead_lettered_and_replayed_after_the_fix(
    bridge, connect_device, site, monkeypatch: pytest.MonkeyPatch, fast_retries: None
) -> None:
    gate = connect_device(site, "gate")
    victim = gate.prefix.rsplit("/", 1)[1]
    monkeypatch.setattr(dispatch, "device_seen", poisoned_seen(victim, RuntimeError))
    failed = gate.send("ping")
    assert "internal_error" in gate.wait_command(re=failed, timeout=10)["data"]["reason"]
    letter = DeadLetter.objects.get(device__device_id=victim)
    assert letter.reason == "internal_error" and not DeviceMessage.objects.filter(msg_id=failed).exists()
    monkeypatch.undo()  # the fix

    out = _call("dead_letter_replay", "--dry-run", "--id", str(letter.pk))
    assert out["selected"] == 1 and out["replayed"] == 0 and not DeviceMessage.objects.filter(msg_id=failed).exists()
    out = _call("dead_letter_replay", "--id", str(letter.pk))
    assert out["replayed"] == 1 and out["outcomes"] == {"accepted": 1}
    assert DeviceMessage.objects.filter(msg_id=failed).exists()
    assert gate.wait_command(type="pong", timeout=10)["re"] == failed  # answered at last
    letter.refresh_from_db()
    assert letter.replayed_at is not None
    assert _call("dead_letter_replay", "--id", str(letter.pk))["selected"] == 0  # replayed once only


def test_a_refused_message_replayed_is_refused_again_and_dead_lettered_anew(bridge, connect_device, site) -> None:
    gate = connect_device(site, "gate")
    bad = gate.send("ping", {"unexpected": 1})  # the schema refuses it after the dedupe row
    assert "bad_data" in gate.wait_command(re=bad, timeout=10)["data"]["reason"]
    letter = DeadLetter.objects.get(device__device_id=gate.prefix.rsplit("/", 1)[1])
    out = _call("dead_letter_replay", "--id", str(letter.pk))
    assert out["outcomes"] == {"rejected": 1}  # not taken for a retransmission (duplicate)
    letters = DeadLetter.objects.filter(device=letter.device)
    assert letters.filter(replayed_at__isnull=False).get() == letter
    assert letters.filter(replayed_at__isnull=True, reason="bad_data").count() == 1


def _call(*args: str) -> dict[str, object]:
    import io
    import json

    from django.core.management import call_command

    out = io.StringIO()
    call_command(*args, stdout=out)
    return dict(json.loads(out.getvalue()))


@pytest.fixture
def own_bridge(mqtt_broker: tuple[str, int], settings: object) -> Iterator[Callable[..., Bridge]]:
    started: list[Bridge] = []

    def start(**kwargs: object) -> Bridge:
        settings.MQTT_CLIENT_ID = f"test-{uuid.uuid4().hex[:8]}"  # type: ignore[attr-defined]
        running = Bridge(**kwargs)  # type: ignore[arg-type]
        running.start()
        assert running.wait_connected(10)
        started.append(running)
        return running

    yield start
    for running in started:
        running.stop(end_session=True)


def test_a_stalled_bridge_is_unhealthy_raises_one_alarm_and_recovers(
    own_bridge, connect_device, site, monkeypatch: pytest.MonkeyPatch, fast_retries: None
) -> None:
    own_bridge(report_every_s=0.1)
    gate = connect_device(site, "gate")
    assert gate.request("ping")["type"] == "pong"
    monkeypatch.setattr(dispatch, "device_seen", poisoned_seen(gate.prefix.rsplit("/", 1)[1]))
    monkeypatch.setattr(isolation, "database_reachable", lambda: False)  # as if the database were gone
    stuck = gate.send("ping")
    eventually(lambda: bridge_state().startswith("stalled"), timeout=10)
    body = Client().get("/healthz").json()
    assert body["bridge"].startswith("stalled: ") and "OperationalError" in body["bridge"] and body["status"] == "degraded"
    assert Client().get("/readyz").status_code == 503
    eventually(lambda: Alarm.objects.filter(source="bridge", site=site).exists())
    alarm = Alarm.objects.get(source="bridge", site=site)
    assert alarm.occurrences == 1 and "OperationalError" in alarm.data["reason"]

    monkeypatch.undo()  # the database is back: the same batch goes through, nothing was lost
    assert gate.wait_command(re=stuck, timeout=20)["type"] == "pong"
    eventually(lambda: bridge_state() == "ok", timeout=10)
    alarm.refresh_from_db()
    assert alarm.occurrences == 1 and alarm.restored_at is not None  # raised once, restored once
