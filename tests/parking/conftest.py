from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import pytest
from django.utils import timezone

from building.models import Site
from building.parking import barrier
from building.parking.models import Lot, Tariff
from building.parking.services import lot_ensure, tariff_ensure
from building.parking.visitors import VisitorBooking
from devices.simulator import SimDevice
from portal.models import User


@pytest.fixture
def tariff(site: Site) -> Tariff:
    return tariff_ensure(site=site, code="demo", name="演示收费标准")


@pytest.fixture
def lot(site: Site, tariff: Tariff) -> Lot:
    return lot_ensure(site=site, code="p1", name="地下停车场", tariff=tariff)


def read(
    camera: SimDevice, plate: str, direction: str = "in", *, confidence: float = 0.95, at: datetime | None = None
) -> dict[str, Any]:
    """A plate event as the camera sends it (its own timestamp), and the barrier's answer."""
    msg_id = uuid.uuid4().hex
    ts = timezone.localtime(at or timezone.now()).isoformat()
    body = {"id": msg_id, "ts": ts, "type": "plate", "data": {"plate": plate, "confidence": confidence, "direction": direction}}
    camera.publish_raw("event", json.dumps(body, ensure_ascii=False))
    cmd = camera.wait_command(re=msg_id, timeout=10)
    assert cmd["type"] == "barrier", cmd
    return dict(cmd["data"])


@pytest.fixture
def camera(bridge: object, connect_device: Callable[..., SimDevice], site: Site, lot: Lot) -> SimDevice:
    return connect_device(site, "plate_camera")


@pytest.fixture
def fake_bookings(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, VisitorBooking]]:
    """The booking engine's seam (visitors.visitor_booking_for) answered from a dict until
    portal.booking is merged: plate -> booking; the window is honoured like the engine would."""
    bookings: dict[str, VisitorBooking] = {}

    def lookup(*, site: Site, plate: str, at: datetime) -> VisitorBooking | None:
        found = bookings.get(plate)
        return found if found is not None and found.start <= at < found.end else None

    monkeypatch.setattr(barrier, "visitor_booking_for", lookup)
    yield bookings


def invite(bookings: dict[str, VisitorBooking], host: User, plate: str, start: datetime, end: datetime) -> None:
    bookings[plate] = VisitorBooking(len(bookings) + 1, host, start, end, plate)
