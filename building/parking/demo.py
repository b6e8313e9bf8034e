"""Demo data of the car park: the demo tariff, one car park under the annex with its spaces, a
sensor on each space with a first reading (free / occupied, not unknown), a staff car and an
official car. `manage.py simulate` keeps the sensors alive (heartbeats) and parks / leaves cars."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from building.models import Floor
from building.parking.models import ParkingSpace, Vehicle
from building.parking.services import lot_ensure, space_ensure, space_occupancy_set, tariff_ensure, vehicle_ensure
from core.registry import DemoContext
from devices.models import Device
from devices.services import device_demo_ensure, device_seen

SPACES = 24
EV_SPACES = ("P01", "P02")
RESERVED = ("P03", "P04")
# Battery space sensors (geomagnetic, NB-IoT) report a change at once and otherwise every half hour:
# a sensor is believed for 3 intervals (90 min) after it was last heard, then its space is unknown.
SENSOR_HEARTBEAT_S = 1800


def _first_reading(sensor: Device, n: int, at: Any) -> None:
    """The reading a sensor sends when it is installed: about two thirds of the spaces taken."""
    with transaction.atomic():
        device_seen(device=sensor, at=at)
        space_occupancy_set(sensor=sensor, occupied=n % 3 != 0, at=at)


def demo_ensure(ctx: DemoContext) -> dict[str, Any]:
    site = ctx.site
    tariff = tariff_ensure(site=site, code="demo", name="演示收费标准")  # 30 min free, ¥5/started hour, ¥40/24 h
    lot = lot_ensure(site=site, code="p1", name="地下停车场", tariff=tariff)
    floor = Floor.objects.filter(site=site, building__code="b", level=-1).first()
    for n in range(1, SPACES + 1):
        code = f"P{n:02d}"
        kind = (
            ParkingSpace.Kind.EV
            if code in EV_SPACES
            else ParkingSpace.Kind.RESERVED
            if code in RESERVED
            else ParkingSpace.Kind.NORMAL
        )
        sensor = device_demo_ensure(site=site, kind="space_sensor", device_id=f"ps-p1-{n:02d}", name=f"车位传感器 {code}")
        if sensor.heartbeat_interval_s != SENSOR_HEARTBEAT_S:
            Device.objects.filter(pk=sensor.pk).update(heartbeat_interval_s=SENSOR_HEARTBEAT_S)
            sensor.heartbeat_interval_s = SENSOR_HEARTBEAT_S
        space = space_ensure(lot=lot, code=code, floor=floor, kind=kind, sensor=sensor)
        if space.sensed_at is None:  # once: a later seed never overwrites what sensors said since
            _first_reading(sensor, n, ctx.now)
    staff = ctx.users.get("staff")
    if staff is not None:
        vehicle_ensure(site=site, plate="京A10234", kind=Vehicle.Kind.STAFF, owner=staff, label="白色轿车")
        vehicle_ensure(site=site, plate="京AD12345", kind=Vehicle.Kind.STAFF, owner=staff, label="新能源")
    vehicle_ensure(site=site, plate="京A00001", kind=Vehicle.Kind.OFFICIAL, label="公务用车")
    return {"parking": {"lot": lot.code, "spaces": lot.spaces.count(), "tariff": tariff.code}}
