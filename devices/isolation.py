"""One message, one transaction, and nothing escapes: the bridge's slow path (and the replay's).

A message that fails for any reason (a handler bug, a value the database refuses, a reply that
cannot be built) is rolled back alone, recorded as a dead letter, answered with an `error` cmd
where the sender is known, and reported as handled so the bridge acknowledges it. The one
thing not swallowed is a database that does not answer at all (`SELECT 1` fails): then no
message can be handled and the caller waits (DatabaseUnavailable) instead of dead-lettering
every message of the building.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction

from devices import dispatch
from devices.dead_letters import dead_letter_record
from devices.protocol import ProtocolError, printable

logger = logging.getLogger(__name__)

MESSAGE_DB_RETRIES = 3  # a message that raises a database error this often, with the database up, is poison
RETRY_DELAY_S = 0.2


class DatabaseUnavailable(Exception):
    """The database does not answer `SELECT 1`: wait for it, do not blame the message."""


def database_reachable() -> bool:
    """A fresh connection answers `SELECT 1` (outside any transaction: the old one may be broken)."""
    try:
        if not connection.in_atomic_block:
            connection.close()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        return False


def prepare_now(message: dispatch.Message) -> dispatch.Prepared | None:
    job = dispatch.prepare_job(message)
    return job() if job is not None else None


def handle_isolated(
    message: dispatch.Message, prepared: dispatch.Prepared | None, *, before: Callable[[], None] | None = None
) -> dispatch.Outcome:
    """Handle `message` in its own transaction (`before` runs first, inside it). Never raises but
    DatabaseUnavailable; every other failure ends as a dead letter."""
    failure: Exception | None = None
    for attempt in range(MESSAGE_DB_RETRIES):
        try:
            with transaction.atomic():
                if before is not None:
                    before()
                return dispatch.handle_message(message, prepared)
        except (OperationalError, InterfaceError) as exc:
            failure = exc
            if not database_reachable():
                raise DatabaseUnavailable(exc.__class__.__name__) from exc
            time.sleep(RETRY_DELAY_S * 2**attempt)  # a lock or a blip clears; poison does not
        except Exception as exc:  # anything else is this message's own fault: no retry
            failure = exc
            break
    assert failure is not None
    return _last_resort(message, failure, before)


def _last_resort(message: dispatch.Message, failure: Exception, before: Callable[[], None] | None) -> dispatch.Outcome:
    reason = "database_error" if isinstance(failure, DatabaseError) else "internal_error"
    detail = f"{failure.__class__.__name__}: {printable(str(failure), 300)}"
    if failure.__context__ is not None:  # e.g. the error answer failed while answering a handler bug
        cause = failure.__context__
        detail += f" (while handling {cause.__class__.__name__}: {printable(str(cause), 300)})"
    error = ProtocolError(reason, detail)
    logger.error("bridge: %s failed (%s); dead-lettered", printable(message.topic, 200), error.text, exc_info=failure)
    try:
        with transaction.atomic():
            if before is not None:
                before()
            return dispatch.reject(message, error)
    except Exception as exc:  # not even the answer could be written: keep the bare dead letter
        if isinstance(exc, (OperationalError, InterfaceError)) and not database_reachable():
            raise DatabaseUnavailable(exc.__class__.__name__) from exc
        logger.exception("bridge: could not answer %s", printable(message.topic, 200))
    try:
        with transaction.atomic():
            dead_letter_record(
                topic=message.topic,
                device=message.device,
                received_at=message.received_at,
                reason=reason,
                detail=error.detail,
                payload=message.payload,
            )
    except Exception as exc:
        if isinstance(exc, (OperationalError, InterfaceError)) and not database_reachable():
            raise DatabaseUnavailable(exc.__class__.__name__) from exc
        logger.exception("bridge: could not even dead-letter %s; acknowledging it anyway", printable(message.topic, 200))
    return dispatch.Outcome("dropped", reason)
