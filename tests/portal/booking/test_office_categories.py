"""The back office by category: each category manager sees and acts on their own categories only
(pages and API); the site manager (role `manager`) keeps every category."""

from __future__ import annotations

import pytest

from building.models import Site
from portal.booking.models import Booking, Resource
from portal.booking.models.bookings import Stage
from portal.booking.services import booking_create
from portal.booking.services.resources import approver_ensure, office_categories_set
from portal.models import User
from tests.canteen.conftest import fund
from tests.factories import UserFactory
from tests.portal.booking.conftest import api_for, at, day_ahead

pytestmark = pytest.mark.django_db


def manager_of(site: Site, *categories: str) -> User:
    user: User = UserFactory(site=site, roles=["staff"])  # type: ignore[assignment]
    office_categories_set(user=user, categories=list(categories), actor="test")
    return User.objects.get(pk=user.pk)  # a fresh object: no cached permissions


def test_a_rooms_manager_sees_rooms_only_on_the_pages(
    site: Site, li_ming: User, room: Resource, laundry: Resource, vehicle: Resource
) -> None:
    rooms = api_for(manager_of(site, "rooms"))
    home = rooms.get("/booking/office/").content.decode()
    assert "/booking/office/rooms/" in home
    assert "/booking/office/laundry/" not in home and "/booking/office/vehicles/" not in home
    assert "/booking/office/lockers/" not in home
    page = rooms.get("/booking/office/rooms/")
    assert page.status_code == 200 and room.name in page.content.decode()  # utilisation row
    for other in ("vehicles", "laundry", "parking", "lockers"):
        assert rooms.get(f"/booking/office/{other}/").status_code == 403, other
    assert rooms.get("/booking/office/spaceships/").status_code == 404
    assert rooms.post(f"/booking/office/r/{room.pk}/feed/reset/").status_code == 302
    assert rooms.post(f"/booking/office/r/{laundry.pk}/feed/reset/").status_code in (403, 404)
    assert rooms.get("/booking/desk/").status_code == 403


def test_a_laundry_manager_acts_on_laundry_bookings_only_through_the_api(
    site: Site, li_ming: User, room: Resource, laundry: Resource
) -> None:
    fund(li_ming, 1000)  # the laundry slot is paid
    day = day_ahead(2)
    wash = booking_create(user=li_ming, resource=laundry, start=at(day, 9), end=at(day, 10), title="洗衣")
    meeting = booking_create(user=li_ming, resource=room, start=at(day, 9), end=at(day, 10), title="会")
    client = api_for(manager_of(site, "laundry"))
    assert client.get(f"/api/booking/bookings/{wash.pk}/").status_code == 200
    assert client.get(f"/api/booking/bookings/{meeting.pk}/").status_code == 404  # another category
    assert client.post(f"/api/booking/bookings/{meeting.pk}/cancel/", {}, content_type="application/json").status_code == 404
    cancelled = client.post(f"/api/booking/bookings/{wash.pk}/cancel/", {"reason": "机器故障"}, content_type="application/json")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert Booking.objects.get(pk=meeting.pk).status == "confirmed"


def test_the_vehicles_manager_decides_and_records_trips_others_get_404(
    site: Site, li_ming: User, wang_manager: User, vehicle: Resource
) -> None:
    office = manager_of(site, "vehicles")
    approver_ensure(user=office, role=Stage.VEHICLE_OFFICE)
    rooms = manager_of(site, "rooms")
    day = day_ahead(3)
    trip = booking_create(user=li_ming, resource=vehicle, start=at(day, 9), end=at(day, 12), title="出差")
    assert trip.status == "pending" and trip.stage == "vehicle_office"

    def act(user: User, action: str, **body: object) -> int:
        url = f"/api/booking/bookings/{trip.pk}/{action}/"
        return api_for(user).post(url, body, content_type="application/json").status_code

    assert act(rooms, "approve") == 404 and act(rooms, "reject", reason="x") == 404  # not their category
    assert api_for(rooms).get("/booking/office/vehicles/").status_code == 403
    page = api_for(office).get("/booking/office/vehicles/").content.decode()
    assert f'id="booking-{trip.pk}"' in page and 'data-testid="utilisation"' in page
    assert act(office, "approve") == 200
    assert act(rooms, "trip", odometer_start_km=1000, odometer_end_km=1010) == 404
    assert act(office, "trip", odometer_start_km=1000, odometer_end_km=1042) == 201  # the vehicle office records it
    # The site manager keeps every category (the demo relies on it).
    manager = api_for(wang_manager)
    for category in ("rooms", "vehicles", "laundry", "parking"):
        assert manager.get(f"/booking/office/{category}/").status_code == 200
    assert manager.get("/booking/office/lockers/").status_code == 302
    assert manager.get(f"/api/booking/bookings/{trip.pk}/").status_code == 200


def test_a_department_head_sees_only_the_requests_of_their_step(
    site: Site, li_ming: User, zhang_li: User, vehicle: Resource
) -> None:
    from portal.services import department_ensure

    bureau = department_ensure(site=site, code="bureau", name="本机关")
    li_ming.department = bureau
    li_ming.save()
    head: User = UserFactory(site=site, roles=["staff"])  # type: ignore[assignment]
    approver_ensure(user=head, role=Stage.DEPARTMENT_HEAD, department=bureau)
    day = day_ahead(4)
    mine = booking_create(user=li_ming, resource=vehicle, start=at(day, 9), end=at(day, 12), title="调研")
    other = booking_create(user=zhang_li, resource=vehicle, start=at(day, 13), end=at(day, 15), title="别的部门")
    assert mine.stage == "department_head" and other.stage == "vehicle_office"
    client = api_for(head)
    page = client.get("/booking/office/vehicles/").content.decode()
    assert f'id="booking-{mine.pk}"' in page and f'id="booking-{other.pk}"' not in page
    assert "<tbody></tbody>" in page.split('data-testid="utilisation"')[1]  # no utilisation: not the vehicle office
    assert client.get("/booking/office/rooms/").status_code == 403


def test_the_front_desk_person_has_the_lockers_and_no_booking_office(site: Site, room: Resource) -> None:
    desk = manager_of(site, "lockers")
    client = api_for(desk)
    assert client.get("/booking/desk/").status_code == 200
    assert client.get("/booking/office/lockers/").status_code == 302
    assert client.get("/booking/office/rooms/").status_code == 403
    assert not desk.has_perm("booking.manage_bookings")
    # Setting categories again replaces them.
    office_categories_set(user=desk, categories=["rooms"], actor="test")
    desk = User.objects.get(pk=desk.pk)
    assert desk.has_perm("booking.manage_rooms") and not desk.has_perm("booking.register_parcel")
    with pytest.raises(ValueError):
        office_categories_set(user=desk, categories=["spaceships"], actor="test")


def test_demo_category_managers(db: None) -> None:
    from django.core.management import call_command

    call_command("seed_demo", "--password", "pw-1")
    expected = {
        "rooms_office": {"booking.manage_rooms"},
        "vehicle_office": {"booking.manage_vehicles"},
        "laundry_office": {"booking.manage_laundry"},
        "front_desk": {"booking.register_parcel"},
        "guard": {"booking.register_parcel"},
        "manager": {
            "booking.manage_rooms",
            "booking.manage_vehicles",
            "booking.manage_laundry",
            "booking.manage_parking",
            "booking.register_parcel",
        },
        "staff": set(),
    }
    perms = expected["manager"]
    for username, wanted in expected.items():
        user = User.objects.get(username=username)
        assert {p for p in perms if user.has_perm(p)} == wanted, username
