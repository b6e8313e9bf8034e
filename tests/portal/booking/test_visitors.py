"""Visitor invitations: a QR pass that opens the gate, a parking booking for the plate, the host told on arrival."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from building.models import Site
from portal.booking.models import Invitation, Resource
from portal.booking.selectors import visitor_parking_booking_for_plate
from portal.booking.services import BookingError, booking_create
from portal.booking.services.visitors import invitation_create
from portal.models import User
from security.models import VisitorPass
from security.services import access_zone_ensure
from security.services.access import access_decide
from tests.factories import device_factory
from tests.portal.booking.conftest import api_for

pytestmark = pytest.mark.django_db


def test_an_invited_visitor_with_a_plate_gets_a_pass_and_parking_and_the_host_hears_of_the_arrival(
    site: Site, li_ming: User, parking: Resource, django_capture_on_commit_callbacks: Any
) -> None:
    access_zone_ensure(site=site, code="main", name="主楼", open_to_all_staff=True)
    gate = device_factory(site=site, kind="gate").device
    start = timezone.now() + timedelta(minutes=5)
    response = api_for(li_ming).post(
        "/api/booking/invitations/",
        {
            "visitor_name": "王先生",
            "visitor_phone": "13800138000",
            "start": start.isoformat(),
            "end": (start + timedelta(hours=3)).isoformat(),
            "plate": "京A·12345",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    invitation = Invitation.objects.get(pk=response.json()["invitation"]["id"])
    assert invitation.parking is not None and invitation.parking.plate == "京A12345"
    found = visitor_parking_booking_for_plate(site=site, plate="京a 12345", at=start + timedelta(hours=1))
    assert found is not None and found.pk == invitation.parking.pk
    assert visitor_parking_booking_for_plate(site=site, plate="京A12345", at=start + timedelta(hours=3)) is None  # half-open

    with django_capture_on_commit_callbacks(execute=True):
        decision = access_decide(device=gate, method="qr", code=response.json()["qr"], at=start + timedelta(minutes=10))
    assert decision.reply["decision"] == "open"
    invitation.refresh_from_db()
    assert invitation.arrived_at is not None
    assert li_ming.notifications.filter(kind="booking.visitor_arrived", title__contains="王先生").count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        access_decide(device=gate, method="qr", code=response.json()["qr"], at=start + timedelta(minutes=20))
    assert li_ming.notifications.filter(kind="booking.visitor_arrived").count() == 1  # once per visit


def test_no_free_visitor_parking_refuses_the_whole_invitation(
    site: Site, li_ming: User, zhang_li: User, parking: Resource
) -> None:
    access_zone_ensure(site=site, code="main", name="主楼", open_to_all_staff=True)
    start = timezone.now() + timedelta(hours=1)
    booking_create(user=zhang_li, resource=parking, start=start, end=start + timedelta(hours=2), title="x", plate="沪B00001")
    with pytest.raises(BookingError) as refused:
        invitation_create(
            host=li_ming,
            visitor_name="赵女士",
            visitor_phone="13900139000",
            start=start,
            end=start + timedelta(hours=1),
            plate="京B99999",
        )
    assert refused.value.reason == "conflict"
    assert not Invitation.objects.exists()
    assert not VisitorPass.objects.exists()  # one transaction: no pass left behind at all


def test_the_parking_interface_books_visitor_parking_with_a_plate(site: Site, li_ming: User, parking: Resource) -> None:
    start = timezone.now() + timedelta(hours=1)
    booking = booking_create(
        user=li_ming, resource=parking, start=start, end=start + timedelta(hours=4), title="来访", plate="京C12345"
    )
    assert booking.status == "confirmed" and booking.plate == "京C12345"
    with pytest.raises(BookingError) as clash:
        booking_create(
            user=li_ming,
            resource=parking,
            start=start + timedelta(hours=1),
            end=start + timedelta(hours=2),
            title="x",
            plate="京D1",
        )
    assert clash.value.reason == "conflict"


@pytest.mark.django_db(transaction=True)
def test_the_nested_variant_refuses_to_run_alone(site: Site, li_ming: User, parking: Resource) -> None:
    from portal.booking.services import booking_create_in_transaction

    start = timezone.now() + timedelta(hours=1)
    with pytest.raises(RuntimeError):
        booking_create_in_transaction(user=li_ming, resource=parking, start=start, end=start + timedelta(hours=1), title="x")


def test_securitys_bounds_on_passes_come_back_as_sentences(site: Site, li_ming: User) -> None:
    access_zone_ensure(site=site, code="main", name="主楼", open_to_all_staff=True)
    start = timezone.now() + timedelta(hours=1)
    body = {
        "visitor_name": "王先生",
        "visitor_phone": "13800138000",
        "start": start.isoformat(),
        "end": (start + timedelta(hours=30)).isoformat(),
    }
    response = api_for(li_ming).post("/api/booking/invitations/", body, content_type="application/json")
    assert response.status_code == 400 and "end" in response.json()
    assert "too_long" not in response.json()["detail"] and "24" in response.json()["detail"]
    assert not Invitation.objects.exists()
