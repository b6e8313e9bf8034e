"""Recycling bin MQTT messages: `drop` events (answered with `points`) and `fill` telemetry."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Any

from pydantic import BaseModel, Field, model_validator

from building.recycling.categories import Category
from building.recycling.identify import face_prepare
from building.recycling.services.bins import bin_fill_report
from building.recycling.services.drops import DropInput, drop_record
from devices.models import Device
from devices.protocol import Envelope, ProtocolError
from devices.registry import DeviceData, Reply, register

MAX_IMAGE_CHARS = 2_700_000  # base64 of a 2 MB JPEG
Code = Annotated[str, Field(min_length=1, max_length=512, pattern=r"\S")]


class DropUser(DeviceData):
    """Exactly one way the person showed who they are (the gates' face / card / QR path)."""

    face: Annotated[str, Field(min_length=1, max_length=MAX_IMAGE_CHARS, description="base64 JPEG")] | None = None
    card: Code | None = None
    qr: Code | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> DropUser:
        if sum(v is not None for v in (self.face, self.card, self.qr)) != 1:
            raise ValueError("give exactly one of face, card, qr")
        return self

    @property
    def method(self) -> str:
        return "face" if self.face is not None else ("card" if self.card is not None else "qr")


class DropData(DeviceData):
    user: DropUser
    category: Annotated[Category, Field(description="GB/T 19095-2019")]
    weight_g: Annotated[int, Field(ge=0, le=1_000_000, description="grams on the scale")]
    confidence: Annotated[float, Field(ge=0, le=1, description="the bin's category recognition")] | None = None
    image: Annotated[str, Field(max_length=MAX_IMAGE_CHARS, description="base64 JPEG of the drop (not kept)")] | None = None


class PointsReply(BaseModel):
    awarded: int
    total: int
    reason: str


class FillData(DeviceData):
    percent: Annotated[float, Field(ge=0, le=100)]


def _face(data: DropData) -> bytes:
    try:
        return base64.b64decode(data.user.face or "", validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ProtocolError("bad_data", "data.user.face: not valid base64") from exc


def prepare_drop(device: Device, envelope: Envelope) -> Any:
    """Face drops: recognition before the message's transaction (no row lock held meanwhile)."""
    data: DropData = envelope.parsed
    if data.user.face is None:
        return None
    return face_prepare(image=_face(data))


@register(
    channel="event",
    types=["drop"],
    kinds=["recycling_bin"],
    schema=DropData,
    reply=PointsReply,
    reply_type="points",
    prepare=prepare_drop,
)
def drop(device: Device, envelope: Envelope) -> Reply:
    data: DropData = envelope.parsed
    method = data.user.method
    analysis = envelope.prepared
    if method == "face" and analysis is None:  # prepare did not run (a replayed batch): do it here
        analysis = face_prepare(image=_face(data))
    entry = DropInput(
        event_id=envelope.id,
        method=method,
        category=data.category,
        weight_g=data.weight_g,
        at=envelope.ts,
        confidence=data.confidence,
        code=(data.user.card or data.user.qr or "").strip(),
        analysis=analysis,
    )
    return Reply("points", drop_record(device=device, drop=entry).as_reply())


@register(channel="telemetry", types=["fill"], kinds=["recycling_bin"], schema=FillData)
def fill(device: Device, envelope: Envelope) -> None:
    data: FillData = envelope.parsed
    bin_fill_report(device=device, percent=data.percent, at=envelope.ts)
