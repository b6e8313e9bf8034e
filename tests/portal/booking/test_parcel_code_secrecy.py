"""The pickup code is the recipient's: the front desk's API answer does not carry it (nor does its page)."""

from __future__ import annotations

import pytest

from building.models import Site
from devices.services import device_create
from portal.booking.models import Parcel
from portal.booking.services.lockers import compartments_ensure
from portal.models import User
from tests.portal.booking.conftest import api_for

pytestmark = pytest.mark.django_db


def test_the_front_desk_registering_through_the_api_does_not_learn_the_pickup_code(
    site: Site, li_ming: User, chen_guard: User
) -> None:
    locker = device_create(site=site, kind="locker", device_id="locker-d").device
    compartments_ensure(locker=locker, codes=["A01"])
    desk = api_for(chen_guard)
    answer = desk.post("/api/booking/parcels/", {"recipient": "li_ming", "locker": "locker-d"}, content_type="application/json")
    assert answer.status_code == 201, answer.content
    parcel = Parcel.objects.get()
    assert answer.json()["compartment"] == "A01" and "code" not in answer.json()
    assert parcel.code not in answer.content.decode()
    assert parcel.code not in desk.get("/booking/desk/").content.decode()  # the page withholds it too
    mine = api_for(li_ming).get("/api/booking/parcels/").json()
    assert [p["code"] for p in mine] == [parcel.code]  # the recipient has it
