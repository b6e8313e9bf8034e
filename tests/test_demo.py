"""The lived-in demo: seed_demo fills every page with something true, once; simulate drives it live over MQTT."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from building.models import Site
from building.parking.models import ParkingSpace
from building.parking.selectors import lots_state
from canteen.models import Charge, Refund
from devices.models import Device
from security.models import AccessLog, Gate
from security.monitoring.models import Alarm, PatrolRound, PatrolSchedule, PatrolVisit
from tests.helpers import eventually


def _seed(capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    call_command("seed_demo", "--password", "pw")
    return dict(json.loads(capsys.readouterr().out))


@pytest.mark.slow
def test_seed_demo_builds_a_lived_in_compound_once(transactional_db, capsys) -> None:
    first = _seed(capsys)
    kinds = set(Device.objects.filter(site__code="demo").values_list("kind", flat=True))
    assert {"gate", "pos", "fire_detector", "camera", "patrol_reader", "space_sensor"} <= kinds
    (lot,) = lots_state(site=Site.objects.get(code="demo"))
    assert lot["unknown"] == 0 and lot["free"] and lot["occupied"]  # every demo space has a sensor and a reading
    assert Gate.objects.count() == 3 and PatrolSchedule.objects.exists()
    assert AccessLog.objects.filter(decision="open").count() > 30 and AccessLog.objects.filter(decision="deny").exists()
    assert Charge.objects.count() > 10 and Refund.objects.exists()
    assert PatrolRound.objects.count() == 3 and PatrolVisit.objects.filter(state="missed").count() == 1
    states = set(Alarm.objects.values_list("state", flat=True))
    assert {"resolved", "new", "acknowledged"} <= states  # handled and open
    second = _seed(capsys)
    assert second == first  # idempotent: no second round of history


@pytest.mark.slow
def test_simulate_drives_the_demo_devices_over_mqtt(transactional_db, bridge, capsys) -> None:
    _seed(capsys)
    before = AccessLog.objects.count()
    seeded = timezone.now()
    call_command("simulate", "--seconds", "3", "--interval", "0.1", "--seed", "7")
    eventually(lambda: AccessLog.objects.count() > before, timeout=10)
    eventually(lambda: ParkingSpace.objects.filter(sensed_at__gt=seeded).exists(), timeout=10)  # cars park and leave
    assert Device.objects.filter(site__code="demo", kind="gate", online=True).exists()


def test_device_add_says_how_to_choose_the_client_id(site, capsys) -> None:
    call_command("device_add", "--site", site.code, "--kind", "gate", "--id", "g-9")
    out = json.loads(capsys.readouterr().out)
    assert out["username"] in out["client_id_rule"] and "client id must start with the username" in out["client_id_rule"]
