"""MQTT handlers of parcel lockers: adapt the event, call one service, answer."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from devices.models import Device
from devices.protocol import Envelope
from devices.registry import DeviceData, Reply, register
from portal.booking.services.lockers import compartment_door_set, face_liveness_ok, parcel_pickup, parcels_pickup_by_face
from security.faces.api import face_analyse
from security.faces.engine import Analysis
from security.handlers import MAX_IMAGE_BYTES, face_image


class PickupData(DeviceData):
    code: Annotated[str, Field(min_length=1, max_length=12, description="the pickup code typed on the locker")]


class OpenReply(BaseModel):
    compartment: str


class LockerFace(DeviceData):
    """The gates' face event without the direction: the owner's face at the locker."""

    image: Annotated[str, Field(min_length=1, max_length=MAX_IMAGE_BYTES * 4 // 3 + 4, description="base64 JPEG")]
    liveness: Annotated[float, Field(ge=0, le=1)] | None = None


class DoorData(DeviceData):
    compartment: Annotated[str, Field(min_length=1, max_length=10)]
    state: Literal["opened", "closed"]


@register(channel="event", types=["pickup"], kinds=["locker"], schema=PickupData, reply=OpenReply, reply_type="open")
def pickup(device: Device, envelope: Envelope) -> Reply:
    data: PickupData = envelope.parsed
    result = parcel_pickup(locker=device, code=data.code)
    if result.parcel is None:
        return Reply("error", {"reason": result.reason})
    return Reply("open", {"compartment": result.parcel.compartment.code})


@register(channel="event", types=["door"], kinds=["locker"], schema=DoorData)
def door(device: Device, envelope: Envelope) -> None:
    data: DoorData = envelope.parsed
    compartment_door_set(locker=device, compartment=data.compartment, state=data.state)


def prepare_face(device: Device, envelope: Envelope) -> Analysis | None:
    """Outside the transaction: detection and encoding in the face pool (~100 ms of CPU)."""
    data: LockerFace = envelope.parsed
    if not face_liveness_ok(data.liveness):
        return None  # refused anyway: spend no CPU on it
    return face_analyse(image=face_image(data.image))


@register(
    channel="event", types=["face"], kinds=["locker"], schema=LockerFace, reply=OpenReply, reply_type="open", prepare=prepare_face
)
def face(device: Device, envelope: Envelope) -> Reply:
    """Every parcel waiting here for the person opens: the first compartment in this answer, the
    others as `open` cmds of their own; else `error {"reason"}` (the code still works)."""
    data: LockerFace = envelope.parsed
    analysis = envelope.prepared if isinstance(envelope.prepared, Analysis) else None
    image = face_image(data.image) if analysis is None and face_liveness_ok(data.liveness) else b""
    result = parcels_pickup_by_face(locker=device, image=image, analysis=analysis, liveness=data.liveness)
    if not result.parcels:
        return Reply("error", {"reason": result.reason})
    return Reply("open", {"compartment": result.parcels[0].compartment.code})
