"""Every call into the booking engine (portal.booking) lives here: visitor parking is a booking
of a `visitor_parking` resource carrying the visitor's plate.

Plates reach the booking engine already normalised by building/parking/plates.py, so both sides
compare the same strings."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from building.models import Site
from building.parking.plates import validate
from portal.booking.errors import BookingError
from portal.booking.models import Resource
from portal.booking.selectors import visitor_parking_booking_for_plate
from portal.booking.services import booking_create
from portal.models import User

VISITOR_PARKING = "visitor_parking"


class VisitorError(Exception):
    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class VisitorBooking:
    booking_id: int
    host: User | None
    start: datetime
    end: datetime
    plate: str = ""


def _booking(found: Any) -> VisitorBooking:
    return VisitorBooking(int(found.pk), getattr(found, "user", None), found.start, found.end, str(getattr(found, "plate", "")))


def visitor_booking_for(*, site: Site, plate: str, at: datetime) -> VisitorBooking | None:
    """The visitor-parking booking whose window holds `at` for this (normalised) plate, or None."""
    found = visitor_parking_booking_for_plate(site=site, plate=plate, at=at)
    return _booking(found) if found is not None else None


def _resources(site: Site) -> list[Any]:
    found = list(Resource.objects.filter(site=site, kind=VISITOR_PARKING, active=True).order_by("code"))
    if not found:
        raise VisitorError("no_visitor_parking")
    return found


def visitor_invite(*, host: User, plate: str, start: datetime, end: datetime, title: str = "") -> VisitorBooking:
    """Book visitor parking for `plate` (validated here) through the booking engine."""
    normalised = validate(plate)  # PlateError for an impossible plate, before any booking
    if end <= start:
        raise VisitorError("bad_window")
    if host.site is None:
        raise VisitorError("no_visitor_parking")
    last: VisitorError | None = None
    for resource in _resources(host.site):  # the first visitor space free for the whole visit
        try:
            booking = booking_create(
                user=host, resource=resource, start=start, end=end, title=title or normalised, plate=normalised
            )
        except BookingError as exc:  # a reason and a sentence
            last = VisitorError(exc.reason, exc.message)
            if exc.reason != "conflict":
                raise last from exc
            continue
        return replace(_booking(booking), plate=normalised)
    raise last or VisitorError("conflict")
