"""dispatch.handle directly: the rejections a broker ACL would normally keep away."""

import json
from collections import Counter
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from core.models import AuditLog
from devices.dispatch import handle
from devices.models import DeviceMessage
from tests.factories import device_factory


def test_a_malformed_topic_is_dropped_with_an_audit_row(db) -> None:
    outcome = handle("so/demo/has space/event", b"{}", timezone.now())
    assert (outcome.status, outcome.reason) == ("dropped", "bad_topic")
    assert AuditLog.objects.get(action="devices.message.reject").data["reason"] == "bad_topic"


def test_a_device_of_another_site_is_unknown(site, db) -> None:
    new = device_factory(site=site, kind="gate", device_id="g1")
    outcome = handle(f"so/other/{new.device.device_id}/event", b"{}", timezone.now())
    assert (outcome.status, outcome.reason) == ("dropped", "unknown_device")


def test_a_deactivated_device_is_unknown(site, db) -> None:
    new = device_factory(site=site, kind="gate", device_id="g1")
    new.device.is_active = False
    new.device.save()
    outcome = handle(f"so/{site.code}/g1/event", b'{"id":"1","ts":"2026-11-22T01:00:00Z","type":"ping"}', timezone.now())
    assert outcome.status == "dropped"


def test_a_bad_status_message_gets_an_error(site, db) -> None:
    device_factory(site=site, kind="gate", device_id="g1")
    outcome = handle(f"so/{site.code}/g1/status", b'{"state": "dozing"}', timezone.now())
    assert (outcome.status, outcome.reason, outcome.reply_type) == ("rejected", "bad_status", "error")


def test_a_message_is_parsed_once_for_prepare_and_handle(site, db, monkeypatch) -> None:
    """Issue 8 part 3: topic, device and envelope once; the gate's zone and liveness once."""
    import base64

    from devices import dispatch, isolation
    from devices.registry_cache import device_lookup
    from security.models import AccessZone
    from security.services import access

    AccessZone.objects.create(site=site, code="main", name="主楼", liveness_required=True, liveness_min=0.5)
    device_factory(site=site, kind="gate", device_id="g1")
    calls: Counter[str] = Counter()

    def counted(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            calls[name] += 1
            return fn(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(dispatch, "json_object", counted("json", dispatch.json_object))
    monkeypatch.setattr(dispatch, "device_lookup", counted("device", device_lookup))
    monkeypatch.setattr(access, "zone_of_gate", counted("zone", access.zone_of_gate))
    image = base64.b64encode(b"\xff\xd8 not really a jpeg").decode()
    body = {"id": "f1", "ts": "2026-11-22T01:00:00Z", "type": "face", "data": {"image": image, "liveness": 0.1}}
    message = dispatch.parse(f"so/{site.code}/g1/event", json.dumps(body).encode(), timezone.now())
    prepared = isolation.prepare_now(message)
    outcome = dispatch.handle_message(message, prepared)
    assert (outcome.status, outcome.reply_type) == ("accepted", "access")
    reply = DeviceMessage.objects.get(msg_id="f1").reply
    assert reply is not None and reply["data"]["reason"] == "liveness"
    assert calls == {"json": 1, "device": 1, "zone": 1}


def test_the_dead_function_prepare_is_gone() -> None:
    from devices import dispatch

    assert not hasattr(dispatch, "prepare")
