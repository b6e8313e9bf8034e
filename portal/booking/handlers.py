"""MQTT handlers of parcel lockers: adapt the event, call one service, answer."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from devices.models import Device
from devices.protocol import Envelope
from devices.registry import DeviceData, Reply, register
from portal.booking.services.lockers import compartment_door_set, parcel_pickup


class PickupData(DeviceData):
    code: Annotated[str, Field(min_length=1, max_length=12, description="the pickup code typed on the locker")]


class OpenReply(BaseModel):
    compartment: str


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
