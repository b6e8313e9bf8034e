"""No double booking under real concurrency: 20 clients, separate connections, one slot.

Runs on SQLite (serialized write path) and on PostgreSQL (the exclusion constraint decides)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import IntegrityError, connections, transaction
from django.test import Client

from building.models import Site
from portal.booking.models import Booking, Resource
from portal.models import User
from tests.factories import UserFactory
from tests.helpers import session_for
from tests.portal.booking.conftest import at, day_ahead, postgres_only

pytestmark = pytest.mark.django_db(transaction=True)
N = 20


def test_twenty_concurrent_requests_for_one_slot_give_one_201_and_nineteen_409s(site: Site, room: Resource) -> None:
    users: list[User] = [UserFactory(site=site, roles=["staff"]) for _ in range(N)]  # type: ignore[misc]
    sessions = [session_for(u) for u in users]
    day = day_ahead(4)
    body = {"resource": room.pk, "start": at(day, 9).isoformat(), "end": at(day, 10).isoformat(), "title": "抢会议室"}
    barrier = threading.Barrier(N)

    def one(i: int) -> tuple[int, str]:
        client = Client()
        client.cookies["sessionid"] = sessions[i]
        try:
            barrier.wait()
            response = client.post("/api/booking/bookings/", body, content_type="application/json")
            return response.status_code, response.json().get("detail", "")
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=N) as pool:
        results = list(pool.map(one, range(N)))
    codes = sorted(code for code, _ in results)
    assert codes == [201] + [409] * (N - 1), results
    assert all("09:00–10:00" in detail for code, detail in results if code == 409)
    assert Booking.objects.filter(resource=room, status="confirmed").count() == 1


@postgres_only
def test_the_database_itself_refuses_an_overlap_the_service_never_saw(li_ming: User, room: Resource) -> None:
    day = day_ahead(4)
    Booking.objects.create(site=room.site, resource=room, user=li_ming, title="a", start=at(day, 9), end=at(day, 10))
    Booking.objects.create(site=room.site, resource=room, user=li_ming, title="adjacent", start=at(day, 10), end=at(day, 11))
    Booking.objects.create(
        site=room.site, resource=room, user=li_ming, title="cancelled", start=at(day, 9), end=at(day, 10), status="cancelled"
    )
    with pytest.raises(IntegrityError, match="booking_no_overlap"), transaction.atomic():
        Booking.objects.create(site=room.site, resource=room, user=li_ming, title="b", start=at(day, 9, 30), end=at(day, 10, 30))


def test_the_quota_holds_under_concurrent_requests_for_different_machines(site: Site, li_ming: User) -> None:
    from datetime import time

    from portal.booking.services import BookingError, booking_create
    from portal.booking.services.resources import resource_ensure
    from tests.canteen.conftest import fund

    fund(li_ming, 10_000)
    machines = [
        resource_ensure(
            site=site,
            kind="laundry",
            code=f"w{i}",
            name=f"{i}号",
            slot_minutes=60,
            opens_at=time(7),
            closes_at=time(23),
            price_fen=300,
        )
        for i in range(6)
    ]
    day = day_ahead(2)
    barrier = threading.Barrier(len(machines))

    def one(i: int) -> str:
        try:
            barrier.wait()
            booking_create(user=li_ming, resource=machines[i], start=at(day, 8), end=at(day, 9), title="洗衣")
            return "ok"
        except BookingError as error:
            return error.reason
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(machines)) as pool:
        results = list(pool.map(one, range(len(machines))))
    assert sorted(results) == ["ok", "ok"] + ["quota"] * (len(machines) - 2), results
    assert Booking.objects.filter(user=li_ming, status="confirmed").count() == 2
