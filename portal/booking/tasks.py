"""Beat tasks: adapt and call one service (idempotent: running twice changes nothing more)."""

from __future__ import annotations

from celery import shared_task

from portal.booking.services.bookings import bookings_release_no_shows
from portal.booking.services.lockers import parcels_remind


@shared_task(name="portal.booking.tasks.no_shows_release")
def no_shows_release() -> int:
    return bookings_release_no_shows()


@shared_task(name="portal.booking.tasks.parcels_remind")
def parcels_remind_task() -> int:
    return parcels_remind()
