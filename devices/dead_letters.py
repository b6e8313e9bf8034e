"""Dead letters: the inbound messages that were not applied, recorded, purged, and replayed.

Every message the dispatcher refuses or that fails at any step lands here (devices.dispatch
and devices.isolation), so nothing a device sent disappears without a row to look at. Replay
runs them through the bridge's own path again (parse once, prepare, one transaction per
message) after a fix, and marks them replayed in the same transaction.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from devices.models import DeadLetter, Device, DeviceMessage
from devices.protocol import printable

if TYPE_CHECKING:
    from devices.dispatch import Message

# What each refusal means, for people (the admin list); the codes are for devices and logs.
REASON_TEXT = {
    "bad_topic": _("The topic is not one a device may publish on."),
    "unknown_device": _("The device is unknown or deactivated."),
    "too_large": _("The message is larger than allowed."),
    "bad_json": _("The message is not valid JSON, or nests too deep, or holds an overlong number or an invalid character."),
    "bad_envelope": _("The message lacks a valid id, time or type."),
    "bad_status": _("The status message is not online or offline."),
    "bad_data": _("The message's data does not match what this device may send."),
    "unsupported": _("This kind of device does not send this message."),
    "internal_error": _("The platform failed on this message; it can be replayed after a fix."),
    "database_error": _("The database kept refusing this message; it can be replayed after a fix."),
}

PAYLOAD_MAX = 64 * 1024  # enough for any envelope but an image; a gate frame is cut (and not replayable)
DETAIL_MAX = 2000
RETENTION = timedelta(days=7)  # the payload may be a face: kept only as long as a fix takes


def dead_letter_record(
    *, topic: str, device: Device | None, received_at: datetime, reason: str, detail: str, payload: bytes
) -> DeadLetter:
    """Inside the caller's transaction (the message's own): refused together or not at all."""
    return DeadLetter.objects.create(
        topic=printable(topic, 255),
        device=device if device is not None and device.pk else None,
        received_at=received_at,
        reason=printable(reason, 40),
        detail=printable(detail, DETAIL_MAX),
        payload=bytes(payload[:PAYLOAD_MAX]),
        payload_size=len(payload),
    )


def reason_text(reason: str) -> str:
    return str(REASON_TEXT.get(reason, _("The message was refused.")))


def dead_letter_purge(*, older_than: datetime) -> int:
    deleted, _ = DeadLetter.objects.filter(received_at__lt=older_than).delete()
    return deleted


def dead_letter_replay(
    *, letter_id: int | None = None, since: datetime | None = None, dry_run: bool = False
) -> dict[str, object]:
    """Dispatch the selected dead letters that were not replayed yet again, oldest first.

    Not one durable transaction: each letter is its own (as in the bridge), so one letter that
    fails again is dead-lettered anew and the others still go through. A letter whose payload
    was cut cannot be replayed and is left as it is.
    """
    from devices import dispatch, isolation  # dispatch -> dead_letters: imported late

    letters = DeadLetter.objects.filter(replayed_at__isnull=True).order_by("id")
    if letter_id is not None:
        letters = letters.filter(pk=letter_id)
    if since is not None:
        letters = letters.filter(received_at__gte=since)
    outcomes: Counter[str] = Counter()
    selected = replayed = truncated = 0
    for letter in letters.iterator():
        selected += 1
        if letter.truncated:
            truncated += 1
            continue
        if dry_run:
            continue
        message = dispatch.parse(letter.topic, bytes(letter.payload), timezone.now())
        prepared = isolation.prepare_now(message)

        def mark(letter: DeadLetter = letter, message: dispatch.Message = message) -> None:
            _forget_refusal(message)
            DeadLetter.objects.filter(pk=letter.pk).update(replayed_at=timezone.now())

        outcome = isolation.handle_isolated(message, prepared, before=mark)
        outcomes[outcome.status] += 1
        replayed += 1
    return {
        "selected": selected,
        "replayed": replayed,
        "truncated": truncated,
        "dry_run": dry_run,
        "outcomes": dict(sorted(outcomes.items())),
    }


def _forget_refusal(message: Message) -> None:
    """A refused message left its dedupe row (outcome `rejected`, no answer stored): drop it, or
    the replay would be taken for a retransmission. An accepted row is kept: that one is a duplicate."""
    if message.device is None or message.envelope is None:
        return
    DeviceMessage.objects.filter(device=message.device, msg_id=message.envelope.id, outcome="rejected").delete()
