"""The MQTT wire format (docs/devices.md), parsed into typed objects at the edge.

Everything here is pure: bytes and strings in, dataclasses or ProtocolError out.
"""

from __future__ import annotations

import json
import math
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.utils import timezone

TOPIC_ROOT = "so"
INBOUND_CHANNELS = ("event", "telemetry", "status")
CMD_CHANNEL = "cmd"
SEGMENT_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
MSG_ID_MAX = 64
TYPE_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


class ProtocolError(ValueError):
    """Input that breaks the protocol; `reason` is a short code, the message says more."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail

    @property
    def text(self) -> str:
        return str(self)


@dataclass(frozen=True)
class TopicAddress:
    site: str
    device: str
    channel: str


@dataclass(frozen=True)
class Envelope:
    """event / telemetry body: {"id", "ts", "type", "data"}."""

    id: str
    ts: datetime
    type: str
    data: dict[str, Any]
    parsed: Any = None  # `data` validated by the route's schema (devices.registry), before the handler runs
    prepared: Any = None  # the handler's own preparer result (devices.registry.Preparer)


@dataclass(frozen=True)
class Status:
    online: bool
    ts: datetime


def parse_topic(topic: str) -> TopicAddress:
    parts = topic.split("/")
    if len(parts) != 4 or parts[0] != TOPIC_ROOT:
        raise ProtocolError("bad_topic", f"expected so/<site>/<device>/<channel>, got {topic!r}")
    _, site, device, channel = parts
    if not SEGMENT_RE.match(site) or not SEGMENT_RE.match(device):
        raise ProtocolError("bad_topic", f"site and device must match {SEGMENT_RE.pattern}")
    if channel not in INBOUND_CHANNELS:
        raise ProtocolError("bad_topic", f"channel must be one of {', '.join(INBOUND_CHANNELS)}")
    return TopicAddress(site=site, device=device, channel=channel)


def cmd_topic(site: str, device: str) -> str:
    return f"{TOPIC_ROOT}/{site}/{device}/{CMD_CHANNEL}"


# Limits checked before anything else looks at a payload (issue 9: a 1,000-deep array raised
# RecursionError in json.loads, a 4,300-digit integer ValueError, and a "\ud800" string broke
# the database insert; each escaped the parser and took a whole batch down with it).
MAX_JSON_DEPTH = 32
MAX_NUMBER_CHARS = 100
_STRUCTURAL = re.compile(r'[][{}"\\]')
_BAD_CHARS = re.compile("[\x00\ud800-\udfff]")  # NUL and lone surrogates: no database stores them


def _depth_check(text: str) -> None:
    """O(n) and iterative: json.loads recurses once per level, so the depth is checked first."""
    depth, in_string, skip = 0, False, -1
    for match in _STRUCTURAL.finditer(text):
        at = match.start()
        if at == skip:  # the character after a backslash inside a string
            continue
        char = text[at]
        if in_string:
            if char == "\\":
                skip = at + 1
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                raise ProtocolError("bad_json", f"nested deeper than {MAX_JSON_DEPTH} levels")
        elif char in "]}":
            depth -= 1


def _int(literal: str) -> int:
    if len(literal) > MAX_NUMBER_CHARS:
        raise ProtocolError("bad_json", f"a number longer than {MAX_NUMBER_CHARS} characters")
    return int(literal)


def _float(literal: str) -> float:
    if len(literal) > MAX_NUMBER_CHARS:
        raise ProtocolError("bad_json", f"a number longer than {MAX_NUMBER_CHARS} characters")
    value = float(literal)
    if math.isinf(value):  # 1e999: JSON has no infinity, and neither do our columns
        raise ProtocolError("bad_json", "a number out of range")
    return value


def _constant(name: str) -> Any:
    raise ProtocolError("bad_json", f"{name} is not JSON")


def _strings_check(body: Any) -> None:
    """Every key and string value, without recursion (the depth is bounded, but a wide object is not)."""
    stack = [body]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _BAD_CHARS.search(item):
                raise ProtocolError("bad_json", "a string holds a NUL or an unpaired surrogate")
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def json_parse(payload: bytes) -> Any:
    """json.loads within limits; any problem is ProtocolError("bad_json"), never anything else."""
    try:
        text = payload.decode("utf-8")  # refuses encoded surrogates too
    except UnicodeDecodeError as exc:
        raise ProtocolError("bad_json", "payload is not UTF-8") from exc
    _depth_check(text)
    try:
        body = json.loads(text, parse_int=_int, parse_float=_float, parse_constant=_constant)
    except json.JSONDecodeError as exc:
        raise ProtocolError("bad_json", f"payload is not JSON ({exc.msg} at {exc.pos})") from exc
    except ProtocolError:
        raise
    except (ValueError, RecursionError, MemoryError) as exc:  # belt and braces: the checks above should catch these
        raise ProtocolError("bad_json", exc.__class__.__name__) from exc
    if "\\u" in text:  # only an escape can produce NUL or a lone surrogate (raw ones are refused above)
        _strings_check(body)
    return body


def json_object(payload: bytes) -> dict[str, Any]:
    body = json_parse(payload)
    if not isinstance(body, dict):
        raise ProtocolError("bad_envelope", "payload must be a JSON object")
    return body


def parse_ts(value: Any, field: str = "ts") -> datetime:
    if not isinstance(value, str):
        raise ProtocolError("bad_envelope", f"{field} must be an ISO-8601 string with offset")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ProtocolError("bad_envelope", f"{field} is not ISO-8601: {value[:40]!r}") from exc
    if parsed.tzinfo is None:
        raise ProtocolError("bad_envelope", f"{field} needs a UTC offset: {value[:40]!r}")
    try:  # 9999-12-31T23:00-05:00 is year 10000 in UTC: the database insert would raise OverflowError
        parsed.astimezone(UTC)
    except OverflowError as exc:
        raise ProtocolError("bad_envelope", f"{field} is out of range: {value[:40]!r}") from exc
    return parsed


def id_in(body: dict[str, Any]) -> str | None:
    msg_id = body.get("id")
    return msg_id if isinstance(msg_id, str) and 0 < len(msg_id) <= MSG_ID_MAX else None


def envelope_id_of(payload: bytes) -> str | None:
    """Best effort: the id of a message we could not parse, so the error can say `re`."""
    try:
        body = json_parse(payload)
    except ProtocolError:
        return None
    return id_in(body) if isinstance(body, dict) else None


def envelope_of(body: dict[str, Any]) -> Envelope:
    """An already parsed JSON object (json_object) as an envelope."""
    msg_id = id_in(body)
    if msg_id is None:
        raise ProtocolError("bad_envelope", f"id must be a string of 1..{MSG_ID_MAX} characters")
    msg_type = body.get("type")
    if not isinstance(msg_type, str) or not TYPE_RE.match(msg_type):
        raise ProtocolError("bad_envelope", "type must be a lower-case identifier")
    data = body.get("data", {})
    if not isinstance(data, dict):
        raise ProtocolError("bad_envelope", "data must be a JSON object")
    return Envelope(id=msg_id, ts=parse_ts(body.get("ts")), type=msg_type, data=data)


def status_of(body: dict[str, Any]) -> Status:
    state = body.get("state")
    if state not in ("online", "offline"):
        raise ProtocolError("bad_status", "state must be 'online' or 'offline'")
    ts = parse_ts(body["ts"]) if "ts" in body else timezone.now()
    return Status(online=state == "online", ts=ts)


def parse_envelope(payload: bytes) -> Envelope:
    return envelope_of(json_object(payload))


def parse_status(payload: bytes) -> Status:
    return status_of(json_object(payload))


def printable(text: str, limit: int) -> str:
    """Text any database and JSON column takes: NULs and lone surrogates escaped, then cut."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8").replace("\x00", "\\x00")[:limit]


def command_body(*, type: str, data: dict[str, Any], re: str | None) -> dict[str, Any]:
    return {
        "id": uuid.uuid4().hex,
        "ts": timezone.localtime().isoformat(timespec="milliseconds"),
        "type": type,
        "re": re,
        "data": data,
    }
