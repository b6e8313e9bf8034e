from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

import jsonschema
import pytest
from django.db import connection
from django.utils import timezone

from devices.schemas import schemas
from devices.simulator import SimDevice

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="real row-lock concurrency needs PostgreSQL (SQLite serialises writers); CI's second pass runs it",
)


def drop(
    bin_: SimDevice,
    user: dict[str, str],
    category: str = "paper",
    weight_g: int = 1000,
    *,
    msg_id: str | None = None,
    ts: datetime | None = None,
    timeout: float = 10,
    **extra: Any,
) -> dict[str, Any]:
    """Send one `drop` (optionally with the bin's own id and timestamp) and wait for its answer."""
    msg_id = msg_id or uuid.uuid4().hex
    data = {"user": user, "category": category, "weight_g": weight_g, **extra}
    body = {"id": msg_id, "ts": timezone.localtime(ts or timezone.now()).isoformat(), "type": "drop", "data": data}
    bin_.publish_raw("event", json.dumps(body))
    cmd = bin_.wait_command(re=msg_id, timeout=timeout)
    if cmd["type"] == "points":
        jsonschema.validate(cmd, schemas()["cmd points"])
    return cmd
