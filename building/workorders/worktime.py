"""Business time on the Chinese working calendar.

A deadline counts working hours only: the site's periods (default 08:30-12:00 and 13:30-17:30) on
working days, where a working day is Monday-Friday unless WorkCalendarDay says otherwise (the
official holidays and make-up working weekends, 调休). Pauses (waiting for parts, done until a
reopen) do not count. 'urgent' orders run on wall-clock time (24x7), pauses still excluded.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

from building.models import Site
from building.workorders.models import SiteWorkingHours, WorkCalendarDay

DEFAULT_PERIODS = "08:30-12:00,13:30-17:30"
LOOKAHEAD_DAYS = 62  # calendar rows fetched per query
MAX_DAYS = 3 * 366  # a deadline further than this is a configuration error, not a loop


class CalendarError(ValueError):
    pass


def parse_periods(text: str) -> list[tuple[time, time]]:
    periods = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        try:
            a, b = (time.fromisoformat(x.strip()) for x in part.split("-"))
        except ValueError as exc:
            raise CalendarError(f"bad working period {part!r}: use HH:MM-HH:MM") from exc
        if not a < b:
            raise CalendarError(f"bad working period {part!r}: the end must be after the start")
        periods.append((a, b))
    periods.sort()
    if not periods:
        raise CalendarError("no working period")
    return periods


def site_periods(site: Site | None) -> list[tuple[time, time]]:
    row = SiteWorkingHours.objects.filter(site=site).first() if site is not None else None
    return parse_periods(row.periods if row else DEFAULT_PERIODS)


class WorkingDays:
    """Whether a date is a working day, reading the calendar rows in chunks."""

    def __init__(self) -> None:
        self._known: dict[date, bool] = {}
        self._first = date.min
        self._loaded_until: date | None = None

    def is_workday(self, day: date) -> bool:
        if self._loaded_until is None or day > self._loaded_until or day < self._first:
            self._first = day
            self._loaded_until = day + timedelta(days=LOOKAHEAD_DAYS)
            rows = WorkCalendarDay.objects.filter(date__gte=day, date__lte=self._loaded_until)
            self._known = dict(rows.values_list("date", "is_workday"))
        return self._known.get(day, day.weekday() < 5)


def _open_intervals(start: datetime, periods: list[tuple[time, time]], wall_clock: bool) -> Iterator[tuple[datetime, datetime]]:
    tz = ZoneInfo(settings.TIME_ZONE)
    local = start.astimezone(tz)
    days = WorkingDays()
    for offset in range(MAX_DAYS):
        day = local.date() + timedelta(days=offset)
        if wall_clock:
            a = datetime.combine(day, time(0), tz)
            yield max(a, start), datetime.combine(day + timedelta(days=1), time(0), tz)
            continue
        if not days.is_workday(day):
            continue
        for p_start, p_end in periods:
            a, b = datetime.combine(day, p_start, tz), datetime.combine(day, p_end, tz)
            if b > start:
                yield max(a, start), b
    raise CalendarError("no working time within three years: check the calendar")


def _minus_pauses(a: datetime, b: datetime, pauses: Sequence[tuple[datetime, datetime]]) -> Iterator[tuple[datetime, datetime]]:
    cursor = a
    for p_start, p_end in pauses:  # sorted, closed
        if p_end <= cursor or p_start >= b:
            continue
        if p_start > cursor:
            yield cursor, p_start
        cursor = max(cursor, p_end)
        if cursor >= b:
            return
    if cursor < b:
        yield cursor, b


def business_due(
    start: datetime,
    hours: float,
    site: Site | None = None,
    *,
    pauses: Sequence[tuple[datetime, datetime]] = (),
    wall_clock: bool = False,
) -> datetime:
    """The moment `hours` of working time after `start` (aware), not counting `pauses`."""
    if start.tzinfo is None:
        raise CalendarError("start must be an aware datetime")
    if hours < 0:
        raise CalendarError("hours must not be negative")
    remaining = timedelta(hours=hours)
    if not remaining:
        return start
    ordered = sorted(pauses)
    for a, b in _open_intervals(start, site_periods(site), wall_clock):
        for x, y in _minus_pauses(a, b, ordered):
            if y - x >= remaining:
                return x + remaining
            remaining -= y - x
    raise CalendarError("unreachable")  # pragma: no cover - _open_intervals raises first
