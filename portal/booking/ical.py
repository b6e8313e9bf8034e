"""iCal feeds (RFC 5545) of a person's or a room's bookings.

Times carry TZID Asia/Shanghai (with its VTIMEZONE). A series is one VEVENT with its RRULE
(UNTIL rewritten as the COUNT it gave, so no client reads UNTIL differently) and every
occurrence that is not held (cancelled, skipped as a clash, rejected, released) as an EXDATE;
single bookings are plain VEVENTs. Only held bookings (active or completed) appear.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from icalendar import Calendar, Event, vRecur

from portal.booking.models import ACTIVE, Booking, Series, Status
from portal.booking.rules import local

SHOWN = (*ACTIVE, Status.COMPLETED)


def _uid(kind: str, pk: int) -> str:
    return f"{kind}-{pk}@smartoffice"


def _event(booking: Booking, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", _uid("booking", booking.pk))
    event.add("dtstamp", stamp)
    event.add("dtstart", local(booking.start))
    event.add("dtend", local(booking.end))
    event.add("summary", booking.title)
    event.add("location", booking.resource.name)
    event.add("status", "TENTATIVE" if booking.status == Status.PENDING else "CONFIRMED")
    return event


def _series_event(series: Series, held: list[Booking], stamp: datetime) -> Event:
    starts = [datetime.fromisoformat(s) for s in series.occurrences]
    rule = vRecur.from_ical(series.rrule.removeprefix("RRULE:"))
    rule.pop("UNTIL", None)
    rule["COUNT"] = [len(starts)]
    first = min(starts)
    event = Event()
    event.add("uid", _uid("series", series.pk))
    event.add("dtstamp", stamp)
    event.add("dtstart", local(first))
    event.add("dtend", local(first + (held[0].end - held[0].start)))
    event.add("summary", series.title)
    event.add("location", series.resource.name)
    event.add("rrule", rule)
    held_starts = {b.start for b in held}
    for start in starts:
        if start not in held_starts:
            event.add("exdate", local(start))
    return event


def calendar_ics(bookings: Iterable[Booking], *, name: str, now: datetime) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//smartoffice//bookings//ZH")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    by_series: dict[int, list[Booking]] = {}
    for booking in bookings:
        if booking.status not in SHOWN:
            continue
        if booking.series_id is not None:
            by_series.setdefault(booking.series_id, []).append(booking)
        else:
            cal.add_component(_event(booking, now))
    for series in Series.objects.filter(pk__in=by_series).select_related("resource"):
        cal.add_component(_series_event(series, by_series[series.pk], now))
    cal.add_missing_timezones()
    return bytes(cal.to_ical())
