"""The real device path: a device -> broker -> bridge -> dispatch -> DB -> cmd back.

Runs against the embedded amqtt broker, or Mosquitto when MQTT_URL is set (CI's second pass).
"""

from __future__ import annotations

import json
import time
import uuid

import jsonschema
import paho.mqtt.client as mqtt
import pytest
from django.conf import settings

from core.models import AuditLog
from core.registry import device_kinds
from devices.models import Device, DeviceMessage
from devices.mqtt_config import mqtt_endpoint
from devices.schemas import schemas
from tests.helpers import eventually

pytestmark = pytest.mark.django_db(transaction=True)


def rejections(reason: str) -> list[AuditLog]:
    return [row for row in AuditLog.objects.filter(action="devices.message.reject") if row.data["reason"] == reason]


def platform_publish(topic: str, payload: bytes) -> None:
    """Publish with the platform's own credentials (allowed anywhere), as a misbehaving peer would."""
    endpoint = mqtt_endpoint()
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"test-peer-{uuid.uuid4().hex[:6]}")
    client.username_pw_set(endpoint.username, endpoint.password)
    client.connect(endpoint.host, endpoint.port)
    client.loop_start()
    client.publish(topic, payload, qos=1).wait_for_publish(5)
    client.disconnect()
    client.loop_stop()


def test_ping_is_answered_with_pong_on_the_devices_cmd_topic(bridge, connect_device, site) -> None:
    gate = connect_device(site, "gate")
    msg_id = gate.send("ping")
    cmd = gate.wait_command(re=msg_id)
    assert cmd["type"] == "pong" and cmd["data"] == {} and cmd["re"] == msg_id
    jsonschema.validate(cmd, schemas()["cmd pong"], format_checker=jsonschema.FormatChecker())
    assert Device.objects.get(device_id=gate.prefix.split("/")[2]).online is True


def test_every_kind_answers_ping(bridge, connect_device, site) -> None:
    devices = [connect_device(site, kind) for kind in device_kinds()]
    sent = [(d, d.send("ping")) for d in devices]
    for device, msg_id in sent:
        assert device.wait_command(re=msg_id)["type"] == "pong", device.prefix


def test_a_duplicate_id_is_applied_once_and_answered_with_the_original(bridge, connect_device, site) -> None:
    gate = connect_device(site, "gate")
    msg_id = gate.send("ping")
    first = gate.wait_command(re=msg_id)
    gate.send("ping", msg_id=msg_id)
    eventually(lambda: len([c for c in gate.commands if c["re"] == msg_id]) == 2)
    answers = [c for c in gate.commands if c["re"] == msg_id]
    assert answers[1] == first  # the same command, not a second application
    assert DeviceMessage.objects.filter(msg_id=msg_id).count() == 1


def test_malformed_json_gets_an_error_and_the_bridge_keeps_answering(bridge, connect_device, site) -> None:
    gate = connect_device(site, "gate")
    gate.publish_raw("event", b'{"id": "x1", "type": "ping", oops')
    error = gate.wait_command(type="error")
    assert "bad_json" in error["data"]["reason"]
    jsonschema.validate(error, schemas()["cmd error"], format_checker=jsonschema.FormatChecker())
    assert rejections("bad_json")
    assert gate.request("ping")["type"] == "pong"


def test_an_envelope_without_id_or_ts_is_rejected_with_a_reason(bridge, connect_device, site) -> None:
    gate = connect_device(site, "gate")
    gate.publish_raw("event", json.dumps({"id": "no-ts", "type": "ping", "data": {}}))
    error = gate.wait_command(re="no-ts")
    assert error["type"] == "error" and "ts" in error["data"]["reason"]


def test_an_oversize_payload_is_refused_and_the_bridge_keeps_answering(bridge, connect_device, site) -> None:
    gate = connect_device(site, "gate")
    big = json.dumps({"id": "big", "ts": "2026-11-22T09:00:00+08:00", "type": "ping", "data": {"x": "a" * 600_000}})
    assert len(big) > settings.MQTT_MAX_PAYLOAD_BYTES
    gate.publish_raw("event", big)
    error = gate.wait_command(type="error", timeout=10)
    assert "too_large" in error["data"]["reason"]
    assert not DeviceMessage.objects.filter(msg_id="big").exists()
    assert gate.request("ping")["type"] == "pong"


def test_an_unsupported_type_gets_an_error(bridge, connect_device, site) -> None:
    meter = connect_device(site, "camera")
    cmd = meter.request("face", {"image": ""})
    assert cmd["type"] == "error" and "unsupported" in cmd["data"]["reason"]


def test_an_unknown_device_is_dropped_with_an_audit_row(bridge, connect_device, site) -> None:
    gate = connect_device(site, "gate")
    body = json.dumps({"id": "ghost-1", "ts": "2026-11-22T09:00:00+08:00", "type": "ping", "data": {}})
    platform_publish(f"so/{site.code}/ghost/event", body.encode())
    eventually(lambda: rejections("unknown_device"))
    assert not DeviceMessage.objects.filter(msg_id="ghost-1").exists()
    assert gate.request("ping")["type"] == "pong"


def test_a_device_cannot_publish_under_another_devices_prefix(bridge, connect_device, site) -> None:
    if settings.MQTT_URL:
        pytest.skip("the shared Mosquitto is anonymous; ACLs are proven by tests/devices/test_mosquitto_acl.py")
    gate_a = connect_device(site, "gate")
    gate_b = connect_device(site, "gate")
    forged = json.dumps({"id": "forged", "ts": "2026-11-22T09:00:00+08:00", "type": "ping", "data": {}})
    gate_a.publish_raw("", forged, topic=f"{gate_b.prefix}/event")
    assert gate_a.request("ping")["type"] == "pong"  # the bridge is alive and has caught up
    time.sleep(0.3)
    assert not DeviceMessage.objects.filter(msg_id="forged").exists()
    assert not [c for c in gate_b.commands if c.get("re") == "forged"]


def test_last_will_marks_the_device_offline(bridge, connect_device, site) -> None:
    gate = connect_device(site, "gate")
    device_id = gate.prefix.split("/")[2]
    gate.request("ping")
    eventually(lambda: Device.objects.get(device_id=device_id, site=site).online)
    gate.client.loop_stop()
    gate.client._sock_close()  # vanish without DISCONNECT: the broker publishes the will
    eventually(lambda: not Device.objects.get(device_id=device_id, site=site).online, timeout=10)
