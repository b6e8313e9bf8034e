"""The booking engine through its public API and services: rules, clashes, series, fees, no-shows."""

from __future__ import annotations

from datetime import datetime, timedelta
from unittest import mock

import pytest
from django.utils import timezone

from canteen import ledger
from canteen.models import Transaction
from canteen.selectors import wallet_balances
from portal.booking.models import Booking, Resource
from portal.booking.services import BookingError, booking_cancel, booking_check_in, booking_create, series_cancel, series_create
from portal.booking.tasks import no_shows_release
from portal.models import User
from tests.canteen.conftest import fund
from tests.portal.booking.conftest import api_for, at, day_ahead

pytestmark = pytest.mark.django_db


def post(
    user: User, resource: Resource, start: datetime, end: datetime, overrides: dict | None = None, **extra: object
) -> tuple[int, dict]:
    body = {
        "resource": resource.pk,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "title": "周例会",
        **extra,
        **(overrides or {}),
    }
    response = api_for(user).post("/api/booking/bookings/", body, content_type="application/json")
    return response.status_code, response.json()


def test_adjacent_slots_both_succeed_and_an_overlap_is_a_409_naming_the_time(
    li_ming: User, zhang_li: User, room: Resource
) -> None:
    day = day_ahead(2)
    code, first = post(li_ming, room, at(day, 9), at(day, 10))
    assert code == 201 and first["status"] == "confirmed" and first["id"]
    code, second = post(zhang_li, room, at(day, 10), at(day, 11))  # half-open: 10:00 is free
    assert code == 201, second
    code, clash = post(zhang_li, room, at(day, 9, 30), at(day, 10, 30))
    assert code == 409
    assert f"{day:%Y-%m-%d} 09:00–10:00" in clash["detail"] and "10:00–11:00" in clash["detail"]
    assert Booking.objects.filter(resource=room).count() == 2


@pytest.mark.parametrize(
    ("field", "change"),
    [
        ("end", {"end": "2020-01-01T00:00:00+08:00"}),
        ("start", {"start": "not a time"}),
        ("resource", {"resource": 999999}),
        ("title", {"title": ""}),
        ("recurrence", {"recurrence": "FREQ=SOMETIMES"}),
        ("on_conflict", {"on_conflict": "maybe", "recurrence": "FREQ=WEEKLY;COUNT=2"}),
    ],
)
def test_invalid_input_is_a_400_naming_the_field(li_ming: User, room: Resource, field: str, change: dict) -> None:
    day = day_ahead(2)
    code, body = post(li_ming, room, at(day, 9), at(day, 10), change)
    assert code == 400, body
    assert field in body
    assert not Booking.objects.exists()


def test_opening_hours_and_the_past_are_refused(li_ming: User, room: Resource) -> None:
    code, body = post(li_ming, room, at(day_ahead(2), 20), at(day_ahead(2), 22))
    assert code == 400 and "start" in body and "21:00" in body["detail"]
    code, body = post(li_ming, room, at(day_ahead(-1), 9), at(day_ahead(-1), 10))
    assert code == 400 and "start" in body


def test_cancel_frees_the_slot(li_ming: User, zhang_li: User, room: Resource) -> None:
    day = day_ahead(3)
    _code, first = post(li_ming, room, at(day, 14), at(day, 15))
    assert api_for(zhang_li).post(f"/api/booking/bookings/{first['id']}/cancel/").status_code == 404  # not hers
    response = api_for(li_ming).post(f"/api/booking/bookings/{first['id']}/cancel/")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    code, _body = post(zhang_li, room, at(day, 14), at(day, 15))
    assert code == 201


def test_a_laundry_slot_is_charged_once_and_refunded_once_on_cancel(li_ming: User, laundry: Resource) -> None:
    fund(li_ming, 1000)
    day = day_ahead(1)
    code, body = post(li_ming, laundry, at(day, 8), at(day, 9))
    assert code == 201, body
    assert wallet_balances(li_ming).cash_fen == 700
    assert Transaction.objects.filter(kind="booking_fee").count() == 1
    booking = Booking.objects.get(pk=body["id"])
    booking_cancel(booking=booking, actor=li_ming)
    booking_cancel(booking=booking, actor=li_ming)  # twice: still one refund
    assert wallet_balances(li_ming).cash_fen == 1000
    assert Transaction.objects.filter(kind="booking_refund").count() == 1
    assert ledger.account_balance(ledger.system_account("booking_revenue")) == 0
    assert ledger.ledger_check()["ok"]


def test_a_slot_must_fit_the_fixed_grid_and_an_empty_wallet_is_refused(li_ming: User, laundry: Resource) -> None:
    day = day_ahead(1)
    code, body = post(li_ming, laundry, at(day, 8, 30), at(day, 9, 30))
    assert code == 400 and "start" in body
    code, body = post(li_ming, laundry, at(day, 8), at(day, 10))
    assert code == 400 and "end" in body
    code, body = post(li_ming, laundry, at(day, 8), at(day, 9))
    assert code == 402 and ("wallet" in body["detail"].lower() or "余额" in body["detail"])
    assert not Booking.objects.exists() and not Transaction.objects.filter(kind="booking_fee").exists()


def test_no_refund_after_the_start(li_ming: User, laundry: Resource) -> None:
    fund(li_ming, 1000)
    now = timezone.now()
    start = now.replace(minute=0, second=0, microsecond=0)
    booking = booking_create(user=li_ming, resource=laundry, start=at(day_ahead(1), 8), end=at(day_ahead(1), 9), title="x")
    booking_cancel(booking=booking, actor=li_ming, at=booking.start + timedelta(minutes=5))
    assert wallet_balances(li_ming).cash_fen == 700 and not Transaction.objects.filter(kind="booking_refund").exists()
    assert start  # the clock used above


def test_quota_of_two_open_laundry_slots(li_ming: User, laundry: Resource) -> None:
    fund(li_ming, 5000)
    day = day_ahead(1)
    assert post(li_ming, laundry, at(day, 8), at(day, 9))[0] == 201
    assert post(li_ming, laundry, at(day, 9), at(day, 10))[0] == 201
    code, body = post(li_ming, laundry, at(day, 10), at(day, 11))
    assert code == 409 and body["reason"] == "quota"
    assert wallet_balances(li_ming).cash_fen == 4400


def test_a_weekly_series_with_one_clash_is_refused_naming_the_date_or_skipped(
    li_ming: User, zhang_li: User, room: Resource
) -> None:
    first = day_ahead(1)
    taken = booking_create(
        user=zhang_li, resource=room, start=at(first + timedelta(days=14), 9), end=at(first + timedelta(days=14), 10), title="x"
    )
    code, body = post(li_ming, room, at(first, 9), at(first, 10), recurrence="FREQ=WEEKLY;COUNT=12")
    assert code == 409
    assert f"{first + timedelta(days=14):%Y-%m-%d} 09:00" in body["detail"]
    assert Booking.objects.filter(user=li_ming).count() == 0
    code, body = post(li_ming, room, at(first, 9), at(first, 10), recurrence="FREQ=WEEKLY;COUNT=12", on_conflict="skip")
    assert code == 201, body
    assert len(body["occurrences"]) == 11 and len(body["skipped"]) == 1
    assert body["skipped"][0].startswith(f"{first + timedelta(days=14):%Y-%m-%d}T09:00")
    assert Booking.objects.filter(resource=room, status="confirmed").count() == 12
    assert taken.pk not in body["occurrences"]


def test_cancel_one_occurrence_and_a_date_range_of_a_series(li_ming: User, room: Resource) -> None:
    first = day_ahead(1)
    result = series_create(
        user=li_ming, resource=room, start=at(first, 15), end=at(first, 16), title="周会", rrule="FREQ=WEEKLY;COUNT=6"
    )
    booking_cancel(booking=result.bookings[0], actor=li_ming)
    n = series_cancel(
        series=result.series, actor=li_ming, date_from=first + timedelta(days=14), date_to=first + timedelta(days=21)
    )
    assert n == 2
    assert [b.status for b in Booking.objects.filter(series=result.series).order_by("start")] == [
        "cancelled",
        "confirmed",
        "cancelled",
        "cancelled",
        "confirmed",
        "confirmed",
    ]


def test_a_room_not_checked_in_is_released_by_the_task_on_a_frozen_clock(li_ming: User, zhang_li: User, room: Resource) -> None:
    day = day_ahead(1)
    booking = booking_create(user=li_ming, resource=room, start=at(day, 9), end=at(day, 11), title="x")
    kept = booking_create(user=li_ming, resource=room, start=at(day, 11), end=at(day, 12), title="y")
    booking_check_in(booking=kept, actor=li_ming, at=at(day, 10, 50))
    with mock.patch("django.utils.timezone.now", return_value=at(day, 9, 14)):
        assert no_shows_release.delay().get() == 0
    with mock.patch("django.utils.timezone.now", return_value=at(day, 9, 16)):
        assert no_shows_release.delay().get() == 1
        assert no_shows_release.delay().get() == 0  # idempotent
    booking.refresh_from_db()
    kept.refresh_from_db()
    assert booking.status == "no_show" and kept.status == "confirmed"
    with pytest.raises(BookingError) as late:
        booking_check_in(booking=booking, actor=li_ming, at=at(day, 9, 16))
    assert late.value.reason == "state"
    again = booking_create(
        user=zhang_li, resource=room, start=at(day, 9, 30), end=at(day, 10, 30), title="walk-in", at=at(day, 9, 20)
    )
    assert again.status == "confirmed"
    assert li_ming.notifications.filter(kind="booking.no_show").count() == 1


def test_a_late_check_in_is_refused(li_ming: User, room: Resource) -> None:
    day = day_ahead(1)
    booking = booking_create(user=li_ming, resource=room, start=at(day, 9), end=at(day, 10), title="x")
    with pytest.raises(BookingError) as early:
        booking_check_in(booking=booking, actor=li_ming, at=at(day, 8, 30))
    assert early.value.reason == "state"
    with pytest.raises(BookingError) as late:
        booking_check_in(booking=booking, actor=li_ming, at=at(day, 9, 16))
    assert late.value.reason == "late_check_in"
    assert booking_check_in(booking=booking, actor=li_ming, at=at(day, 9, 10)).checked_in_at is not None


def test_a_series_whose_occurrences_overlap_each_other_is_refused_and_until_may_be_local(li_ming: User, room: Resource) -> None:
    day = day_ahead(1)
    code, body = post(li_ming, room, at(day, 9), at(day, 11), recurrence="FREQ=HOURLY;COUNT=3")
    assert code == 400 and "recurrence" in body
    until = day + timedelta(days=14)
    code, body = post(li_ming, room, at(day, 9), at(day, 10), recurrence=f"FREQ=WEEKLY;UNTIL={until:%Y%m%d}T235959")
    assert code == 201 and len(body["occurrences"]) == 3
    assert Booking.objects.filter(user=li_ming).count() == 3


def test_far_off_days_on_the_pages_are_not_an_error(li_ming: User, room: Resource) -> None:
    client = api_for(li_ming)
    for query in ["date=9999-12-31", "date=0001-01-01", "date=nonsense"]:
        assert client.get(f"/booking/r/{room.pk}/?{query}").status_code == 200
        assert client.get(f"/booking/r/{room.pk}/calendar/?{query}").status_code == 200
