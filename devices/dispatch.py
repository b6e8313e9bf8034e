"""devices.dispatch.handle: one inbound MQTT message -> at most one domain service.

parse topic -> authenticate (registry) -> size -> parse envelope -> dedupe by id -> route by
(kind, type) -> the service runs inside this message's transaction -> the answer (or an
`error` cmd) is published after commit. It never raises for bad input: every rejection is an
audit row, and an `error` cmd when the sender is a known device.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import DatabaseError, transaction

from core.audit import audit_log
from devices import registry
from devices.commands import command_resend, command_send
from devices.models import Device
from devices.protocol import ProtocolError, TopicAddress, envelope_id_of, parse_envelope, parse_status, parse_topic
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
    return (
        Device.objects.select_related("site")
        .filter(site__code=address.site, device_id=address.device, is_active=True)
        .first()
    )


def handle(topic: str, payload: bytes, received_at: datetime) -> Outcome:
    """Handle one message atomically. Nested in a caller's transaction it is one savepoint."""
    try:
        with transaction.atomic():
            return _handle(topic, payload, received_at)
    except DatabaseError:
        raise  # the caller retries the batch: the message is not acknowledged yet
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


def _handle(topic: str, payload: bytes, received_at: datetime) -> Outcome:
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
        record.outcome = "rejected"
        record.save(update_fields=["outcome"])
        return outcome
    try:
        with transaction.atomic():
            reply = handler(device, envelope)
    except ProtocolError as exc:  # the data inside a valid envelope was wrong
        record.outcome = "rejected"
        record.save(update_fields=["outcome"])
        return _reject(device=device, address=address, topic=topic, error=exc, re=envelope.id)
    if reply is None:
        return Outcome("accepted")
    record.reply = command_send(
        site=address.site, device=address.device, type=reply.type, data=reply.data, re=envelope.id
    )
    record.save(update_fields=["reply"])
    return Outcome("accepted", reply_type=reply.type)
