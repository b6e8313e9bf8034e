"""Space sensors (live free / total, a silent sensor is unknown) and EV chargers over MQTT."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from building.models import Building, Floor, Site
from building.parking.models import ChargeSession, Lot, ParkingSpace
from building.parking.selectors import lots_state
from building.parking.services import space_ensure
from canteen.models import Transaction
from canteen.selectors import wallet_balances
from canteen.services.paycode import paycode_issue
from devices.models import Device
from devices.simulator import SimDevice
from portal.models import User
from tests.canteen.conftest import fund
from tests.helpers import eventually

pytestmark = pytest.mark.django_db(transaction=True)


def test_occupancy_from_sensors_including_a_silent_one(
    bridge: object, connect_device: Callable[..., SimDevice], site: Site, lot: Lot, li_ming: User
) -> None:
    annex = Building.objects.create(site=site, code="annex", name="综合楼")
    b1 = Floor.objects.create(site=site, building=annex, level=-1, name="B1")
    b2 = Floor.objects.create(site=site, building=b1.building, level=-2, name="B2")
    sims = {}
    for code, floor in (("P01", b1), ("P02", b1), ("P03", b2), ("P04", b2)):
        sim = connect_device(site, "space_sensor", device_id=f"sensor-{code.lower()}")
        space_ensure(lot=lot, code=code, floor=floor, sensor=Device.objects.get(site=site, device_id=f"sensor-{code.lower()}"))
        sims[code] = sim
    space_ensure(lot=lot, code="P05", floor=b2)  # no sensor at all
    sims["P01"].send("occupancy", {"occupied": True}, channel="telemetry")
    sims["P02"].send("occupancy", {"occupied": False}, channel="telemetry")
    sims["P03"].send("occupancy", {"occupied": False}, channel="telemetry")
    # P04's sensor never speaks: unknown, not free
    eventually(lambda: ParkingSpace.objects.filter(sensed_at__isnull=False).count() == 3, timeout=10)
    (state,) = lots_state(site=site)
    assert (state["total"], state["free"], state["occupied"], state["unknown"]) == (5, 2, 1, 2)
    floors = {f["floor"]: (f["free"], f["total"]) for f in state["floors"]}
    assert floors == {"B1": (1, 2), "B2": (1, 3)}
    # Ten minutes later nothing has been heard: every space is unknown, none free.
    (later,) = lots_state(site=site, at=timezone.now() + timedelta(minutes=10))
    assert (later["free"], later["unknown"]) == (0, 5)
    client = Client()
    client.force_login(li_ming)
    api = client.get("/api/parking/lots/")
    assert api.status_code == 200
    assert api.json() == [{"code": "p1", "name": "地下停车场", "total": 5, "free": 2, "occupied": 1, "unknown": 2}]
    page = client.get("/parking/")
    assert 'data-free="2"' in page.content.decode() and 'data-total="5"' in page.content.decode()
    live = client.get("/parking/lots.json").json()["lots"][0]
    assert (live["free"], live["unknown"], [f["free"] for f in live["floors"]]) == (2, 2, [1, 1])


def charger_event(sim: SimDevice, type_: str, data: dict[str, Any], channel: str = "event") -> dict[str, Any] | None:
    msg_id = uuid.uuid4().hex
    body = {"id": msg_id, "ts": timezone.localtime().isoformat(), "type": type_, "data": data}
    sim.publish_raw(channel, json.dumps(body))
    if channel != "event":
        return None
    return sim.wait_command(re=msg_id, timeout=10)


def test_a_charger_reset_mid_session_is_neither_negative_nor_counted_twice(
    bridge: object, connect_device: Callable[..., SimDevice], site: Site, lot: Lot, li_ming: User
) -> None:
    fund(li_ming, 5000)
    charger = connect_device(site, "ev_charger")
    start = charger_event(charger, "charge_start", {"qr": paycode_issue(user=li_ming).code, "meter_kwh": 1200.0})
    assert start is not None and start["data"]["action"] == "start"
    busy = charger_event(charger, "charge_start", {"card": "04A1B2C3", "meter_kwh": 1200.0})
    assert busy is not None and busy["data"]["reason"] == "busy"
    charger_event(charger, "meter", {"meter_kwh": 1205.5}, channel="telemetry")
    charger_event(charger, "meter", {"meter_kwh": 0.5}, channel="telemetry")  # rebooted: counts from 0 again
    eventually(lambda: ChargeSession.objects.filter(resets=1).exists(), timeout=10)
    stop = charger_event(charger, "charge_stop", {"meter_kwh": 2.0})
    assert stop is not None
    assert stop["data"] == {
        "action": "stopped",
        "session": start["data"]["session"],
        "energy_kwh": 7.5,
        "fee_fen": 1125,
        "reason": "",
    }
    again = charger_event(charger, "charge_stop", {"meter_kwh": 2.0})  # a repeated stop
    assert again is not None and again["data"]["reason"] == "not_charging"
    assert Transaction.objects.filter(kind="ev_charge").count() == 1
    assert wallet_balances(li_ming).cash_fen == 5000 - 1125
    assert ChargeSession.objects.get().state == "paid"


def test_a_charger_refuses_an_unknown_card(
    bridge: object, connect_device: Callable[..., SimDevice], site: Site, lot: Lot
) -> None:
    charger = connect_device(site, "ev_charger")
    answer = charger_event(charger, "charge_start", {"card": "NOBODY", "meter_kwh": 1.0})
    assert answer is not None and answer["data"]["action"] == "refuse" and answer["data"]["reason"] == "unknown_card"
    assert not ChargeSession.objects.exists()
