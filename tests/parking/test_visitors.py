"""Visitor parking through the real booking engine (portal.booking, branch `booking`): skipped
until it is merged. Until then tests/parking/test_barrier_mqtt.py covers the barrier's side
through the same seam (visitors.visitor_booking_for) answered from a dict."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from building.models import Site
from building.parking.models import Lot, ParkingSession
from devices.simulator import SimDevice
from portal.models import User
from tests.parking.conftest import read

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def visitor_parking(site: Site) -> Any:
    from portal.booking.models import Resource

    return Resource.objects.create(site=site, kind="visitor_parking", code="visitor-1", name="访客车位1")


def test_visitor_pass_api_then_the_car_opens_in_its_window_only(
    camera: SimDevice, li_ming: User, lot: Lot, visitor_parking: Any
) -> None:
    client = Client()
    client.force_login(li_ming)
    now = timezone.now()
    body = {
        "plate": "沪c·12345",
        "start": (now - timedelta(minutes=5)).isoformat(),
        "end": (now + timedelta(hours=2)).isoformat(),
    }
    created = client.post("/api/parking/visitor-passes/", body, content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["plate"] == "沪C12345"
    assert read(camera, "沪C12345", at=now - timedelta(minutes=10))["action"] == "hold"  # before the window
    assert read(camera, "沪C12345", at=now)["reason"] == "visitor"
    session = ParkingSession.objects.get(plate="沪C12345")
    assert session.payer == li_ming and session.booking_id == created.json()["booking"]


def test_visitor_pass_refuses_an_impossible_plate(li_ming: User, visitor_parking: Any) -> None:
    client = Client()
    client.force_login(li_ming)
    now = timezone.now()
    body = {"plate": "沪C1234O", "start": now.isoformat(), "end": (now + timedelta(hours=1)).isoformat()}
    answer = client.post("/api/parking/visitor-passes/", body, content_type="application/json")
    assert answer.status_code == 400 and answer.json()["reason"] == "i_or_o"


def test_invite_from_the_parking_page(li_ming: User, lot: Lot, visitor_parking: Any) -> None:
    client = Client()
    client.force_login(li_ming)
    start = timezone.localtime() + timedelta(hours=1)
    form = {
        "plate": "沪C12345",
        "start": start.strftime("%Y-%m-%dT%H:%M"),
        "end": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
    }
    page = client.post("/parking/visitors/", form, follow=True).content.decode()
    assert "沪C12345" in page
    from building.parking.visitors import visitor_booking_for

    assert visitor_booking_for(site=lot.site, plate="沪C12345", at=start + timedelta(minutes=30)) is not None
