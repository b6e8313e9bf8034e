"""The pages: book a room, my bookings, calendars, the back office, the front desk; the API schema."""

from __future__ import annotations

import pytest
import yaml
from django.test import Client

from building.models import Site
from devices.services import device_create
from portal.booking.models import Booking, Parcel, Resource
from portal.booking.models.bookings import Stage
from portal.booking.services import booking_create
from portal.booking.services.lockers import compartments_ensure
from portal.booking.services.resources import approver_ensure
from portal.models import User
from tests.portal.booking.conftest import api_for, at, day_ahead

pytestmark = pytest.mark.django_db


def test_book_a_room_on_the_page_and_see_it_in_my_bookings(li_ming: User, zhang_li: User, room: Resource) -> None:
    client = api_for(li_ming)
    day = day_ahead(2)
    booking_create(user=zhang_li, resource=room, start=at(day, 9), end=at(day, 10), title="已占")
    page = client.get(f"/booking/r/{room.pk}/?date={day:%Y-%m-%d}")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'class="busy"' in html and 'class="free"' in html
    clash = client.post(f"/booking/r/{room.pk}/book/", {"day": f"{day:%Y-%m-%d}", "start": "09:30", "end": "10:30", "title": "x"})
    assert clash.status_code == 200 and "09:00–10:00" in clash.content.decode()  # the form again, naming the clash
    done = client.post(
        f"/booking/r/{room.pk}/book/", {"day": f"{day:%Y-%m-%d}", "start": "10:00", "end": "11:00", "title": "项目会"}
    )
    assert done.status_code == 302 and done["Location"] == "/booking/mine/"
    mine = client.get("/booking/mine/").content.decode()
    assert "项目会" in mine and f"{day:%Y-%m-%d} 10:00" in mine
    for path in [
        "/booking/",
        f"/booking/r/{room.pk}/calendar/?date={day:%Y-%m-%d}",
        "/booking/calendar/",
        "/booking/visitors/",
        "/booking/parcels/",
    ]:
        assert client.get(path).status_code == 200, path
    assert client.get("/booking/office/").status_code == 403  # staff is not the back office
    assert client.get("/booking/r/999999/").status_code == 404


def test_the_back_office_approves_and_rejects_with_a_reason(
    site: Site, li_ming: User, wang_manager: User, vehicle: Resource
) -> None:
    approver_ensure(user=wang_manager, role=Stage.VEHICLE_OFFICE)
    day = day_ahead(3)
    first = booking_create(user=li_ming, resource=vehicle, start=at(day, 9), end=at(day, 12), title="a")
    second = booking_create(user=li_ming, resource=vehicle, start=at(day, 13), end=at(day, 15), title="b")
    client = api_for(wang_manager)
    office = client.get("/booking/office/vehicles/")
    assert office.status_code == 200 and 'data-testid="utilisation"' in office.content.decode()
    from portal.booking.views_office import echarts_available

    assert ('data-testid="utilisation-chart"' in office.content.decode()) == echarts_available()
    client.post(f"/booking/office/b/{first.pk}/decide/", {"decision": "approve"})
    client.post(f"/booking/office/b/{second.pk}/decide/", {"decision": "reject", "reason": ""})  # refused: no reason
    assert Booking.objects.get(pk=second.pk).status == "pending"
    client.post(f"/booking/office/b/{second.pk}/decide/", {"decision": "reject", "reason": "司机请假"})
    assert [Booking.objects.get(pk=b.pk).status for b in (first, second)] == ["confirmed", "rejected"]
    for category in ["rooms", "laundry", "parking"]:
        assert client.get(f"/booking/office/{category}/").status_code == 200
    assert client.get("/booking/office/lockers/").status_code == 302


def test_the_front_desk_registers_a_parcel(site: Site, li_ming: User, chen_guard: User) -> None:
    locker = device_create(site=site, kind="locker", device_id="locker-d").device
    compartments_ensure(locker=locker, codes=["A01"])
    client = api_for(chen_guard)
    assert client.post("/booking/desk/", {"recipient": "nobody", "locker": "locker-d"}).status_code == 200
    response = client.post("/booking/desk/", {"recipient": "li_ming", "locker": "locker-d", "carrier": "京东"})
    assert response.status_code == 302
    parcel = Parcel.objects.get()
    assert parcel.recipient == li_ming
    assert parcel.code in api_for(li_ming).get("/booking/parcels/").content.decode()
    assert api_for(li_ming).get("/booking/desk/").status_code == 403


def test_the_api_is_in_the_openapi_schema_and_needs_the_permission(li_ming: User, zhao_contractor: User, room: Resource) -> None:
    doc = yaml.safe_load(api_for(li_ming).get("/api/schema/").content)
    for path in [
        "/api/booking/resources/",
        "/api/booking/bookings/",
        "/api/booking/bookings/{booking_id}/cancel/",
        "/api/booking/calendar.ics",
        "/api/booking/invitations/",
        "/api/booking/parcels/",
    ]:
        assert path in doc["paths"], path
    listed = api_for(li_ming).get("/api/booking/resources/", {"kind": "room"}).json()
    assert [(r["id"], r["kind"], r["name"]) for r in listed] == [(room.pk, "room", "301会议室")]
    assert api_for(li_ming).get("/api/booking/resources/", {"kind": "spaceship"}).status_code == 400
    assert api_for(zhao_contractor).get("/api/booking/resources/").status_code == 403  # contractors do not book
    assert Client().get("/api/booking/resources/").status_code == 401


def test_demo_data_has_every_kind_an_approver_a_locker_and_bookings(db: None) -> None:
    from django.core.management import call_command

    from portal.booking.models import Approver, Compartment

    call_command("seed_demo", "--password", "pw-1")
    kinds = set(Resource.objects.filter(site__code="demo").values_list("kind", flat=True))
    assert kinds == {"room", "vehicle", "laundry", "car_wash", "visitor_parking"}
    assert Approver.objects.filter(role="vehicle_office", user__username="vehicle_office").exists()
    assert Compartment.objects.filter(locker__device_id="locker-1").count() == 12
    assert set(Booking.objects.filter(user__username="staff").values_list("status", flat=True)) == {"confirmed", "pending"}


def test_the_vehicle_office_records_a_return_on_the_page(
    site: Site, li_ming: User, wang_manager: User, vehicle: Resource
) -> None:
    approver_ensure(user=wang_manager, role=Stage.VEHICLE_OFFICE)
    day = day_ahead(3)
    booking = booking_create(user=li_ming, resource=vehicle, start=at(day, 9), end=at(day, 12), title="a")
    client = api_for(wang_manager)
    client.post(f"/booking/office/b/{booking.pk}/decide/", {"decision": "approve"})
    assert 'name="odometer_end_km"' in client.get("/booking/office/vehicles/").content.decode()
    client.post(f"/booking/office/b/{booking.pk}/trip/", {"odometer_start_km": 900, "odometer_end_km": 1000})  # backwards
    assert Booking.objects.get(pk=booking.pk).status == "confirmed"
    client.post(f"/booking/office/b/{booking.pk}/trip/", {"odometer_start_km": 1000, "odometer_end_km": 1042})
    assert (
        Booking.objects.get(pk=booking.pk).status == "completed" and Booking.objects.get(pk=booking.pk).trip.cost_fen == 42 * 120
    )


def test_another_sites_resources_and_bookings_are_not_found(li_ming: User, room: Resource) -> None:
    from portal.booking.privacy import personal_data
    from tests.factories import UserFactory

    stranger: User = UserFactory(roles=["staff"])  # type: ignore[assignment]  # a user of another site
    booking = booking_create(user=li_ming, resource=room, start=at(day_ahead(1), 9), end=at(day_ahead(1), 10), title="内部会议")
    client = api_for(stranger)
    assert client.get("/api/booking/resources/").json() == []
    body = {"resource": room.pk, "start": at(day_ahead(1), 11).isoformat(), "end": at(day_ahead(1), 12).isoformat(), "title": "x"}
    refused = client.post("/api/booking/bookings/", body, content_type="application/json")
    assert refused.status_code == 400 and "resource" in refused.json()
    assert client.get(f"/api/booking/bookings/{booking.pk}/").status_code == 404
    assert client.post(f"/api/booking/bookings/{booking.pk}/cancel/").status_code == 404
    assert client.get(f"/booking/r/{room.pk}/calendar/").status_code == 404
    assert api_for(li_ming).get(f"/booking/r/{room.pk}/calendar/").content.decode().count(room.feed_token) == 1
    assert personal_data(li_ming)["bookings"][0]["title"] == "内部会议"


def test_the_admin_lists_every_booking_model(db: None) -> None:
    from django.apps import apps
    from django.contrib import admin

    from tests.factories import UserFactory

    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    client = api_for(root)  # type: ignore[arg-type]
    for model in apps.get_app_config("booking").get_models():
        if model.__name__ in ("FeedToken", "Approval"):
            continue  # secrets are not listed; approvals show inside their booking
        assert admin.site.is_registered(model), model
        assert client.get(f"/admin/booking/{model._meta.model_name}/").status_code == 200, model


def test_my_bookings_rows_in_each_language_with_each_ones_own_actions(li_ming: User, zhang_li: User, room: Resource) -> None:
    """The rows are built in Python (portal/booking/templatetags/booking_rows.py) from words kept per
    language and URLs reversed once: each page still gets its own language, its own bookings and
    forms that act on exactly the row they are in."""
    day = day_ahead(2)
    mine = booking_create(user=li_ming, resource=room, start=at(day, 9), end=at(day, 10), title="<b>评审</b>")
    theirs = booking_create(user=zhang_li, resource=room, start=at(day, 10), end=at(day, 11), title="周会")
    client = api_for(li_ming)
    pages = {}
    for language in ("zh-hans", "en", "zh-hans"):
        client.cookies["django_language"] = language
        pages[language] = client.get("/booking/mine/").content.decode()
    zh, en = pages["zh-hans"], pages["en"]
    assert "<em>已确认</em>" in zh and ">签到</button>" in zh and "<em>confirmed</em>" not in zh
    assert "<em>confirmed</em>" in en and ">Check in</button>" in en and "已确认" not in en
    for html in (zh, en):
        assert "&lt;b&gt;评审&lt;/b&gt;" in html and "<b>评审" not in html
        assert f'action="/booking/b/{mine.pk}/check-in/"' in html and f'action="/booking/b/{mine.pk}/cancel/"' in html
        assert f"booking-{theirs.pk}" not in html and f"{day:%Y-%m-%d} 09:00</time>–10:00" in html
    other = api_for(zhang_li).get("/booking/mine/").content.decode()
    assert f'action="/booking/b/{theirs.pk}/cancel/"' in other and f"booking-{mine.pk}" not in other
    assert client.post(f"/booking/b/{mine.pk}/cancel/").status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.status, theirs.status) == ("cancelled", "confirmed")
