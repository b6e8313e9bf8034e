"""devices.dispatch: one inbound MQTT message -> at most one domain service.

parse (once: topic, device, envelope, route, `data` by the route's schema) -> [prepare, outside
any transaction] -> handle: dedupe by id -> the service runs inside this message's transaction
-> the answer (or an `error` cmd) is published after commit. parse() and the handling never
raise for bad input: every refusal is an audit row, a dead letter, and an `error` cmd when the
sender is a known device. What a handler bug or the database does is devices.isolation's job.
"""

from __future__ import annotations

import contextlib
import copy
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction

from core.audit import audit_log
from devices import registry
from devices.commands import command_resend, command_send
from devices.dead_letters import dead_letter_record
from devices.models import Device, DeviceMessage
from devices.protocol import (
    Envelope,
    ProtocolError,
    Status,
    TopicAddress,
    envelope_of,
    id_in,
    json_object,
    parse_topic,
    printable,
    status_of,
)
from devices.registry_cache import device_lookup
from devices.services import device_message_record, device_seen, device_status_set

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    status: str  # accepted | duplicate | rejected | dropped
    reason: str = ""
    reply_type: str | None = None


@dataclass(frozen=True)
class Message:
    """One inbound message, parsed once; prepare and handle both read this same object.

    `error` is the refusal found while parsing (answered before the dedupe row); `data_error`
    is a schema violation of `data` (answered after it, so a retry is a duplicate)."""

    topic: str
    payload: bytes
    received_at: datetime
    address: TopicAddress | None = None
    device: Device | None = None  # None: unknown, deactivated, or the topic was not readable
    status: Status | None = None
    envelope: Envelope | None = None  # with .parsed when the route's schema accepted `data`
    route: registry.Route | None = None
    error: ProtocolError | None = None
    data_error: ProtocolError | None = None
    re: str | None = None  # the id to answer to, as far as it could be read


def _body(address: TopicAddress, payload: bytes) -> tuple[Status | None, Envelope | None, str | None, ProtocolError | None]:
    """Pure: no database. (status, envelope, the id as far as it could be read, the refusal)."""
    if len(payload) > settings.MQTT_MAX_PAYLOAD_BYTES:
        return None, None, None, ProtocolError("too_large", f"{len(payload)} bytes > {settings.MQTT_MAX_PAYLOAD_BYTES}")
    msg_id = None
    try:
        body = json_object(payload)
        if address.channel == "status":
            return status_of(body), None, None, None
        msg_id = id_in(body)
        return None, envelope_of(body), msg_id, None
    except ProtocolError as exc:
        return None, None, msg_id, exc
    except Exception as exc:  # a bug in a pure step: this message is refused, not the batch
        logger.exception("parsing a message on %s failed", printable(address.device, 64))
        return None, None, msg_id, ProtocolError("internal_error", exc.__class__.__name__)


def parse(topic: str, payload: bytes, received_at: datetime) -> Message:
    """Everything about a message that does not write: the JSON (with limits) before the device
    lookup, the only read (a per-process cache). Raises only what the database raises."""
    try:
        address = parse_topic(topic)
    except ProtocolError as exc:
        return Message(topic, payload, received_at, error=exc)
    status, envelope, msg_id, error = _body(address, payload)
    device = device_lookup(address.site, address.device)
    if device is None:
        unknown = ProtocolError("unknown_device", f"no active device {address.site}/{address.device}")
        return Message(topic, payload, received_at, address, error=unknown)
    route, data_error = None, None
    if envelope is not None and error is None:
        route = registry.route_for(channel=address.channel, kind=device.kind, msg_type=envelope.type)
        if route is None:
            data_error = ProtocolError("unsupported", f"a {device.kind} does not send {address.channel} {envelope.type!r}")
        else:
            try:
                envelope = replace(envelope, parsed=route.validate(envelope.data))
            except ProtocolError as exc:
                data_error = exc
            except Exception as exc:  # a validator that raises something else is a bug: refuse the message
                logger.exception("validating %s failed", printable(topic, 200))
                data_error = ProtocolError("internal_error", exc.__class__.__name__)
    return Message(topic, payload, received_at, address, device, status, envelope, route, error, data_error, msg_id)


@dataclass(frozen=True)
class Prepared:
    """What a route's prepare step computed for one message: a result, or the ProtocolError it raised."""

    result: Any = None
    error: ProtocolError | None = None


def prepare_job(message: Message) -> Callable[[], Prepared | None] | None:
    """The route's CPU-heavy preparer for this message, ready to run outside any transaction (the
    bridge runs a batch's jobs concurrently), or None when there is nothing to prepare."""
    route, device, envelope = message.route, message.device, message.envelope
    if route is None or route.prepare is None or device is None or envelope is None or envelope.parsed is None:
        return None
    if message.error is not None or message.data_error is not None:
        return None
    preparer = route.prepare

    def run() -> Prepared | None:
        try:
            return Prepared(result=preparer(device, envelope))
        except ProtocolError as exc:
            return Prepared(error=exc)
        except Exception:
            logger.exception("preparing %s failed; the handler runs without it", printable(message.topic, 200))
            return None

    return run


def reject(message: Message, error: ProtocolError) -> Outcome:
    """Audit and dead-letter the refusal; answer with an `error` cmd only a known device's own cmd topic."""
    device, address = message.device, message.address
    audit_log(
        action="devices.message.reject",
        actor=str(device) if device else "mqtt",
        target=device,
        data={
            "topic": printable(message.topic, 200),
            "reason": error.reason,
            "detail": printable(error.detail, 500),
            "re": message.re,
        },
    )
    if device is not None or address is None or address.channel != "status":
        # (Not the retained status of devices unknown here: every bridge start would see them again.)
        dead_letter_record(
            topic=message.topic,
            device=device,
            received_at=message.received_at,
            reason=error.reason,
            detail=error.detail,
            payload=message.payload,
        )
    if device is not None and address is not None:
        text = printable(error.text, 1000)
        command_send(site=address.site, device=address.device, type="error", data={"reason": text}, re=message.re)
        return Outcome("rejected", error.reason, "error")
    return Outcome("dropped", error.reason)


def handle(topic: str, payload: bytes, received_at: datetime, prepared: Prepared | None = None) -> Outcome:
    """Parse and handle one message atomically (tests, tools); the bridge parses once itself."""
    return handle_message(parse(topic, payload, received_at), prepared)


def handle_message(message: Message, prepared: Prepared | None = None, *, savepoints: bool = True) -> Outcome:
    """Handle one parsed message atomically. Nested in a caller's transaction it is one savepoint.

    savepoints=False is the bridge's fast path for a whole batch in one transaction: no
    savepoint round trips, and any exception (even bad data inside a handler, which may have
    written already) propagates so the caller rolls the batch back and isolates each message.
    """
    if not savepoints:
        return _handle(message, prepared, isolated=False)
    try:
        with transaction.atomic():
            return _handle(message, prepared, isolated=True)
    except (OperationalError, InterfaceError):
        raise  # the database itself: devices.isolation decides between retrying and giving up
    except Exception as exc:  # a bug in a handler: record it, answer, keep the bridge running
        logger.exception("handler failed for %s", printable(message.topic, 200))
        with transaction.atomic():
            return reject(message, ProtocolError("internal_error", exc.__class__.__name__))


def _handle(message: Message, prepared: Prepared | None, *, isolated: bool) -> Outcome:
    if message.error is not None or message.device is None or message.address is None:
        return reject(message, message.error or ProtocolError("internal_error", "unparsed"))
    # A copy: services set presence fields on it, and a rolled-back attempt must not leave them
    # behind for the retry of the same parsed message.
    device, address = copy.copy(message.device), message.address
    if message.status is not None:
        device_status_set(device=device, online=message.status.online, at=message.received_at)
        return Outcome("accepted")
    envelope = message.envelope
    if envelope is None:
        return reject(message, ProtocolError("internal_error", "no envelope"))

    record = device_message_record(
        device=device,
        msg_id=envelope.id,
        channel=address.channel,
        type=envelope.type,
        device_ts=envelope.ts,
        received_at=message.received_at,
    )
    if record is None:
        original = DeviceMessage.objects.filter(device=device, msg_id=envelope.id).values_list("reply", flat=True).first()
        if original:
            command_resend(site=address.site, device=address.device, body=original)
        return Outcome("duplicate")
    device_seen(device=device, at=message.received_at)

    route = message.route
    if message.data_error is not None or route is None:  # before the handler: nothing written yet
        DeviceMessage.objects.filter(pk=record.pk).update(outcome="rejected")
        return reject(message, message.data_error or ProtocolError("unsupported", envelope.type))
    try:
        if prepared is not None and prepared.error is not None:
            raise prepared.error
        if prepared is not None:
            envelope = replace(envelope, prepared=prepared.result)
        with transaction.atomic() if isolated else contextlib.nullcontext():
            reply = route.handler(device, envelope)
    except ProtocolError as exc:  # the data inside a valid envelope was wrong
        if not isolated:
            raise  # the handler may have written before it raised: the batch is isolated
        DeviceMessage.objects.filter(pk=record.pk).update(outcome="rejected")
        return reject(message, exc)
    if reply is None:
        return Outcome("accepted")
    answer = command_send(site=address.site, device=address.device, type=reply.type, data=reply.data, re=envelope.id)
    DeviceMessage.objects.filter(pk=record.pk).update(reply=answer)
    return Outcome("accepted", reply_type=reply.type)
