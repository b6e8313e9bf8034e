"""The serialized write path every reservation goes through, and the clash lookup.

PostgreSQL: the exclusion constraint `booking_no_overlap` (migration 0002) is the arbiter; a
concurrent insert waits for the first one's commit and then fails, which becomes a 409 here.
SQLite: BEGIN IMMEDIATE (config/settings/env.py) makes each write transaction take the database
write lock before its re-check, so check-then-insert is atomic across processes; a process-wide
lock on top keeps threads of one process from busy-waiting on SQLite's lock (fair, no timeouts).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import TypeVar

from django.db import IntegrityError, connection, transaction

from portal.booking.errors import BookingError, Clash
from portal.booking.models import ACTIVE, Booking, Resource

T = TypeVar("T")
OVERLAP_CONSTRAINT = "booking_no_overlap"
# Re-entrant: on-commit callbacks run while the lock is still held (inside `serialized_transaction`,
# as its transaction exits), and one of them may book in turn (a revoked pass freeing its parking).
# The outer transaction has committed by then, so the same thread taking the lock again is safe.
_SQLITE_WRITER = threading.RLock()

Range = tuple[datetime, datetime]


@contextmanager
def _serialized() -> Iterator[None]:
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        with _SQLITE_WRITER:
            yield
    else:
        yield


@contextmanager
def serialized_transaction() -> Iterator[None]:
    """An entry point's durable transaction on the serialized write path, for a service that
    books as one step of a bigger write of its own (an invitation: pass + parking + notice)."""
    with _serialized(), transaction.atomic(durable=True):
        yield


def clashes_of(resource: Resource, ranges: Sequence[Range], *, exclude: int | None = None) -> dict[Range, list[Booking]]:
    """Active bookings of `resource` overlapping each half-open range (only ranges that clash)."""
    if not ranges:
        return {}
    rows = Booking.objects.filter(
        resource=resource, status__in=ACTIVE, start__lt=max(e for _, e in ranges), end__gt=min(s for s, _ in ranges)
    )
    if exclude is not None:
        rows = rows.exclude(pk=exclude)
    found = list(rows.order_by("start"))
    out: dict[Range, list[Booking]] = {}
    for start, end in ranges:
        hit = [b for b in found if b.start < end and b.end > start]
        if hit:
            out[(start, end)] = hit
    return out


def conflict_for(resource: Resource, ranges: Sequence[Range], *, exclude: int | None = None) -> BookingError | None:
    hits = clashes_of(resource, ranges, exclude=exclude)
    if not hits:
        return None
    return BookingError.conflict([Clash(b.start, b.end) for bookings in hits.values() for b in bookings])


def write(
    fn: Callable[[], T], *, resource: Resource, ranges: Sequence[Range], exclude: int | None = None, durable: bool = True
) -> T:
    """Run `fn` (which re-checks and writes) in the serialized path; an overlap the database
    refused becomes BookingError("conflict") naming what is booked there now.

    durable: an entry point's own transaction. Otherwise a step of the caller's transaction, in a
    savepoint (so a refused overlap leaves the caller's transaction usable)."""
    if not durable and not connection.in_atomic_block:
        raise RuntimeError("a step of a transaction: call it inside transaction.atomic(), or use the durable service")
    try:
        with _serialized(), transaction.atomic(durable=durable):
            return fn()
    except IntegrityError as exc:
        if OVERLAP_CONSTRAINT not in str(exc):
            raise
        error = conflict_for(resource, ranges, exclude=exclude)
        raise (error or BookingError.conflict([Clash(s, e) for s, e in ranges])) from exc
