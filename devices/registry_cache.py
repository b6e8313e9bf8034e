"""A short-lived, per-process cache of the device registry for the message path.

Looking a device up is the most frequent query the bridge makes (every message). Entries live
DEVICE_CACHE_TTL_S seconds and are dropped when a Device row is saved or deactivated in this
process; another process sees a deactivation within the TTL at worst.
"""

from __future__ import annotations

import copy
import threading
import time
from typing import Any

from devices.models import Device

DEVICE_CACHE_TTL_S = 10.0
_lock = threading.Lock()
_entries: dict[tuple[str, str], tuple[float, Device | None]] = {}


def device_lookup(site_code: str, device_id: str) -> Device | None:
    key = (site_code, device_id)
    now = time.monotonic()
    with _lock:
        hit = _entries.get(key)
    if hit is not None and now - hit[0] < DEVICE_CACHE_TTL_S:
        # A copy: services change presence fields on the instance, and threads share the cache.
        return copy.copy(hit[1]) if hit[1] is not None else None
    # No ORDER BY (Device.Meta.ordering) and no LIMIT games: (site, device_id) is unique.
    rows = list(
        Device.objects.select_related("site").order_by().filter(site__code=site_code, device_id=device_id, is_active=True)
    )
    device = rows[0] if rows else None
    with _lock:
        _entries[key] = (now, device)
    return copy.copy(device) if device is not None else None


def forget(*args: Any, **kwargs: Any) -> None:
    """Drop everything (a device changed); cheap, and changes to devices are rare."""
    with _lock:
        _entries.clear()
