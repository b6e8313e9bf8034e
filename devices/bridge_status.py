"""The bridge reports itself alive in the cache; /healthz reads it (works across processes)."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache

STALE_AFTER_S = 30


def _key() -> str:
    # Per bridge identity: web and bridge share MQTT_CLIENT_ID, and two installations (or test
    # runs) sharing one Redis never read each other's bridge.
    return f"devices:bridge:status:{settings.MQTT_CLIENT_ID}"


def bridge_report(*, connected: bool) -> None:
    cache.set(_key(), {"connected": connected, "at": time.time()}, timeout=STALE_AFTER_S * 2)


def bridge_state() -> str:
    status = cache.get(_key())
    if not status:
        return "not running"
    if time.time() - status["at"] > STALE_AFTER_S:
        return "stale"
    return "ok" if status["connected"] else "disconnected"
