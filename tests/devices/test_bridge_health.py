"""When the bridge calls itself stalled (devices.bridge_status.Progress) and how /healthz says it."""

from __future__ import annotations

import time

import pytest
from django.test import Client

from devices import bridge_status
from devices.bridge_status import Progress, bridge_report


def test_a_batch_failing_again_and_again_is_a_stall() -> None:
    progress = Progress(2, fail_limit=3)
    progress.busy(1, 200)
    for _ in range(2):
        progress.failed(1, ConnectionError())
    assert progress.stalled([0, 0], [False, False]) == ""
    progress.failed(1, ConnectionError())
    assert progress.stalled([0, 0], [False, False]) == "worker 1: a batch failed 3 times (ConnectionError)"
    progress.done(1)
    assert progress.stalled([0, 0], [False, False]) == ""


def test_messages_waiting_without_an_acknowledgement_is_a_stall() -> None:
    progress = Progress(1, stall_after_s=0.05)
    time.sleep(0.06)
    assert progress.stalled([0], [False]) == ""  # idle for long is fine
    progress.busy(0, 3)
    assert progress.stalled([2], [False]).startswith("worker 0: no acknowledgement for 0 s with 5 messages waiting")
    progress.done(0)
    assert progress.stalled([2], [False]) == ""


def test_an_inbox_full_for_long_is_a_stall(monkeypatch: pytest.MonkeyPatch) -> None:
    progress = Progress(1)
    monkeypatch.setattr(bridge_status, "FULL_FOR_S", 0.05)
    assert progress.stalled([10], [True]) == ""  # full for a moment is load, not a stall
    time.sleep(0.06)
    assert progress.stalled([10], [True]).startswith("worker 0: inbox full for")
    assert progress.stalled([10], [False]) == ""


def test_healthz_and_readyz_show_a_stalled_bridge(client: Client, db: None) -> None:
    bridge_report(connected=True, stalled="worker 0: a batch failed 3 times (OperationalError)")
    body = client.get("/healthz").json()
    assert body["bridge"] == "stalled: worker 0: a batch failed 3 times (OperationalError)" and body["status"] == "degraded"
    assert client.get("/readyz").status_code == 503
    bridge_report(connected=True)
    assert client.get("/healthz").json()["bridge"] == "ok"
