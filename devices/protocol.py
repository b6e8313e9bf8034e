"""The MQTT wire format (docs/devices.md), parsed into typed objects at the edge.

Everything here is pure: bytes and strings in, dataclasses or ProtocolError out.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from datetime import datetime
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


def _json_object(payload: bytes) -> dict[str, Any]:
    try:
        body = json.loads(payload.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ProtocolError("bad_json", "payload is not UTF-8") from exc
    except json.JSONDecodeError as exc:
        raise ProtocolError("bad_json", f"payload is not JSON ({exc.msg} at {exc.pos})") from exc
    if not isinstance(body, dict):
        raise ProtocolError("bad_envelope", "payload must be a JSON object")
    return body


def parse_ts(value: Any, field: str = "ts") -> datetime:
    if not isinstance(value, str):
        raise ProtocolError("bad_envelope", f"{field} must be an ISO-8601 string with offset")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ProtocolError("bad_envelope", f"{field} is not ISO-8601: {value!r}") from exc
    if parsed.tzinfo is None:
        raise ProtocolError("bad_envelope", f"{field} needs a UTC offset: {value!r}")
    return parsed


def envelope_id_of(payload: bytes) -> str | None:
    """Best effort: the id of a message we could not parse, so the error can say `re`."""
    try:
        body = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    msg_id = body.get("id") if isinstance(body, dict) else None
    return msg_id if isinstance(msg_id, str) and 0 < len(msg_id) <= MSG_ID_MAX else None


def parse_envelope(payload: bytes) -> Envelope:
    body = _json_object(payload)
    msg_id = body.get("id")
    if not isinstance(msg_id, str) or not 0 < len(msg_id) <= MSG_ID_MAX:
        raise ProtocolError("bad_envelope", f"id must be a string of 1..{MSG_ID_MAX} characters")
    msg_type = body.get("type")
    if not isinstance(msg_type, str) or not TYPE_RE.match(msg_type):
        raise ProtocolError("bad_envelope", "type must be a lower-case identifier")
    data = body.get("data", {})
    if not isinstance(data, dict):
        raise ProtocolError("bad_envelope", "data must be a JSON object")
    return Envelope(id=msg_id, ts=parse_ts(body.get("ts")), type=msg_type, data=data)


def parse_status(payload: bytes) -> Status:
    body = _json_object(payload)
    state = body.get("state")
    if state not in ("online", "offline"):
        raise ProtocolError("bad_status", "state must be 'online' or 'offline'")
    ts = parse_ts(body["ts"]) if "ts" in body else timezone.now()
    return Status(online=state == "online", ts=ts)


def command_body(*, type: str, data: dict[str, Any], re: str | None) -> dict[str, Any]:
    return {
        "id": uuid.uuid4().hex,
        "ts": timezone.localtime().isoformat(timespec="milliseconds"),
        "type": type,
        "re": re,
        "data": data,
    }
