"""Create, cancel, check in and release reservations: the only code that writes Booking rows
(with services/approvals.py for the vehicle chain)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import islice, pairwise

from dateutil.rrule import rrule as RRule
from dateutil.rrule import rrulestr
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.audit import audit_log
from portal.booking.errors import BookingError, Clash, invalid
from portal.booking.models import ACTIVE, Booking, FeedToken, Resource, ResourceKind, Series, Status
from portal.booking.models.bookings import Stage, new_feed_token
from portal.booking.notify import notify
from portal.booking.rules import CHECK_IN_EARLY, NO_SHOW_AFTER, QUOTAS, aware, local, rules_check
from portal.booking.services.payments import fee_charge, fee_refund
from portal.booking.services.writes import Range, clashes_of, conflict_for, write
from portal.models import User

MAX_OCCURRENCES = 100


# The separators building/parking/plates.py drops (the barrier's reads are normalised there):
# both sides must store and compare the same string.
PLATE_SEPARATORS = re.compile(r"[\s·•・.\-_*/|\u00b7\u2022\u2027\u2219\u22c5\u30fb]")


def plate_normalise(plate: str | None) -> str:
    """As the barrier normalises a read: full-width folded (NFKC), upper case, without separators
    ("京ａ·１２３４５" -> "京A12345"): how plates are stored and compared."""
    return PLATE_SEPARATORS.sub("", unicodedata.normalize("NFKC", plate or "").upper())[:16]


def my_bookings_url(booking: Booking) -> str:
    return f"{reverse('booking:mine')}#booking-{booking.pk}"


def _quota_check(*, user: User, resource: Resource, adding: int, now: datetime) -> None:
    limit = QUOTAS.get(ResourceKind(resource.kind))
    if limit is None:
        return
    # One person's bookings of a quota'd kind are counted one at a time: two concurrent requests
    # for two different machines must not both see "1 held" (PostgreSQL reads committed rows).
    User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True).first()
    held = Booking.objects.filter(user=user, resource__kind=resource.kind, status__in=ACTIVE, end__gt=now).count()
    if held + adding > limit:
        raise BookingError(
            "quota",
            _("You may hold at most %(n)d open %(kind)s bookings.") % {"n": limit, "kind": resource.get_kind_display()},
        )


def _insert(
    *, user: User, resource: Resource, start: datetime, end: datetime, title: str, plate: str, series: Series | None
) -> Booking:
    from portal.booking.services.approvals import approvers_notify, first_stage

    status: str = Status.CONFIRMED
    stage: str = Stage.NONE
    if resource.kind == ResourceKind.VEHICLE:
        status, stage = Status.PENDING, first_stage(user)
    booking = Booking.objects.create(
        site_id=resource.site_id,
        resource=resource,
        user=user,
        series=series,
        title=title,
        start=start,
        end=end,
        status=status,
        stage=stage,
        plate=plate,
        fee_fen=resource.price_fen,
    )
    if booking.fee_fen:
        fee_charge(booking)
    if status == Status.PENDING:
        approvers_notify(booking)
    return booking


def booking_create(
    *,
    user: User,
    resource: Resource,
    start: datetime,
    end: datetime,
    title: str,
    plate: str | None = None,
    at: datetime | None = None,
) -> Booking:
    """Reserve [start, end) of `resource` for `user`: confirmed, or pending for vehicles (approval
    chain). Raises BookingError: "invalid" (with the field), "conflict" (naming the clashing
    time), "quota", "insufficient_funds" (priced slots are paid from the wallet here).
    An entry point (its own durable transaction); inside a caller's: booking_create_in_transaction."""
    return _create(user=user, resource=resource, start=start, end=end, title=title, plate=plate, at=at, durable=True)


def booking_create_in_transaction(
    *,
    user: User,
    resource: Resource,
    start: datetime,
    end: datetime,
    title: str,
    plate: str | None = None,
    at: datetime | None = None,
) -> Booking:
    """booking_create as a step of the caller's transaction (an invitation, seed_demo, an MQTT
    handler in the bridge's batch); a refused booking leaves that transaction usable."""
    return _create(user=user, resource=resource, start=start, end=end, title=title, plate=plate, at=at, durable=False)


def _create(
    *,
    user: User,
    resource: Resource,
    start: datetime,
    end: datetime,
    title: str,
    plate: str | None,
    at: datetime | None,
    durable: bool,
) -> Booking:
    now = at or timezone.now()
    start, end = aware(start), aware(end)
    rules_check(resource=resource, start=start, end=end, now=now)
    text = (title or "").strip()[:200] or resource.name

    def create() -> Booking:
        error = conflict_for(resource, [(start, end)])
        if error is not None:
            raise error
        _quota_check(user=user, resource=resource, adding=1, now=now)
        booking = _insert(
            user=user, resource=resource, start=start, end=end, title=text, plate=plate_normalise(plate), series=None
        )
        audit_log(
            action="booking.booking.create",
            actor=user,
            target=booking,
            data={"resource": resource.pk, "start": start.isoformat(), "end": end.isoformat(), "status": booking.status},
        )
        return booking

    return write(create, resource=resource, ranges=[(start, end)], durable=durable)


@dataclass
class SeriesResult:
    series: Series
    bookings: list[Booking]
    skipped: list[Clash] = field(default_factory=list)


def occurrences_of(rule_text: str, start: datetime) -> list[datetime]:
    """The starts an RRULE gives from `start` (local wall time, so "09:00 weekly" stays 09:00)."""
    text = rule_text.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    first = local(start)
    try:
        try:
            rule = rrulestr(text, dtstart=first)
            naive = False
        except ValueError:  # UNTIL without "Z": read the whole rule in local wall time
            rule = rrulestr(text, dtstart=first.replace(tzinfo=None))
            naive = True
    except (ValueError, TypeError, AttributeError, KeyError) as exc:
        raise invalid("recurrence", _("The recurrence rule is not valid (e.g. FREQ=WEEKLY;COUNT=12).")) from exc
    if not isinstance(rule, RRule):
        raise invalid("recurrence", _("Give one RRULE, e.g. FREQ=WEEKLY;COUNT=12."))
    starts = [s.replace(tzinfo=first.tzinfo) if naive else s for s in islice(rule, MAX_OCCURRENCES + 1)]
    if len(starts) > MAX_OCCURRENCES or not starts:
        raise invalid("recurrence", _("A series has 1 to %(n)d occurrences.") % {"n": MAX_OCCURRENCES})
    return starts


def series_create(
    *,
    user: User,
    resource: Resource,
    start: datetime,
    end: datetime,
    title: str,
    rrule: str,
    on_conflict: str = "refuse",
    plate: str | None = None,
    at: datetime | None = None,
) -> SeriesResult:
    """A recurring booking. on_conflict="refuse": nothing is booked if any date clashes (the error
    names them); "skip": the free dates are booked and the clashing ones listed in `skipped`."""
    if on_conflict not in ("refuse", "skip"):
        raise invalid("on_conflict", _("Choose refuse or skip."))
    now = at or timezone.now()
    start, end = aware(start), aware(end)
    duration = end - start
    starts = occurrences_of(rrule, start)
    ranges: list[Range] = [(s, s + duration) for s in starts]
    if any(later[0] < earlier[1] for earlier, later in pairwise(ranges)):
        raise invalid("recurrence", _("The occurrences of this series would overlap each other."))
    for s, e in ranges:
        rules_check(resource=resource, start=s, end=e, now=now)
    text = (title or "").strip()[:200] or resource.name

    def create() -> SeriesResult:
        hits = clashes_of(resource, ranges)
        if hits and (on_conflict == "refuse" or len(hits) == len(ranges)):
            raise BookingError.conflict([Clash(s, e) for s, e in ranges if (s, e) in hits])
        keep = [r for r in ranges if r not in hits]
        _quota_check(user=user, resource=resource, adding=len(keep), now=now)
        series = Series.objects.create(
            resource=resource,
            user=user,
            title=text,
            rrule=rrule.strip()[:300],
            start=start,
            duration_minutes=int(duration.total_seconds() // 60),
            occurrences=[s.isoformat() for s in starts],
        )
        bookings = [
            _insert(user=user, resource=resource, start=s, end=e, title=text, plate=plate_normalise(plate), series=series)
            for s, e in keep
        ]
        skipped = [Clash(s, e) for s, e in ranges if (s, e) in hits]
        audit_log(
            action="booking.series.create",
            actor=user,
            target=series,
            data={"booked": len(bookings), "skipped": [c.start.isoformat() for c in skipped]},
        )
        return SeriesResult(series, bookings, skipped)

    return write(create, resource=resource, ranges=ranges)


def _cancel_locked(booking: Booking, *, actor: User | str, reason: str, now: datetime) -> None:
    booking.status = Status.CANCELLED
    booking.stage = Stage.NONE
    booking.reason = reason[:200]
    fields = ["status", "stage", "reason", "updated_at"]
    if booking.fee_fen and not booking.refunded and now < booking.start:
        fee_refund(booking)
        booking.refunded = True
        fields.append("refunded")
    booking.save(update_fields=fields)
    audit_log(action="booking.booking.cancel", actor=actor, target=booking, data={"refunded": booking.refunded})


def booking_cancel(*, booking: Booking, actor: User, reason: str = "", at: datetime | None = None) -> Booking:
    """Free the slot. A paid slot cancelled before its start is refunded (once). Cancelling a
    cancelled booking again answers it unchanged."""
    with transaction.atomic(durable=True):
        return booking_cancel_in_transaction(booking=booking, actor=actor, reason=reason, at=at)


def booking_cancel_in_transaction(
    *, booking: Booking, actor: User | str, reason: str = "", at: datetime | None = None
) -> Booking:
    """booking_cancel as a step of the caller's transaction (an invitation being cancelled): the
    slot is free only if the caller commits. Raises BookingError before writing anything."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("booking_cancel_in_transaction runs inside the caller's transaction; call booking_cancel")
    now = at or timezone.now()
    locked = Booking.objects.select_for_update(of=("self",)).select_related("resource", "user").get(pk=booking.pk)
    if locked.status == Status.CANCELLED:
        return locked
    if locked.status not in ACTIVE:
        raise BookingError(
            "state", _("This booking is %(status)s and cannot be cancelled.") % {"status": locked.get_status_display()}
        )
    if locked.end <= now:
        raise BookingError("state", _("This booking is already over."))
    _cancel_locked(locked, actor=actor, reason=reason, now=now)
    return locked


def series_cancel(*, series: Series, actor: User, date_from: date, date_to: date, at: datetime | None = None) -> int:
    """Cancel the series' occurrences on local dates date_from..date_to (inclusive) that have not
    started; each paid one is refunded. Returns how many were cancelled."""
    if date_to < date_from:
        raise invalid("date_to", _("The last date must not be before the first."))
    now = at or timezone.now()
    count = 0
    with transaction.atomic(durable=True):
        for booking in (
            Booking.objects.select_for_update()
            .select_related("resource", "user")
            .filter(series=series, status__in=ACTIVE, start__gt=now)
        ):
            if date_from <= local(booking.start).date() <= date_to:
                _cancel_locked(booking, actor=actor, reason="series", now=now)
                count += 1
    return count


def booking_check_in(*, booking: Booking, actor: User, at: datetime | None = None) -> Booking:
    """Rooms: from 15 minutes before the start until 15 minutes after; later the room is released."""
    now = at or timezone.now()
    with transaction.atomic(durable=True):
        locked = Booking.objects.select_for_update(of=("self",)).select_related("resource").get(pk=booking.pk)
        if locked.resource.kind != ResourceKind.ROOM:
            raise BookingError("state", _("Only meeting rooms need a check-in."))
        if locked.checked_in_at is not None:
            return locked
        if locked.status != Status.CONFIRMED:
            raise BookingError("state", _("This booking is %(status)s.") % {"status": locked.get_status_display()})
        if now < locked.start - CHECK_IN_EARLY:
            raise BookingError("state", _("Check-in opens 15 minutes before the start."))
        if now > locked.start + NO_SHOW_AFTER:
            raise BookingError("late_check_in", _("Too late to check in: the room was released 15 minutes after the start."))
        locked.checked_in_at = now
        locked.save(update_fields=["checked_in_at", "updated_at"])
        audit_log(action="booking.booking.check_in", actor=actor, target=locked)
    return locked


def bookings_release_no_shows(*, at: datetime | None = None) -> int:
    """Rooms not checked in 15 minutes after their start become no_show; the room is free again."""
    now = at or timezone.now()
    released = 0
    with transaction.atomic(durable=True):
        due = (
            Booking.objects.select_for_update()
            .select_related("resource", "user")
            .filter(
                resource__kind=ResourceKind.ROOM,
                status=Status.CONFIRMED,
                checked_in_at__isnull=True,
                start__lte=now - NO_SHOW_AFTER,
                start__gte=now - timedelta(days=2),
            )
        )
        for booking in due:
            booking.status = Status.NO_SHOW
            booking.save(update_fields=["status", "updated_at"])
            audit_log(action="booking.booking.no_show", actor="system", target=booking)
            notify(
                user=booking.user,
                kind="booking.no_show",
                title=gettext_lazy("Room released: %(room)s"),
                body=gettext_lazy("Nobody checked in within 15 minutes of %(start)s, so the room was released."),
                params={"room": booking.resource.name, "start": f"{local(booking.start):%m-%d %H:%M}"},
                url=my_bookings_url(booking),
                target=booking,
            )
            released += 1
    return released


def feed_token_reset(*, user: User) -> FeedToken:
    """A new secret for the person's iCal feed URL: the old URL stops working at once."""
    with transaction.atomic(durable=True):
        feed, created = FeedToken.objects.select_for_update().get_or_create(user=user)
        if not created:
            feed.token = new_feed_token()
            feed.save(update_fields=["token"])
        audit_log(action="booking.feed.reset", actor=user, target=feed)
    return feed


def room_feed_reset(*, resource: Resource, actor: User) -> Resource:
    """A new secret for a room's iCal feed (the back office): the old URL stops working at once."""
    with transaction.atomic(durable=True):
        Resource.objects.filter(pk=resource.pk).update(feed_token=new_feed_token())
        resource.refresh_from_db(fields=["feed_token"])
        audit_log(action="booking.resource.feed_reset", actor=actor, target=resource)
    return resource
