"""Reads of the booking app, scoped to what the caller may see (another site's row -> None/404)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from django.db.models import Count, Q, QuerySet
from django.utils import timezone as dj_timezone

from building.models import Site
from devices.models import Device
from portal.booking.categories import CATEGORIES, kinds_managed_by, manages_kind
from portal.booking.models import ACTIVE, Approver, Booking, Invitation, Parcel, Resource, ResourceKind, Series, Status
from portal.booking.rules import TZ, opening
from portal.booking.services.bookings import plate_normalise
from portal.booking.services.lockers import OVERDUE_AFTER
from portal.models import User

MANAGE = "booking.manage_bookings"


def resources_for_user(user: User, *, kind: str | None = None) -> QuerySet[Resource]:
    rows = Resource.objects.filter(site_id=user.site_id or 0, active=True).select_related("space")
    return rows.filter(kind=kind) if kind else rows


def resource_for_user(user: User, pk: int | str) -> Resource | None:
    return Resource.objects.filter(site_id=user.site_id or 0, pk=pk).first() if str(pk).isdigit() else None


def bookings_for_user(user: User) -> QuerySet[Booking]:
    return Booking.objects.filter(user=user).select_related("resource").order_by("-start", "-pk")


class BookingRow(NamedTuple):
    """A booking as my bookings' list shows it, read as plain values (model instances with their
    resources cost twice as much to read for the 45 rows of the page)."""

    pk: int
    status: str
    stage: str
    title: str
    start: datetime
    end: datetime
    checked_in_at: datetime | None
    fee_fen: int
    refunded: bool
    reason: str
    resource_name: str
    resource_kind: str


_ROW_FIELDS = ("pk", *(f for f in BookingRow._fields[1:] if not f.startswith("resource_")), "resource__name", "resource__kind")


def booking_rows_for_user(user: User, *, now: datetime, upcoming: int, earlier: int) -> tuple[list[BookingRow], list[BookingRow]]:
    """My bookings' two lists: the next `upcoming` active bookings (soonest first), then the
    `earlier` latest of the others (newest first)."""
    mine = Booking.objects.filter(user=user)
    active = mine.filter(status__in=ACTIVE, end__gt=now).order_by("start", "pk")
    soon = [BookingRow(*r) for r in active.values_list(*_ROW_FIELDS)[:upcoming]]
    others = mine.exclude(pk__in=[r.pk for r in soon]).order_by("-start", "-pk").values_list(*_ROW_FIELDS)[:earlier]
    return soon, [BookingRow(*r) for r in others]


def booking_for_user(user: User, pk: int | str) -> Booking | None:
    """The person's own booking; a category manager sees every booking of the site in their
    categories (the site manager: all of them)."""
    if not str(pk).isdigit():
        return None
    rows = Booking.objects.select_related("resource", "user").filter(pk=pk)
    kinds = kinds_managed_by(user)
    if kinds:
        return rows.filter(Q(user=user) | Q(site_id=user.site_id or 0, resource__kind__in=kinds)).first()
    return rows.filter(user=user).first()


def booking_for_approver(user: User, booking_id: int | str) -> Booking | None:
    """Managers of the booking's category, and approvers (department heads, the vehicle office)
    for vehicle requests, act on others' bookings of their site; the service checks the step."""
    if not str(booking_id).isdigit():
        return None
    booking = Booking.objects.select_related("resource", "user").filter(pk=booking_id, site_id=user.site_id or 0).first()
    if booking is None:
        return None
    if booking.user_id == user.pk or manages_kind(user, booking.resource.kind):
        return booking
    if booking.resource.kind == ResourceKind.VEHICLE and Approver.objects.filter(user=user).exists():
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
    model instances with their users would cost more than the rest of the page). Times in the
    current zone, taken once (django's localtime() per value looks it up every time)."""
    zone = dj_timezone.get_current_timezone()
    by_day: list[dict[str, Any]] = [{"day": start + timedelta(days=i), "bookings": []} for i in range(days)]
    # Only what the label shows: a room's week joins no room, a person's week no person.
    if resource_first:  # "room · title"
        values = rows.values_list("status", "start", "end", "resource__name", "title")
        labelled = ((s, b, e, f"{name} · {title}") for s, b, e, name, title in values)
    else:  # "title · person" (User.__str__)
        people = rows.values_list("status", "start", "end", "title", "user__username", "user__last_name", "user__first_name")
        labelled = ((s, b, e, f"{title} · {f'{last}{first}'.strip() or name}") for s, b, e, title, name, last, first in people)
    for status, begin, end, label in labelled:
        index = (begin.astimezone(TZ).date() - start).days
        if 0 <= index < days:
            begin, end = begin.astimezone(zone), end.astimezone(zone)
            times = f"{begin.hour:02d}:{begin.minute:02d}–{end.hour:02d}:{end.minute:02d}"  # %H:%M–%H:%M
            by_day[index]["bookings"].append(CalendarEntry(status, times, label))
    return by_day


def resource_calendar(resource: Resource, *, start: date, days: int = 7) -> list[dict[str, Any]]:
    """Active bookings of a resource per local day (the calendar view)."""
    since = datetime.combine(start, datetime.min.time(), tzinfo=TZ)
    rows = Booking.objects.filter(
        resource=resource, status__in=ACTIVE, start__lt=since + timedelta(days=days), end__gt=since
    ).order_by("start")
    return _calendar_week(rows, start=start, days=days, resource_first=False)


def _managed(user: User, kinds: list[str]) -> list[str]:
    """Only the kinds of the caller's categories, whatever the page asked for."""
    mine = set(kinds_managed_by(user))
    return [k for k in kinds if k in mine]


def office_queue(user: User, *, kinds: list[str]) -> QuerySet[Booking]:
    return (
        Booking.objects.filter(site_id=user.site_id or 0, resource__kind__in=_managed(user, kinds), status=Status.PENDING)
        .select_related("resource", "user")
        .order_by("start")
    )


def utilisation(user: User, *, kinds: list[str], week_start: date) -> list[dict[str, Any]]:
    """Per resource: hours booked (active or completed) against hours open in the week."""
    since = datetime.combine(week_start, datetime.min.time(), tzinfo=TZ)
    until = since + timedelta(days=7)
    out = []
    rows = Resource.objects.filter(site_id=user.site_id or 0, kind__in=_managed(user, kinds), active=True)
    for resource in rows.order_by("kind", "name"):
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


def invitation_for_user(user: User, pk: int | str) -> Invitation | None:
    """The host's own invitation; the site manager (security.manage_access, who also oversees the
    site's visitor passes) any invitation of their site."""
    if not str(pk).isdigit():
        return None
    rows = Invitation.objects.select_related("visitor_pass", "parking").filter(pk=pk)
    if user.is_active and user.has_perm("security.manage_access"):
        return rows.filter(Q(host=user) | Q(site_id=user.site_id or 0)).first()
    return rows.filter(host=user).first()


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
        Booking.objects.filter(
            site_id=user.site_id or 0, resource__kind__in=_managed(user, kinds), status__in=ACTIVE, end__gt=timezone.now()
        )
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


@dataclass(frozen=True)
class LockerWeek:
    """One parcel locker's week (the lockers category's utilisation)."""

    locker: Device
    compartments: int
    occupied_hours: float  # compartment-hours held by parcels in the week
    capacity_hours: float  # compartments x the hours of the week
    percent: int
    registered: int  # parcels registered in the week
    picked_up: int  # parcels picked up in the week
    overdue: int  # parcels whose 72 hours ran out in the week while still waiting

    @property
    def name(self) -> str:
        return self.locker.name or self.locker.device_id


def locker_utilisation_for_user(user: User, *, week_start: date, now: datetime | None = None) -> list[LockerWeek]:
    """Per active locker of the caller's site, the local week [Monday 00:00, next Monday 00:00)
    (Asia/Shanghai, half-open like every range here). A parcel holds its compartment from its
    registration until its pickup (a waiting one until `now`; a returned one without a pickup
    time is not counted); only the part inside the week counts. `overdue` follows the reminder
    task's rule (waiting at registration + 72 h), not its hourly flag, so a week's figure does
    not depend on when the task ran. Nothing for a caller outside the lockers category."""
    if not (user.is_active and user.has_perm(CATEGORIES["lockers"].permission)):
        return []
    now = now or dj_timezone.now()
    since = datetime.combine(week_start, datetime.min.time(), tzinfo=TZ)
    until = datetime.combine(week_start + timedelta(days=7), datetime.min.time(), tzinfo=TZ)
    week_hours = (until - since).total_seconds() / 3600
    lockers = list(lockers_for_desk(user).annotate(compartment_count=Count("compartments")))
    tally: dict[int, dict[str, float]] = {d.pk: {"seconds": 0.0, "registered": 0, "picked_up": 0, "overdue": 0} for d in lockers}
    # One read for the site: every parcel that may touch the week (registered before its end and
    # not picked up before its start; waiting ones of earlier weeks still hold their compartment).
    rows = Parcel.objects.filter(
        site_id=user.site_id or 0, compartment__locker_id__in=list(tally), registered_at__lt=until
    ).filter(Q(picked_up_at__gte=since) | Q(picked_up_at__isnull=True))
    fields = ("compartment__locker_id", "state", "registered_at", "picked_up_at")
    for locker_id, state, registered, picked in rows.values_list(*fields):
        counts = tally[locker_id]
        waiting = state == Parcel.State.WAITING
        held_until = now if waiting else (picked or registered)
        overlap = (min(held_until, until) - max(registered, since)).total_seconds()
        counts["seconds"] += max(overlap, 0.0)
        counts["registered"] += since <= registered < until
        counts["picked_up"] += state == Parcel.State.PICKED_UP and picked is not None and since <= picked < until
        deadline = registered + OVERDUE_AFTER
        if since <= deadline < until and deadline <= now and (waiting or (picked is not None and picked > deadline)):
            counts["overdue"] += 1
    out = []
    for locker in lockers:
        counts = tally[locker.pk]
        compartments = int(getattr(locker, "compartment_count", 0))
        capacity, occupied = compartments * week_hours, counts["seconds"] / 3600
        out.append(
            LockerWeek(
                locker=locker,
                compartments=compartments,
                occupied_hours=round(occupied, 1),
                capacity_hours=round(capacity, 1),
                percent=round(100 * occupied / capacity) if capacity else 0,
                registered=int(counts["registered"]),
                picked_up=int(counts["picked_up"]),
                overdue=int(counts["overdue"]),
            )
        )
    return out
