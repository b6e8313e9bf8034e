"""What a resource of each kind accepts: opening hours, fixed slots, lengths, quotas."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _

from portal.booking.errors import invalid
from portal.booking.models import Resource, ResourceKind

TZ = ZoneInfo(settings.TIME_ZONE)
PAST_GRACE = timedelta(minutes=15)  # a booking may start a little in the past (a walk-in)
HORIZON = timedelta(days=366)
MAX_LENGTH = {
    ResourceKind.ROOM: timedelta(hours=12),
    ResourceKind.VEHICLE: timedelta(days=7),
    ResourceKind.VISITOR_PARKING: timedelta(days=7),
}
# Open (active and not yet over) bookings one person may hold per kind.
QUOTAS = {ResourceKind.LAUNDRY: 2, ResourceKind.CAR_WASH: 2}
CHECK_IN_EARLY = timedelta(minutes=15)
NO_SHOW_AFTER = timedelta(minutes=15)


def local(at: datetime) -> datetime:
    return at.astimezone(TZ)


def aware(at: datetime) -> datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=TZ)


def opening(resource: Resource, day: date) -> tuple[datetime, datetime]:
    """The resource's open [from, until) on local `day` (all day when opens_at == closes_at)."""
    opens = datetime.combine(day, resource.opens_at, tzinfo=TZ)
    closes_day = day if resource.closes_at > resource.opens_at else day + timedelta(days=1)
    return opens, datetime.combine(closes_day, resource.closes_at, tzinfo=TZ)


def rules_check(*, resource: Resource, start: datetime, end: datetime, now: datetime) -> None:
    if not resource.active:
        raise invalid("resource", _("This resource cannot be booked at the moment."))
    if end <= start:
        raise invalid("end", _("The end must be after the start."))
    if start < now - PAST_GRACE:
        raise invalid("start", _("The start is in the past."))
    if start > now + HORIZON:
        raise invalid("start", _("Bookings open at most a year ahead."))
    longest = MAX_LENGTH.get(ResourceKind(resource.kind))
    if longest is not None and end - start > longest:
        raise invalid(
            "end", _("This booking is too long (at most %(hours)d hours).") % {"hours": longest.total_seconds() // 3600}
        )
    opens, closes = opening(resource, local(start).date())
    if not resource.all_day and (start < opens or end > closes):
        raise invalid(
            "start",
            _("%(name)s is open from %(opens)s to %(closes)s.")
            % {"name": resource.name, "opens": f"{resource.opens_at:%H:%M}", "closes": f"{resource.closes_at:%H:%M}"},
        )
    if resource.slot_minutes:
        slot = timedelta(minutes=resource.slot_minutes)
        if end - start != slot:
            raise invalid(
                "end", _("%(name)s is booked in slots of %(n)d minutes.") % {"name": resource.name, "n": resource.slot_minutes}
            )
        if (start - opens) % slot:
            raise invalid(
                "start",
                _("Slots start at %(first)s and every %(n)d minutes after.")
                % {"first": f"{resource.opens_at:%H:%M}", "n": resource.slot_minutes},
            )
