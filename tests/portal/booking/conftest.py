from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from building.models import Site
from portal.booking.models import Resource
from portal.booking.rules import TZ
from portal.booking.services.resources import resource_ensure
from portal.models import User

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (the exclusion constraint)")


def day_ahead(days: int = 1) -> date:
    return timezone.localdate() + timedelta(days=days)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=TZ)


def api_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def room(site: Site) -> Resource:
    return resource_ensure(
        site=site,
        kind="room",
        code="room-301",
        name="301会议室",
        capacity=12,
        equipment=["投影"],
        opens_at=time(8),
        closes_at=time(21),
    )


@pytest.fixture
def laundry(site: Site) -> Resource:
    return resource_ensure(
        site=site,
        kind="laundry",
        code="washer-1",
        name="1号洗衣机",
        slot_minutes=60,
        opens_at=time(7),
        closes_at=time(23),
        price_fen=300,
    )


@pytest.fixture
def vehicle(site: Site) -> Resource:
    return resource_ensure(
        site=site, kind="vehicle", code="car-1", name="公务车", seats=5, plate="京AD1234", cost_per_km_fen=120, odometer_km=1000
    )


@pytest.fixture
def parking(site: Site) -> Resource:
    return resource_ensure(site=site, kind="visitor_parking", code="visitor-p1", name="访客车位 V1")
