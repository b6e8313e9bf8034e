"""devices.dispatch.handle: one inbound MQTT message -> at most one domain service.

parse topic -> authenticate (registry) -> size -> parse envelope -> dedupe by id -> route by
(kind, type) -> the service runs inside this message's transaction -> the answer (or an
`error` cmd) is published after commit. It never raises for bad input: every rejection is an
audit row, and an `error` cmd when the sender is a known device.
"""

from __future__ import annotations

import contextlib
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
from devices.models import Device, DeviceMessage
from devices.protocol import ProtocolError, TopicAddress, envelope_id_of, parse_envelope, parse_status, parse_topic
from devices.registry_cache import device_lookup
from devices.services import device_message_record, device_seen, device_status_set

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    status: str  # accepted | duplicate | rejected | dropped
    reason: str = ""
    reply_type: str | None = None


def _reject(
    *, device: Device | None, address: TopicAddress | None, topic: str, error: ProtocolError, re: str | None
) -> Outcome:
    """Audit the rejection; answer with an `error` cmd only to a known device's own cmd topic."""
    audit_log(
        action="devices.message.reject",
        actor=str(device) if device else "mqtt",
        target=device,
        data={"topic": topic[:200], "reason": error.reason, "detail": error.detail[:500], "re": re},
    )
    if device is not None and address is not None:
        command_send(site=address.site, device=address.device, type="error", data={"reason": error.text}, re=re)
        return Outcome("rejected", error.reason, "error")
    return Outcome("dropped", error.reason)


def _authenticate(address: TopicAddress) -> Device | None:
    return device_lookup(address.site, address.device)


@dataclass(frozen=True)
class Prepared:
    """What prepare() computed for one message: a result, or the ProtocolError it raised."""

    result: Any = None
    error: ProtocolError | None = None


def prepare_job(topic: str, payload: bytes) -> Callable[[], Prepared | None] | None:
    """The handler's CPU-heavy preparer for this message, ready to run outside any transaction
    (the bridge runs a batch's jobs concurrently), or None when it has none. Cheap and read-only:
    whatever fails here is found again, and answered, by handle()."""
    try:
        address = parse_topic(topic)
        if address.channel == "status" or len(payload) > settings.MQTT_MAX_PAYLOAD_BYTES:
            return None
        envelope = parse_envelope(payload)
        device = _authenticate(address)
        if device is None:
            return None
        preparer = registry.lookup_preparer(channel=address.channel, kind=device.kind, msg_type=envelope.type)
    except ProtocolError:
        return None
    if preparer is None:
        return None

    def run() -> Prepared | None:
        try:
            return Prepared(result=preparer(device, envelope))
        except ProtocolError as exc:
            return Prepared(error=exc)
        except Exception:
            logger.exception("preparing %s failed; the handler runs without it", topic)
            return None

    return run


def prepare(topic: str, payload: bytes) -> Prepared | None:
    job = prepare_job(topic, payload)
    return job() if job is not None else None


def handle(
    topic: str, payload: bytes, received_at: datetime, prepared: Prepared | None = None, *, savepoints: bool = True
) -> Outcome:
    """Handle one message atomically. Nested in a caller's transaction it is one savepoint.

    savepoints=False is the bridge's fast path for a whole batch in one transaction: no
    savepoint round trips, and any exception (even bad data inside a handler, which may have
    written already) propagates so the caller rolls the batch back and replays it with
    savepoints=True, where each message is isolated and answered.
    """
    if not savepoints:
        return _handle(topic, payload, received_at, prepared, isolated=False)
    try:
        with transaction.atomic():
            return _handle(topic, payload, received_at, prepared, isolated=True)
    except (OperationalError, InterfaceError):
        raise  # the database itself: the caller retries the batch, the message is not acknowledged yet
    except Exception as exc:  # a bug in a handler: record it, answer, keep the bridge running
        logger.exception("handler failed for %s", topic)
        with transaction.atomic():
            error = ProtocolError("internal_error", exc.__class__.__name__)
            try:
                address = parse_topic(topic)
                device = _authenticate(address)
            except ProtocolError:
                address, device = None, None
            return _reject(device=device, address=address, topic=topic, error=error, re=envelope_id_of(payload))


def _handle(topic: str, payload: bytes, received_at: datetime, prepared: Prepared | None, *, isolated: bool) -> Outcome:
    try:
        address = parse_topic(topic)
    except ProtocolError as exc:
        return _reject(device=None, address=None, topic=topic, error=exc, re=None)
    device = _authenticate(address)
    if device is None:
        error = ProtocolError("unknown_device", f"no active device {address.site}/{address.device}")
        return _reject(device=None, address=address, topic=topic, error=error, re=None)
    if len(payload) > settings.MQTT_MAX_PAYLOAD_BYTES:
        error = ProtocolError("too_large", f"{len(payload)} bytes > {settings.MQTT_MAX_PAYLOAD_BYTES}")
        return _reject(device=device, address=address, topic=topic, error=error, re=None)

    if address.channel == "status":
        try:
            status = parse_status(payload)
        except ProtocolError as exc:
            return _reject(device=device, address=address, topic=topic, error=exc, re=None)
        device_status_set(device=device, online=status.online, at=received_at)
        return Outcome("accepted")

    try:
        envelope = parse_envelope(payload)
    except ProtocolError as exc:
        return _reject(device=device, address=address, topic=topic, error=exc, re=envelope_id_of(payload))

    record = device_message_record(
        device=device,
        msg_id=envelope.id,
        channel=address.channel,
        type=envelope.type,
        device_ts=envelope.ts,
        received_at=received_at,
    )
    if record is None:
        original = device.messages.filter(msg_id=envelope.id).values_list("reply", flat=True).first()
        if original:
            command_resend(site=address.site, device=address.device, body=original)
        return Outcome("duplicate")
    device_seen(device=device, at=received_at)

    handler = registry.lookup(channel=address.channel, kind=device.kind, msg_type=envelope.type)
    if handler is None:
        error = ProtocolError("unsupported", f"a {device.kind} does not send {address.channel} {envelope.type!r}")
        outcome = _reject(device=device, address=address, topic=topic, error=error, re=envelope.id)
        DeviceMessage.objects.filter(pk=record.pk).update(outcome="rejected")
        return outcome
    try:
        if prepared is not None and prepared.error is not None:
            raise prepared.error
        if prepared is not None:
            envelope = replace(envelope, prepared=prepared.result)
        with transaction.atomic() if isolated else contextlib.nullcontext():
            reply = handler(device, envelope)
    except ProtocolError as exc:  # the data inside a valid envelope was wrong
        if not isolated:
            raise  # the handler may have written before it raised: the batch is replayed isolated
        DeviceMessage.objects.filter(pk=record.pk).update(outcome="rejected")
        return _reject(device=device, address=address, topic=topic, error=exc, re=envelope.id)
    if reply is None:
        return Outcome("accepted")
    answer = command_send(site=address.site, device=address.device, type=reply.type, data=reply.data, re=envelope.id)
    DeviceMessage.objects.filter(pk=record.pk).update(reply=answer)
    return Outcome("accepted", reply_type=reply.type)
