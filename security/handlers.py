"""Gate MQTT events (face / card / qr) -> access_decide -> `access` cmd (dispatch adds `re`)."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from devices.models import Device
from devices.protocol import Envelope, ProtocolError
from devices.registry import DeviceData, Reply, register
from security.faces.api import face_analyse
from security.faces.engine import Analysis
from security.services.access import GateCheck, access_decide, gate_check
from security.uploads import DEVICE_IMAGE_FORMATS, image_format_refused

MAX_IMAGE_BYTES = 2_000_000
MAX_CODE_CHARS = 512
Direction = Literal["in", "out"]


class GateFace(DeviceData):
    image: Annotated[str, Field(min_length=1, max_length=MAX_IMAGE_BYTES * 4 // 3 + 4, description="base64 JPEG")]
    direction: Direction = "in"
    liveness: Annotated[float, Field(ge=0, le=1)] | None = None


class GateCode(DeviceData):
    code: Annotated[str, Field(min_length=1, max_length=MAX_CODE_CHARS, pattern=r"\S")]
    direction: Direction = "in"


class PersonRef(BaseModel):
    id: int | str
    name: str


class AccessReply(BaseModel):
    decision: Literal["open", "deny"]
    person: PersonRef | None
    reason: str


def _image(data: GateFace) -> bytes:
    return face_image(data.image)


def face_image(text: str) -> bytes:
    """A device's base64 JPEG (a face event's `data.image`) as bytes; ProtocolError otherwise.
    Also read by parcel lockers' face pickup (portal.booking)."""
    try:
        image = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ProtocolError("bad_data", "data.image: not valid base64") from exc
    refused = image_format_refused(image, DEVICE_IMAGE_FORMATS)
    if refused:
        raise ProtocolError("bad_data", f"data.image: must be a JPEG, not {refused}")
    return image


@dataclass(frozen=True)
class FacePrepared:
    check: GateCheck  # zone and liveness, looked up once: access_decide reuses them
    analysis: Analysis | None


def prepare_face(device: Device, envelope: Envelope) -> FacePrepared:
    """Outside the transaction: the zone and liveness checks, then detection + encoding in the
    process pool (~100 ms of CPU)."""
    data: GateFace = envelope.parsed
    check = gate_check(device, data.liveness)
    if check.zone is None or not check.live:
        return FacePrepared(check, None)  # denied anyway: spend no CPU on it
    return FacePrepared(check, face_analyse(image=_image(data)))


@register(
    channel="event", types=["face"], kinds=["gate"], schema=GateFace, reply=AccessReply, reply_type="access", prepare=prepare_face
)
def gate_face(device: Device, envelope: Envelope) -> Reply:
    data: GateFace = envelope.parsed
    prepared = envelope.prepared if isinstance(envelope.prepared, FacePrepared) else None  # None: prepare did not run
    analysis = prepared.analysis if prepared is not None else None
    needs_image = analysis is None and (prepared is None or (prepared.check.zone is not None and prepared.check.live))
    decision = access_decide(
        device=device,
        method="face",
        direction=data.direction,
        image=_image(data) if needs_image else None,
        analysis=analysis,
        liveness=data.liveness,
        event_id=envelope.id,
        check=prepared.check if prepared is not None else None,
    )
    return Reply("access", decision.reply)


@register(channel="event", types=["card", "qr"], kinds=["gate"], schema=GateCode, reply=AccessReply, reply_type="access")
def gate_code(device: Device, envelope: Envelope) -> Reply:
    data: GateCode = envelope.parsed
    decision = access_decide(
        device=device, method=envelope.type, direction=data.direction, code=data.code.strip(), event_id=envelope.id
    )
    return Reply("access", decision.reply)
