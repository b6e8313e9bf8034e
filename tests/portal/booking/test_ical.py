"""The iCal feeds parsed back with the icalendar package give the same instants as the bookings."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from dateutil.rrule import rrulestr
from django.test import Client
from icalendar import Calendar

from portal.booking.models import Booking, Resource
from portal.booking.services import booking_cancel, booking_create, series_create
from portal.models import User
from tests.factories import PASSWORD
from tests.portal.booking.conftest import api_for, at, day_ahead

pytestmark = pytest.mark.django_db


def instants(body: bytes) -> set[tuple[datetime, datetime]]:
    """Every (start, end) the feed describes: single events, and series expanded minus EXDATEs."""
    cal = Calendar.from_ical(body)
    found: set[tuple[datetime, datetime]] = set()
    for event in cal.walk("VEVENT"):
        start, end = event.decoded("dtstart"), event.decoded("dtend")
        assert start.tzinfo is not None and str(event["dtstart"].params["TZID"]) == "Asia/Shanghai"
        if "RRULE" not in event:
            found.add((start, end))
            continue
        excluded = set()
        exdates = event.get("exdate", [])
        for group in exdates if isinstance(exdates, list) else [exdates]:
            excluded |= {d.dt for d in group.dts}
        text = event["rrule"].to_ical()
        rule = rrulestr(text.decode() if isinstance(text, bytes) else str(text), dtstart=start)
        found |= {(s, s + (end - start)) for s in rule if s not in excluded}
    return found


def test_the_personal_feed_round_trips_with_a_cancelled_and_a_skipped_occurrence(
    li_ming: User, zhang_li: User, room: Resource
) -> None:
    first = day_ahead(1)
    single = booking_create(user=li_ming, resource=room, start=at(first, 14), end=at(first, 15, 30), title="评审")
    booking_create(
        user=zhang_li, resource=room, start=at(first + timedelta(days=7), 9), end=at(first + timedelta(days=7), 10), title="占用"
    )
    result = series_create(
        user=li_ming,
        resource=room,
        start=at(first, 9),
        end=at(first, 10),
        title="周会",
        rrule="FREQ=WEEKLY;COUNT=5",
        on_conflict="skip",
    )
    assert len(result.skipped) == 1
    booking_cancel(booking=result.bookings[2], actor=li_ming)
    token = (
        Client()
        .post("/api/auth/token/", {"username": "li_ming", "password": PASSWORD}, content_type="application/json")
        .json()["token"]
    )
    response = Client(HTTP_AUTHORIZATION=f"Bearer {token}").get("/api/booking/calendar.ics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    held = {(b.start, b.end) for b in Booking.objects.filter(user=li_ming, status="confirmed")}
    assert len(held) == 1 + 5 - 1 - 1
    assert instants(response.content) == held
    assert (single.start, single.end) in held
    assert Client().get("/api/booking/calendar.ics").status_code == 401


def test_the_secret_feed_url_works_until_it_is_reset(li_ming: User, room: Resource) -> None:
    booking_create(user=li_ming, resource=room, start=at(day_ahead(1), 9), end=at(day_ahead(1), 10), title="例会")
    client = api_for(li_ming)
    first_url = client.post("/api/booking/feed/").json()["url"]
    anonymous = Client()
    path = first_url.split("testserver", 1)[1]
    feed = anonymous.get(path)
    assert feed.status_code == 200 and len(instants(feed.content)) == 1
    second_url = client.post("/api/booking/feed/").json()["url"]
    assert second_url != first_url
    assert anonymous.get(path).status_code == 404
    assert anonymous.get(second_url.split("testserver", 1)[1]).status_code == 200


def test_the_room_feed_lists_everyones_bookings_of_the_room(li_ming: User, zhang_li: User, room: Resource) -> None:
    booking_create(user=li_ming, resource=room, start=at(day_ahead(1), 9), end=at(day_ahead(1), 10), title="a")
    booking_create(user=zhang_li, resource=room, start=at(day_ahead(1), 10), end=at(day_ahead(1), 11), title="b")
    feed = Client().get(f"/booking/feeds/rooms/{room.feed_token}.ics")
    assert feed.status_code == 200 and len(instants(feed.content)) == 2


def test_the_back_office_resets_a_rooms_feed_url(li_ming: User, wang_manager: User, room: Resource) -> None:
    old = room.feed_token
    assert api_for(li_ming).post(f"/booking/office/r/{room.pk}/feed/reset/").status_code == 403
    assert api_for(wang_manager).post(f"/booking/office/r/{room.pk}/feed/reset/").status_code == 302
    room.refresh_from_db()
    assert room.feed_token != old
    assert Client().get(f"/booking/feeds/rooms/{old}.ics").status_code == 404
    assert Client().get(f"/booking/feeds/rooms/{room.feed_token}.ics").status_code == 200
