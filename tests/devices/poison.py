"""Poison MQTT payloads (the attack run of issue 9 and their relatives), shared by the bridge
tests and bench/mqtt_fuzz.py. Pure: bytes out, no Django."""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Callable

TS = "2026-11-26T09:00:00+08:00"


def _head(msg_id: str | None = None, type_: str = "ping") -> str:
    """The start of an envelope, up to `"data":`, as text (the rest is the poison)."""
    return f'{{"id": "{msg_id or uuid.uuid4().hex}", "ts": "{TS}", "type": "{type_}", "data": '


def deep_json(depth: int = 100_000) -> bytes:
    """RecursionError in json.loads (issue 9: ~1,000 levels took a batch down)."""
    return (_head() + "[" * depth + "]" * depth + "}").encode()


def deep_object(depth: int = 5_000) -> bytes:
    return (_head() + '{"a": ' * depth + "1" + "}" * depth + "}").encode()


def huge_int(digits: int = 4_301) -> bytes:
    """ValueError (int max str digits) from json.loads."""
    return (_head() + '{"n": ' + "9" * digits + "}}").encode()


def huge_float(digits: int = 5_000) -> bytes:
    return (_head() + '{"x": 1.' + "5" * digits + "e999}}").encode()


def lone_surrogate_id() -> bytes:
    """UnicodeEncodeError at the dedupe insert (issue 9: the id went to the database as is)."""
    return ('{"id": "a\\ud800", "ts": "' + TS + '", "type": "ping", "data": {}}').encode()


def lone_surrogate_key() -> bytes:
    return (_head() + '{"\\udfff": 1}}').encode()


def nul_in_id() -> bytes:
    """PostgreSQL refuses NUL in text (SQLite stores it): a value the database refuses."""
    return ('{"id": "a\\u0000b", "ts": "' + TS + '", "type": "ping", "data": {}}').encode()


def nul_in_key() -> bytes:
    return (_head() + '{"\\u0000": 1}}').encode()


def nan() -> bytes:
    return (_head() + '{"x": NaN}}').encode()


def ts_overflow() -> bytes:
    """Year 10000 once in UTC: OverflowError when the database adapter converts it."""
    return json.dumps({"id": uuid.uuid4().hex, "ts": "9999-12-31T23:59:59-05:00", "type": "ping", "data": {}}).encode()


def not_utf8() -> bytes:
    return b'{"id": "\xed\xa0\x80", "ts": "' + TS.encode() + b'", "type": "ping", "data": {}}'


def wrong_shapes() -> list[bytes]:
    data_not_object = json.dumps({"id": "x", "ts": TS, "type": "ping", "data": []}).encode()
    return [b"", b"null", b"[]", b"1" * 200, b'"x"', b'{"id": 1}', data_not_object]


# The reproductions of issue 9 item 1, each a regression test of its own.
REPRODUCTIONS: dict[str, Callable[[], bytes]] = {
    "deep_json": deep_json,
    "huge_int": huge_int,
    "lone_surrogate": lone_surrogate_id,
}

CLASSES: dict[str, Callable[[], bytes]] = {
    **REPRODUCTIONS,
    "deep_object": deep_object,
    "huge_float": huge_float,
    "lone_surrogate_key": lone_surrogate_key,
    "nul_in_id": nul_in_id,
    "nul_in_key": nul_in_key,
    "nan": nan,
    "ts_overflow": ts_overflow,
    "not_utf8": not_utf8,
}


def random_poison(rng: random.Random) -> bytes:
    """One fuzzed payload: a poison class (varied), a wrong shape, a mutated envelope, or random bytes."""
    pick = rng.randrange(6)
    if pick == 0:
        return rng.choice(list(CLASSES.values()))()
    if pick == 1:
        return deep_json(rng.randrange(33, 3_000)) if rng.random() < 0.5 else huge_int(rng.randrange(101, 6_000))
    if pick == 2:
        return rng.choice(wrong_shapes())
    if pick == 3:  # a valid envelope with bytes flipped
        body = bytearray(json.dumps({"id": uuid.uuid4().hex, "ts": TS, "type": "ping", "data": {}}).encode())
        for _ in range(rng.randrange(1, 4)):
            body[rng.randrange(len(body))] = rng.randrange(256)
        return bytes(body)
    if pick == 4:
        escape = rng.choice(["\\ud800", "\\udbff", "\\udc00", "\\u0000", "\\ud83d"])
        return (_head() + '{"s": "x' + escape + '"}}').encode()
    return rng.randbytes(rng.randrange(0, 300))
