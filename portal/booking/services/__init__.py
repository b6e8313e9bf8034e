"""The booking engine: the only writer of reservations (see docs/booking.md).

`booking_create` is also the interface of building/parking (visitor parking)."""

from portal.booking.errors import BookingError
from portal.booking.services.approvals import booking_approve, booking_reject, booking_resubmit, trip_record
from portal.booking.services.bookings import (
    booking_cancel,
    booking_cancel_in_transaction,
    booking_check_in,
    booking_create,
    booking_create_in_transaction,
    bookings_release_no_shows,
    feed_token_reset,
    plate_normalise,
    room_feed_reset,
    series_cancel,
    series_create,
)

__all__ = [
    "BookingError",
    "booking_approve",
    "booking_cancel",
    "booking_cancel_in_transaction",
    "booking_check_in",
    "booking_create",
    "booking_create_in_transaction",
    "booking_reject",
    "booking_resubmit",
    "bookings_release_no_shows",
    "feed_token_reset",
    "plate_normalise",
    "room_feed_reset",
    "series_cancel",
    "series_create",
    "trip_record",
]
