"""Realtime events leave only after the transaction that caused them commits (zulip style)."""

from __future__ import annotations

import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)

EVENT_MESSAGE_TYPE = "realtime.event"  # consumers implement realtime_event()


def _group_send(group: str, event: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, {"type": EVENT_MESSAGE_TYPE, "event": event})
    except Exception:  # the write already committed; a lost push must not undo it
        logger.exception("realtime publish to %s failed", group)


def publish_on_commit(group: str, event: dict[str, Any], *, using: str | None = None) -> None:
    """Send `event` to channel-layer `group` once the current transaction commits (now if none)."""
    transaction.on_commit(lambda: _group_send(group, event), using=using)


def site_group(site_code: str) -> str:
    return f"site-{site_code}"


def user_group(user_id: int) -> str:
    return f"user-{user_id}"
