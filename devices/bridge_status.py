"""The bridge reports itself alive in the cache; /healthz reads it (works across processes)."""

from __future__ import annotations

import time

from django.core.cache import cache

KEY = "devices:bridge:status"
STALE_AFTER_S = 30


def bridge_report(*, connected: bool) -> None:
    cache.set(KEY, {"connected": connected, "at": time.time()}, timeout=STALE_AFTER_S * 2)


def bridge_state() -> str:
    status = cache.get(KEY)
    if not status:
        return "not running"
    if time.time() - status["at"] > STALE_AFTER_S:
        return "stale"
    return "ok" if status["connected"] else "disconnected"
