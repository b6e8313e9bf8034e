"""The bridge's health: whether it makes progress (Progress, in the bridge process) and what it
reported last (the cache, read by /healthz and /readyz in any process)."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

from django.conf import settings
from django.core.cache import cache

STALE_AFTER_S = 30
STALL_AFTER_S = 60.0  # messages waiting and no batch finished for this long: stalled
STALL_FAILURES = 3  # the same batch failed this often: stalled (it is still being retried)
FULL_FOR_S = 10.0  # an inbox full for this long: stalled (paho stops reading: the broker queues)


def _key() -> str:
    # Per bridge identity: web and bridge share MQTT_CLIENT_ID, and two installations (or test
    # runs) sharing one Redis never read each other's bridge.
    return f"devices:bridge:status:{settings.MQTT_CLIENT_ID}"


def bridge_report(*, connected: bool, stalled: str = "") -> None:
    cache.set(_key(), {"connected": connected, "stalled": stalled, "at": time.time()}, timeout=STALE_AFTER_S * 2)


def bridge_state() -> str:
    """`ok`, or what is wrong: `not running`, `stale`, `stalled: <why>`, `disconnected`."""
    status = cache.get(_key())
    if not status:
        return "not running"
    if time.time() - status["at"] > STALE_AFTER_S:
        return "stale"
    if status.get("stalled"):
        return f"stalled: {status['stalled']}"
    return "ok" if status["connected"] else "disconnected"


class Progress:
    """Per worker: when it last finished a batch or found its inbox empty, how many messages it
    holds, and how often its current batch failed. Workers write, the reporter thread reads."""

    def __init__(self, workers: int, *, stall_after_s: float = STALL_AFTER_S, fail_limit: int = STALL_FAILURES) -> None:
        now = time.monotonic()
        self._lock = threading.Lock()
        self.stall_after_s, self.fail_limit = stall_after_s, fail_limit
        self._progress_at = [now] * workers
        self._holding = [0] * workers
        self._failures = [0] * workers
        self._error = [""] * workers
        self._full_since: list[float | None] = [None] * workers

    def idle(self, worker: int) -> None:
        with self._lock:
            self._progress_at[worker] = time.monotonic()

    def busy(self, worker: int, messages: int) -> None:
        with self._lock:
            self._holding[worker] = messages

    def done(self, worker: int) -> None:
        with self._lock:
            self._progress_at[worker] = time.monotonic()
            self._holding[worker] = self._failures[worker] = 0
            self._error[worker] = ""

    def failed(self, worker: int, error: BaseException) -> None:
        with self._lock:
            self._failures[worker] += 1
            self._error[worker] = error.__class__.__name__

    def stalled(self, queued: Sequence[int], full: Sequence[bool]) -> str:
        """Why the bridge cannot make progress, or "" (called by the reporter every few seconds)."""
        now = time.monotonic()
        with self._lock:
            for i, failures in enumerate(self._failures):
                if failures >= self.fail_limit:
                    return f"worker {i}: a batch failed {failures} times ({self._error[i]})"
            for i, is_full in enumerate(full):
                if not is_full:
                    self._full_since[i] = None
                    continue
                since = self._full_since[i] = self._full_since[i] or now
                if now - since >= FULL_FOR_S:
                    return f"worker {i}: inbox full for {now - since:.0f} s"
            for i, at in enumerate(self._progress_at):
                waiting = queued[i] + self._holding[i]
                if waiting and now - at >= self.stall_after_s:
                    return f"worker {i}: no acknowledgement for {now - at:.0f} s with {waiting} messages waiting"
        return ""
