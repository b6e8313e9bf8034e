"""MQTT of the car park: plate cameras -> `barrier`, space sensors' occupancy, EV chargers -> `charge`."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from building.parking.barrier import passage_record
from building.parking.charging import ChargeResult, charge_reading, charge_start, charge_stop
from building.parking.services import space_occupancy_set
from devices.models import Device
from devices.protocol import Envelope
from devices.registry import DeviceData, Reply, register

Kwh = Annotated[float, Field(ge=0, le=10_000_000, allow_inf_nan=False, description="the charger's cumulative meter, kWh")]


class PlateRead(DeviceData):
    plate: Annotated[str, Field(min_length=1, max_length=40, description="as read; normalised here (GA 36-2018)")]
    confidence: Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
    direction: Literal["in", "out"]
    image: Annotated[str, Field(max_length=3_000_000, description="optional base64 JPEG; not kept")] | None = None


class BarrierReply(BaseModel):
    action: Literal["open", "hold"]
    fee_fen: int
    plate: str
    reason: str
    pay_url: str | None = Field(None, description="held for a fee: where the driver pays (the display shows it as a QR code)")


class Occupancy(DeviceData):
    occupied: bool


class ChargeStart(DeviceData):
    card: Annotated[str, Field(min_length=1, max_length=32, description="staff card (employee number)")] | None = None
    qr: Annotated[str, Field(min_length=1, max_length=100, description="the person's wallet pay code")] | None = None
    meter_kwh: Kwh


class MeterReading(DeviceData):
    meter_kwh: Kwh


class ChargeReply(BaseModel):
    action: Literal["start", "refuse", "stopped"]
    session: int | None
    energy_kwh: float
    fee_fen: int
    reason: str


@register(channel="event", types=["plate"], kinds=["plate_camera"], schema=PlateRead, reply=BarrierReply, reply_type="barrier")
def plate(device: Device, envelope: Envelope) -> Reply:
    data: PlateRead = envelope.parsed
    answer = passage_record(
        camera=device, raw=data.plate, confidence=data.confidence, direction=data.direction, event_id=envelope.id, at=envelope.ts
    )
    return Reply("barrier", answer)


@register(channel="telemetry", types=["occupancy"], kinds=["space_sensor"], schema=Occupancy)
def occupancy(device: Device, envelope: Envelope) -> None:
    space_occupancy_set(sensor=device, occupied=envelope.parsed.occupied, at=envelope.ts)


def _reply(result: ChargeResult) -> Reply:
    return Reply("charge", result.as_reply())


@register(
    channel="event", types=["charge_start"], kinds=["ev_charger"], schema=ChargeStart, reply=ChargeReply, reply_type="charge"
)
def start(device: Device, envelope: Envelope) -> Reply:
    data: ChargeStart = envelope.parsed
    return _reply(charge_start(charger=device, card=data.card, qr=data.qr, meter_kwh=data.meter_kwh, at=envelope.ts))


@register(
    channel="event", types=["charge_stop"], kinds=["ev_charger"], schema=MeterReading, reply=ChargeReply, reply_type="charge"
)
def stop(device: Device, envelope: Envelope) -> Reply:
    return _reply(charge_stop(charger=device, meter_kwh=envelope.parsed.meter_kwh, at=envelope.ts))


@register(channel="telemetry", types=["meter"], kinds=["ev_charger"], schema=MeterReading)
def meter(device: Device, envelope: Envelope) -> None:
    charge_reading(charger=device, meter_kwh=envelope.parsed.meter_kwh, at=envelope.ts)
