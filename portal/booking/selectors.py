"""Reads of the booking app, scoped to what the caller may see (another site's row -> None/404)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import QuerySet

from building.models import Site
from devices.models import Device
from portal.booking.models import ACTIVE, Approver, Booking, Invitation, Parcel, Resource, ResourceKind, Series, Status
from portal.booking.rules import TZ, opening
from portal.booking.services.bookings import plate_normalise
from portal.models import User

MANAGE = "booking.manage_bookings"


def resources_for_user(user: User, *, kind: str | None = None) -> QuerySet[Resource]:
    rows = Resource.objects.filter(site_id=user.site_id or 0, active=True).select_related("space")
    return rows.filter(kind=kind) if kind else rows


def resource_for_user(user: User, pk: int | str) -> Resource | None:
    return Resource.objects.filter(site_id=user.site_id or 0, pk=pk).first() if str(pk).isdigit() else None


def bookings_for_user(user: User) -> QuerySet[Booking]:
    return Booking.objects.filter(user=user).select_related("resource").order_by("-start", "-pk")


def upcoming_for_user(user: User, *, now: datetime, limit: int = 100) -> list[Booking]:
    rows = Booking.objects.filter(user=user, status__in=ACTIVE, end__gt=now).select_related("resource")
    return list(rows.order_by("start", "pk")[:limit])


def booking_for_user(user: User, pk: int | str) -> Booking | None:
    """The person's own booking; a back-office manager sees every booking of the site."""
    if not str(pk).isdigit():
        return None
    rows = Booking.objects.select_related("resource", "user").filter(pk=pk)
    if user.has_perm(MANAGE):
        return rows.filter(site_id=user.site_id or 0).first()
    return rows.filter(user=user).first()


def booking_for_approver(user: User, booking_id: int | str) -> Booking | None:
    """Approvers (department heads, the vehicle office) act on others' requests of their site."""
    if not str(booking_id).isdigit():
        return None
    booking = Booking.objects.select_related("resource", "user").filter(pk=booking_id, site_id=user.site_id or 0).first()
    if booking is None:
        return None
    if booking.user_id == user.pk or user.has_perm(MANAGE) or Approver.objects.filter(user=user).exists():
        return booking
    return None


def series_for_user(user: User, pk: int | str) -> Series | None:
    return Series.objects.filter(pk=pk, user=user).first() if str(pk).isdigit() else None


def visitor_parking_booking_for_plate(*, site: Site, plate: str, at: datetime) -> Booking | None:
    """The active visitor-parking booking for `plate` whose [start, end) contains `at` (building/parking)."""
    return (
        Booking.objects.filter(
            site=site,
            resource__kind=ResourceKind.VISITOR_PARKING,
            plate=plate_normalise(plate),
            status__in=ACTIVE,
            start__lte=at,
            end__gt=at,
        )
        .select_related("resource", "user")
        .order_by("start")
        .first()
    )


@dataclass(frozen=True)
class Slot:
    start: datetime
    end: datetime
    free: bool
    mine: bool = False


def day_slots(resource: Resource, day: date, *, user: User | None = None, step_minutes: int = 30) -> list[Slot]:
    """The day split into the resource's fixed slots (or half hours) within its opening hours."""
    opens, closes = opening(resource, day)
    step = timedelta(minutes=resource.slot_minutes or step_minutes)
    busy = list(
        Booking.objects.filter(resource=resource, status__in=ACTIVE, start__lt=closes, end__gt=opens).values_list(
            "start", "end", "user_id"
        )
    )
    slots, at = [], opens
    while at + step <= closes:
        hits = [b for b in busy if b[0] < at + step and b[1] > at]
        slots.append(Slot(at, at + step, not hits, bool(user and any(b[2] == user.pk for b in hits))))
        at += step
    return slots


@dataclass(frozen=True)
class CalendarEntry:
    """One booking of a calendar week, as the page shows it (times in the current zone)."""

    status: str
    times: str  # "09:00–10:00"
    label: str  # a room's calendar: "title · person"; a person's: "resource · title"


def _calendar_week(rows: QuerySet[Booking], *, start: date, days: int, resource_first: bool) -> list[dict[str, Any]]:
    """Rows grouped per local day; read as plain values (a busy week is a few hundred rows, and
    model instances with their users would cost more than the rest of the page)."""
    from django.utils.timezone import localtime

    by_day: list[dict[str, Any]] = [{"day": start + timedelta(days=i), "bookings": []} for i in range(days)]
    fields = ("status", "title", "start", "end", "resource__name", "user__username", "user__last_name", "user__first_name")
    for status, title, begin, end, resource_name, username, last_name, first_name in rows.values_list(*fields):
        index = (begin.astimezone(TZ).date() - start).days
        if 0 <= index < days:
            person = f"{last_name}{first_name}".strip() or username  # User.__str__
            label = f"{resource_name} · {title}" if resource_first else f"{title} · {person}"
            times = f"{localtime(begin):%H:%M}–{localtime(end):%H:%M}"
            by_day[index]["bookings"].append(CalendarEntry(status, times, label))
    return by_day


def resource_calendar(resource: Resource, *, start: date, days: int = 7) -> list[dict[str, Any]]:
    """Active bookings of a resource per local day (the calendar view)."""
    since = datetime.combine(start, datetime.min.time(), tzinfo=TZ)
    rows = Booking.objects.filter(
        resource=resource, status__in=ACTIVE, start__lt=since + timedelta(days=days), end__gt=since
    ).order_by("start")
    return _calendar_week(rows, start=start, days=days, resource_first=False)


def office_queue(user: User, *, kinds: list[str]) -> QuerySet[Booking]:
    return (
        Booking.objects.filter(site_id=user.site_id or 0, resource__kind__in=kinds, status=Status.PENDING)
        .select_related("resource", "user")
        .order_by("start")
    )


def utilisation(user: User, *, kinds: list[str], week_start: date) -> list[dict[str, Any]]:
    """Per resource: hours booked (active or completed) against hours open in the week."""
    since = datetime.combine(week_start, datetime.min.time(), tzinfo=TZ)
    until = since + timedelta(days=7)
    out = []
    for resource in Resource.objects.filter(site_id=user.site_id or 0, kind__in=kinds, active=True).order_by("kind", "name"):
        open_hours = 0.0
        for i in range(7):
            opens, closes = opening(resource, week_start + timedelta(days=i))
            open_hours += (closes - opens).total_seconds() / 3600 if not resource.all_day else 24.0
        booked = 0.0
        for s, e in Booking.objects.filter(
            resource=resource, status__in=[*ACTIVE, Status.COMPLETED], start__lt=until, end__gt=since
        ).values_list("start", "end"):
            booked += (min(e, until) - max(s, since)).total_seconds() / 3600
        out.append(
            {
                "resource": resource,
                "booked_hours": round(booked, 1),
                "open_hours": round(open_hours, 1),
                "percent": round(100 * booked / open_hours) if open_hours else 0,
            }
        )
    return out


def invitations_for_user(user: User) -> QuerySet[Invitation]:
    return Invitation.objects.filter(host=user).select_related("parking").order_by("-start")


def parcels_for_user(user: User) -> QuerySet[Parcel]:
    return Parcel.objects.filter(recipient=user).select_related("compartment", "compartment__locker")


def person_for_desk(actor: User, key: str) -> User | None:
    """The front desk finds a person of its site by username or employee number."""
    from django.db.models import Q

    return User.objects.filter(Q(username=key) | Q(employee_no=key), site_id=actor.site_id or 0, is_active=True).first()


def lockers_for_desk(actor: User) -> QuerySet[Device]:
    return Device.objects.filter(site_id=actor.site_id or 0, kind="locker", is_active=True).order_by("device_id")


def desk_parcels(actor: User) -> QuerySet[Parcel]:
    return (
        Parcel.objects.filter(site_id=actor.site_id or 0, state=Parcel.State.WAITING)
        .select_related("recipient", "compartment", "compartment__locker")
        .order_by("-overdue", "registered_at")
    )


def person_calendar(user: User, *, start: date, days: int = 7) -> list[dict[str, Any]]:
    since = datetime.combine(start, datetime.min.time(), tzinfo=TZ)
    rows = Booking.objects.filter(user=user, status__in=ACTIVE, start__lt=since + timedelta(days=days), end__gt=since).order_by(
        "start"
    )
    return _calendar_week(rows, start=start, days=days, resource_first=True)


def week_of(text: str | None) -> date | None:
    if not text:
        return None
    day = date.fromisoformat(text)
    if not date(2000, 1, 10) <= day <= date(9000, 1, 1):  # far-off weeks would overflow the arithmetic
        raise ValueError(text)
    return day - timedelta(days=day.weekday())


def office_upcoming(user: User, *, kinds: list[str]) -> QuerySet[Booking]:
    from django.utils import timezone

    return (
        Booking.objects.filter(site_id=user.site_id or 0, resource__kind__in=kinds, status__in=ACTIVE, end__gt=timezone.now())
        .select_related("resource", "user")
        .order_by("start")
    )


def approvals_for_user(user: User) -> list[Booking]:
    """Pending vehicle requests of the caller's site whose current step the caller decides."""
    from portal.booking.services.approvals import approvers_of

    if not Approver.objects.filter(user=user).exists():
        return []
    pending = Booking.objects.filter(site_id=user.site_id or 0, status=Status.PENDING).select_related("resource", "user")
    return [b for b in pending.order_by("start")[:200] if user.pk in {a.pk for a in approvers_of(b)}]
