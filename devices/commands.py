"""Commands to devices leave through one publisher, and only after the transaction commits."""

from __future__ import annotations

import json
import logging
from typing import Any

from django.db import transaction

from devices import publisher
from devices.protocol import cmd_topic, command_body

logger = logging.getLogger(__name__)


def command_send(*, site: str, device: str, type: str, data: dict[str, Any], re: str | None) -> dict[str, Any]:
    """Queue a cmd for so/<site>/<device>/cmd after commit; returns the body (for records)."""
    body = command_body(type=type, data=data, re=re)
    command_resend(site=site, device=device, body=body)
    return body


def command_resend(*, site: str, device: str, body: dict[str, Any]) -> None:
    """Send an already-built body again (a duplicate event gets the original answer)."""
    topic = cmd_topic(site, device)
    payload = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    # robust: one answer that cannot go out (publisher.PublishFailed) must not stop the answers and
    # events of the other messages committed in the same bridge batch; it is logged.
    transaction.on_commit(lambda: publisher.publish(topic, payload), robust=True)
