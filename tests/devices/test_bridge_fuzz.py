"""Fuzz the live bridge (issue 9 item 8): poison classes and random bytes through the real broker.

After every fuzzed message: the bridge still answers a ping, the fire alarm another device
published right behind it reaches the database, and at the end every fuzzed message is a dead
letter. CI runs it on both brokers (the embedded one, then Mosquitto via MQTT_URL).
"""

from __future__ import annotations

import json
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devices.models import DeadLetter, DeviceMessage
from devices.protocol import MAX_JSON_DEPTH, MAX_NUMBER_CHARS
from tests.devices import poison
from tests.helpers import eventually

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

_escapes = st.sampled_from(["\\ud800", "\\udbff", "\\udc00", "\\udfff", "\\u0000", "\\ud83d"])
_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
POISON = st.one_of(
    st.sampled_from(sorted(poison.CLASSES)).map(lambda name: poison.CLASSES[name]()),
    st.integers(MAX_JSON_DEPTH + 1, 5_000).map(poison.deep_json),
    st.integers(MAX_JSON_DEPTH + 1, 2_000).map(poison.deep_object),
    st.integers(MAX_NUMBER_CHARS + 1, 6_000).map(poison.huge_int),
    st.tuples(_escapes, st.booleans()).map(
        lambda e: (poison._head() + ('{"' + e[0] + '": 1}}' if e[1] else '{"s": "x' + e[0] + '"}}')).encode()
    ),
    st.binary(max_size=512),  # random bytes
    st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")),
    _json.map(lambda value: json.dumps(value).encode()),  # JSON, but not an envelope
)


def test_fuzzed_messages_never_stop_the_bridge_nor_lose_anyone_elses(bridge, connect_device, site) -> None:
    gate, detector = connect_device(site, "gate"), connect_device(site, "fire_detector")
    fuzzed: list[bytes] = []
    alarms: list[str] = []

    @settings(
        max_examples=60, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(payload=POISON)
    def one(payload: bytes) -> None:
        gate.publish_raw("event", payload)
        alarms.append(detector.send("alarm", {"kind": "smoke"}))  # another device, right behind it
        assert gate.request("ping", timeout=10)["type"] == "pong"  # the bridge answers after every one
        fuzzed.append(payload)

    one()
    detector_id = detector.prefix.rsplit("/", 1)[1]
    eventually(lambda: DeviceMessage.objects.filter(device__device_id=detector_id, msg_id__in=alarms).count() == len(alarms))
    letters = DeadLetter.objects.filter(device__device_id=gate.prefix.rsplit("/", 1)[1])
    assert Counter(bytes(letter.payload) for letter in letters) == Counter(p[: 64 * 1024] for p in fuzzed)
    assert not DeadLetter.objects.filter(device__device_id=detector_id).exists()
