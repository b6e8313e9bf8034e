import contextlib
import json
import random
from datetime import timedelta

import pytest

from devices.protocol import (
    MAX_JSON_DEPTH,
    MAX_NUMBER_CHARS,
    ProtocolError,
    envelope_id_of,
    parse_envelope,
    parse_status,
    parse_topic,
    printable,
)
from tests.devices import poison


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


# Issue 9 item 1: each of these escaped the parser (RecursionError, ValueError, or a string the
# database insert could not encode) and took a whole bridge batch down with it.
@pytest.mark.parametrize("name", sorted(poison.CLASSES))
def test_poison_payloads_are_bad_json_or_bad_envelope_and_nothing_else(name: str) -> None:
    with pytest.raises(ProtocolError) as info:
        parse_envelope(poison.CLASSES[name]())
    assert info.value.reason in ("bad_json", "bad_envelope")
    assert envelope_id_of(poison.CLASSES[name]()) is None or name == "ts_overflow"


@pytest.mark.parametrize(
    "payload",
    [
        poison.deep_object(MAX_JSON_DEPTH - 1),  # the limit itself is allowed (the envelope is a level)
        poison.huge_int(MAX_NUMBER_CHARS),
        b'{"id": "m", "ts": "2026-11-22T09:00:00Z", "type": "ping", "data": {"s": "\\ud83d\\ude00 \\\\ud800 [[[["}}',
    ],
)
def test_the_limits_leave_ordinary_json_alone(payload: bytes) -> None:
    assert parse_envelope(payload).type == "ping"


def test_one_level_more_is_refused() -> None:
    with pytest.raises(ProtocolError, match="nested deeper"):
        parse_envelope(poison.deep_object(MAX_JSON_DEPTH))


def test_random_bytes_only_ever_raise_protocol_errors() -> None:
    rng = random.Random(9)
    for _ in range(2_000):
        with contextlib.suppress(ProtocolError):  # anything else fails the test
            parse_envelope(poison.random_poison(rng))


def test_printable_text_is_storable() -> None:
    assert printable("a\x00b\ud800c", 100) == "a\\x00b\\ud800c"
