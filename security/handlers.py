"""Gate MQTT events (face / card / qr) -> access_decide -> `access` cmd (dispatch adds `re`)."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from devices.models import Device
from devices.protocol import Envelope, ProtocolError
from devices.registry import Reply, register
from security.faces.api import face_analyse
from security.faces.engine import Analysis
from security.services.access import access_decide, zone_of_gate

MAX_IMAGE_BYTES = 2_000_000
MAX_CODE_CHARS = 512


def _direction(data: dict[str, Any]) -> str:
    direction = data.get("direction", "in")
    if direction not in ("in", "out"):
        raise ProtocolError("bad_data", "direction must be 'in' or 'out'")
    return str(direction)


def _liveness(data: dict[str, Any]) -> float | None:
    value = data.get("liveness")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise ProtocolError("bad_data", "liveness must be a number from 0 to 1, or null")
    return float(value)


def _image(envelope: Envelope) -> bytes:
    raw = envelope.data.get("image")
    if not isinstance(raw, str) or not raw:
        raise ProtocolError("bad_data", "image must be a base64 JPEG string")
    if len(raw) > MAX_IMAGE_BYTES * 4 // 3 + 4:
        raise ProtocolError("bad_data", f"image larger than {MAX_IMAGE_BYTES} bytes")
    try:
        return base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ProtocolError("bad_data", "image is not valid base64") from exc


def prepare_face(device: Device, envelope: Envelope) -> Analysis | None:
    """Outside the transaction: detection + encoding in the process pool (~100 ms of CPU)."""
    zone = zone_of_gate(device)
    liveness = _liveness(envelope.data)
    if zone is not None and zone.liveness_required and (liveness is None or liveness < zone.liveness_min):
        return None  # denied for liveness anyway: spend no CPU on it
    return face_analyse(image=_image(envelope))


@register(channel="event", types=["face"], kinds=["gate"], prepare=prepare_face)
def gate_face(device: Device, envelope: Envelope) -> Reply:
    analysis = envelope.prepared if isinstance(envelope.prepared, Analysis) else None
    decision = access_decide(
        device=device,
        method="face",
        direction=_direction(envelope.data),
        image=None if analysis is not None else _image(envelope),
        analysis=analysis,
        liveness=_liveness(envelope.data),
        event_id=envelope.id,
    )
    return Reply("access", decision.reply)


@register(channel="event", types=["card", "qr"], kinds=["gate"])
def gate_code(device: Device, envelope: Envelope) -> Reply:
    code = envelope.data.get("code")
    if not isinstance(code, str) or not code.strip() or len(code) > MAX_CODE_CHARS:
        raise ProtocolError("bad_data", f"code must be a non-empty string of at most {MAX_CODE_CHARS} characters")
    decision = access_decide(
        device=device, method=envelope.type, direction=_direction(envelope.data), code=code.strip(), event_id=envelope.id
    )
    return Reply("access", decision.reply)
