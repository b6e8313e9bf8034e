"""A host types the visitor's plate as people do on a phone: the barrier must still find it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from building.models import Site
from portal.booking.models import Invitation, Resource
from portal.booking.selectors import visitor_parking_booking_for_plate
from portal.models import User
from security.services import access_zone_ensure
from tests.portal.booking.conftest import api_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("typed", ["京Ａ１２３４５", "京ａ１２３４５", "京A／12345", "京A*12345", "京A・12345"])
def test_an_invitation_with_a_respelled_plate_is_found_by_the_barriers_read(
    site: Site, li_ming: User, parking: Resource, typed: str
) -> None:
    access_zone_ensure(site=site, code="main", name="主楼", open_to_all_staff=True)
    start = timezone.now() + timedelta(minutes=5)
    response = api_for(li_ming).post(
        "/api/booking/invitations/",
        {
            "visitor_name": "王先生",
            "visitor_phone": "13800138000",
            "start": start.isoformat(),
            "end": (start + timedelta(hours=3)).isoformat(),
            "plate": typed,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    invitation = Invitation.objects.get(pk=response.json()["invitation"]["id"])
    assert invitation.plate == "京A12345" and invitation.parking is not None and invitation.parking.plate == "京A12345"
    # what the barrier looks up: the camera's read, normalised by building/parking/plates.py
    found = visitor_parking_booking_for_plate(site=site, plate="京A12345", at=start + timedelta(hours=1))
    assert found is not None and found.pk == invitation.parking.pk
