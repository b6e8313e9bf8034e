"""Demo data of the car park: the demo tariff, one car park under the annex with its spaces,
a staff car and an official car."""

from __future__ import annotations

from typing import Any

from building.models import Floor
from building.parking.models import ParkingSpace, Vehicle
from building.parking.services import lot_ensure, space_ensure, tariff_ensure, vehicle_ensure
from core.registry import DemoContext

SPACES = 24
EV_SPACES = ("P01", "P02")
RESERVED = ("P03", "P04")


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
        space_ensure(lot=lot, code=code, floor=floor, kind=kind)
    staff = ctx.users.get("staff")
    if staff is not None:
        vehicle_ensure(site=site, plate="京A10234", kind=Vehicle.Kind.STAFF, owner=staff, label="白色轿车")
        vehicle_ensure(site=site, plate="京AD12345", kind=Vehicle.Kind.STAFF, owner=staff, label="新能源")
    vehicle_ensure(site=site, plate="京A00001", kind=Vehicle.Kind.OFFICIAL, label="公务用车")
    return {"parking": {"lot": lot.code, "spaces": lot.spaces.count(), "tariff": tariff.code}}
