import json
from datetime import timedelta

import pytest

from devices.protocol import ProtocolError, envelope_id_of, parse_envelope, parse_status, parse_topic


def test_topic_is_parsed_into_site_device_channel() -> None:
    address = parse_topic("so/demo/gate-1/event")
    assert (address.site, address.device, address.channel) == ("demo", "gate-1", "event")


@pytest.mark.parametrize(
    "topic",
    ["so/demo/gate-1", "xx/demo/gate-1/event", "so/demo/gate-1/cmd", "so/demo/gate 1/event", "so/demo/a/b/event"],
)
def test_bad_topics_are_refused(topic: str) -> None:
    with pytest.raises(ProtocolError) as info:
        parse_topic(topic)
    assert info.value.reason == "bad_topic"


def test_envelope_round_trip() -> None:
    env = parse_envelope(b'{"id": "m1", "ts": "2026-11-22T09:00:00+08:00", "type": "ping", "data": {}}')
    assert env.id == "m1" and env.type == "ping" and env.ts.utcoffset() == timedelta(hours=8)


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b"{not json", "bad_json"),
        (b"\xff\xfe", "bad_json"),
        (b"[1, 2]", "bad_envelope"),
        (b'{"ts": "2026-11-22T09:00:00+08:00", "type": "ping"}', "bad_envelope"),
        (b'{"id": "m", "ts": "2026-11-22T09:00:00", "type": "ping"}', "bad_envelope"),
        (b'{"id": "m", "ts": "2026-11-22T09:00:00Z", "type": "Ping!"}', "bad_envelope"),
        (b'{"id": "m", "ts": "2026-11-22T09:00:00Z", "type": "ping", "data": []}', "bad_envelope"),
        (json.dumps({"id": "x" * 65, "ts": "2026-11-22T09:00:00Z", "type": "ping"}).encode(), "bad_envelope"),
    ],
)
def test_malformed_envelopes_say_why(payload: bytes, reason: str) -> None:
    with pytest.raises(ProtocolError) as info:
        parse_envelope(payload)
    assert info.value.reason == reason


def test_status_and_best_effort_id() -> None:
    assert parse_status(b'{"state": "offline", "ts": "2026-11-22T09:00:00Z"}').online is False
    with pytest.raises(ProtocolError):
        parse_status(b'{"state": "sleepy"}')
    assert envelope_id_of(b'{"id": "abc", "type": 3}') == "abc"
    assert envelope_id_of(b"nope") is None
