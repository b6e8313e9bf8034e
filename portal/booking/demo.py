"""Demo data: resources of every kind, a vehicle office approver, category managers, a locker, a few bookings."""

from __future__ import annotations

import contextlib
from datetime import datetime, time, timedelta
from typing import Any

from building.models import Space
from core.registry import DemoContext
from core.roles import STAFF
from devices.models import Device
from devices.services import device_create
from portal.booking.errors import BookingError
from portal.booking.models import Booking, Resource
from portal.booking.models.bookings import Stage
from portal.booking.rules import TZ
from portal.booking.services import booking_create_in_transaction
from portal.booking.services.lockers import compartments_ensure
from portal.booking.services.resources import approver_ensure, office_categories_set, resource_ensure
from portal.models import Department
from portal.services import user_ensure

ROOMS = [
    ("room-301", "301会议室", 12, ["投影", "视频会议"]),
    ("room-502", "502会议室", 20, ["投影"]),
    ("room-101", "101洽谈室", 6, []),
]
# Category managers besides the site manager (role `manager`, every category) and the guard (role
# `security`, the front desk): (username, family, given, employee no, categories).
OFFICE_PEOPLE = [
    ("rooms_office", "吴", "会务", "R0001", ["rooms"]),
    ("laundry_office", "郑", "后勤", "L0001", ["laundry"]),
    ("front_desk", "孙", "前台", "F0001", ["lockers"]),
]
VEHICLES = [("car-1", "公务车 京A·D1234", 5, "京AD1234"), ("van-1", "商务车 京A·D5678", 7, "京AD5678")]


def demo_ensure(ctx: DemoContext) -> dict[str, Any]:
    site = ctx.site
    affairs = Department.objects.filter(site=site, code="affairs").first()
    office = user_ensure(
        username="vehicle_office",
        password=ctx.password,
        site=site,
        roles=[STAFF],
        last_name="周",
        first_name="车管",
        employee_no="V0001",
        department=affairs,
    )
    ctx.users["vehicle_office"] = office
    approver_ensure(user=office, role=Stage.VEHICLE_OFFICE)
    office_categories_set(user=office, categories=["vehicles"], actor="seed")
    for username, family, given, employee_no, categories in OFFICE_PEOPLE:
        person = user_ensure(
            username=username,
            password=ctx.password,
            site=site,
            roles=[STAFF],
            last_name=family,
            first_name=given,
            employee_no=employee_no,
            department=affairs,
        )
        office_categories_set(user=person, categories=categories, actor="seed")
        ctx.users[username] = person
    bureau = Department.objects.filter(site=site, code="bureau").first()
    if "manager" in ctx.users and bureau is not None:
        approver_ensure(user=ctx.users["manager"], role=Stage.DEPARTMENT_HEAD, department=bureau)

    spaces = list(Space.objects.filter(site=site, kind="meeting_room").order_by("code"))
    rooms = [
        resource_ensure(
            site=site,
            kind="room",
            code=code,
            name=name,
            capacity=cap,
            equipment=equipment,
            opens_at=time(8),
            closes_at=time(21),
            space=spaces[i] if i < len(spaces) else None,
        )
        for i, (code, name, cap, equipment) in enumerate(ROOMS)
    ]
    for code, name, seats, plate in VEHICLES:
        resource_ensure(site=site, kind="vehicle", code=code, name=name, seats=seats, plate=plate, cost_per_km_fen=120)
    for n in (1, 2):
        resource_ensure(
            site=site,
            kind="laundry",
            code=f"washer-{n}",
            name=f"{n}号洗衣机",
            slot_minutes=60,
            opens_at=time(7),
            closes_at=time(23),
            price_fen=300,
        )
        resource_ensure(
            site=site,
            kind="car_wash",
            code=f"wash-bay-{n}",
            name=f"{n}号洗车位",
            slot_minutes=30,
            opens_at=time(8),
            closes_at=time(20),
            price_fen=1500,
        )
    for n in (1, 2, 3):
        resource_ensure(site=site, kind="visitor_parking", code=f"visitor-p{n}", name=f"访客车位 V{n}")

    locker = Device.objects.filter(site=site, device_id="locker-1").first()
    if locker is None:
        locker = device_create(site=site, kind="locker", device_id="locker-1", name="主楼快递柜").device
    compartments_ensure(locker=locker, codes=[f"A{n:02d}" for n in range(1, 13)])

    staff = ctx.users.get("staff")
    if staff is not None and not Booking.objects.filter(user=staff).exists():
        tomorrow = (ctx.now.astimezone(TZ) + timedelta(days=1)).date()
        at = datetime.combine(tomorrow, time(10), tzinfo=TZ)
        vehicle = Resource.objects.get(site=site, code="car-1")
        for resource, start, end, title in [
            (rooms[0], at, at + timedelta(hours=1), "周例会"),
            (rooms[1], at + timedelta(hours=4), at + timedelta(hours=5), "项目评审"),
            (vehicle, at, at + timedelta(hours=6), "赴市政府开会"),
        ]:
            with contextlib.suppress(BookingError):  # already taken by an earlier run
                booking_create_in_transaction(user=staff, resource=resource, start=start, end=end, title=title, at=ctx.now)
    return {"booking_resources": Resource.objects.filter(site=site).count(), "lockers": [locker.device_id]}
