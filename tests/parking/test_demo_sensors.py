"""The demo car park has a sensor on every space with a first reading (free / occupied, not unknown);
a sensor that then stays silent still turns its space unknown, and a live reading over MQTT counts."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from building.models import Site
from building.parking.demo import SENSOR_HEARTBEAT_S, demo_ensure
from building.parking.models import ParkingSpace
from building.parking.selectors import lots_state
from core.registry import DemoContext
from devices.models import Device
from devices.services import device_secret_renew
from devices.simulator import SimDevice
from tests.helpers import eventually

pytestmark = pytest.mark.django_db(transaction=True)


def test_demo_spaces_have_sensors_with_a_first_reading_and_silence_still_means_unknown(
    site: Site, bridge: object, mqtt_broker: tuple[str, int]
) -> None:
    now = timezone.now() - timedelta(seconds=3 * SENSOR_HEARTBEAT_S + 60)  # seeded 91 minutes ago
    out = demo_ensure(DemoContext(password="pw", now=now, site=site))
    assert out["parking"]["spaces"] == ParkingSpace.objects.filter(sensor__kind="space_sensor").count() == 24
    (lot,) = lots_state(site=site, at=now + timedelta(minutes=1))
    assert (lot["total"], lot["unknown"], lot["free"], lot["occupied"]) == (24, 0, 8, 16)

    # Again later: what sensors said since is kept (no second first reading).
    space = ParkingSpace.objects.get(code="P03")
    assert space.occupied is False
    ParkingSpace.objects.filter(pk=space.pk).update(occupied=True, sensed_at=now + timedelta(minutes=5))
    demo_ensure(DemoContext(password="pw", now=now + timedelta(minutes=6), site=site))
    assert ParkingSpace.objects.get(pk=space.pk).occupied is True

    # Nobody heard since, 3 heartbeat intervals: every space unknown, never free.
    silent = timezone.now()
    (lot,) = lots_state(site=site, at=silent)
    assert (lot["unknown"], lot["free"], lot["occupied"]) == (24, 0, 0)

    # One sensor speaks over the real broker: its space is known again, the silent ones stay unknown.
    sensor = Device.objects.get(device_id="ps-p1-01")
    sim = SimDevice(
        host=mqtt_broker[0], port=mqtt_broker[1], site=site.code, device=sensor.device_id,
        username=sensor.mqtt_username, password=device_secret_renew(device=sensor, actor="test").password,
    )  # fmt: skip
    assert sim.connect()
    try:
        body = {
            "id": uuid.uuid4().hex,
            "ts": timezone.localtime(silent).isoformat(),
            "type": "occupancy",
            "data": {"occupied": False},
        }
        sim.publish_raw("telemetry", json.dumps(body))
        eventually(lambda: (ParkingSpace.objects.get(code="P01").sensed_at or now) >= silent)
    finally:
        sim.close()
    (lot,) = lots_state(site=site, at=silent + timedelta(seconds=1))
    assert (lot["unknown"], lot["free"], lot["occupied"]) == (23, 1, 0)
