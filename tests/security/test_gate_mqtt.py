"""Gates end to end over MQTT: the real broker (embedded, or Mosquitto with MQTT_URL) and bridge."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import pytest

from building.models import Site
from devices.simulator import SimDevice
from portal.models import User
from security.models import AccessLog
from security.monitoring.models import Alarm
from security.services.credentials import credential_issue
from security.services.faces import face_consent_give, face_consent_withdraw, face_enrol
from security.services.zones import access_zone_ensure
from tests.security.faces_helpers import ENROL_A, GATE_A, GATE_STRANGER, photo

pytestmark = pytest.mark.django_db(transaction=True)


def _face(gate: SimDevice, name: str) -> tuple[str, dict[str, Any]]:
    image = base64.b64encode(photo(name)).decode()
    event_id = gate.send("face", {"image": image, "direction": "in", "liveness": None})
    return event_id, gate.wait_command(re=event_id, timeout=20)


def test_gate_opens_for_the_enrolled_person_and_denies_a_stranger(
    bridge: object, connect_device: Callable[..., SimDevice], site: Site, li_ming: User
) -> None:
    access_zone_ensure(site=site, code="main", name="主楼", open_to_all_staff=True)
    face_consent_give(user=li_ming)
    face_enrol(user=li_ming, image=photo(ENROL_A), actor=li_ming)
    gate = connect_device(site, "gate")

    event_id, cmd = _face(gate, GATE_A)
    assert cmd["type"] == "access" and cmd["re"] == event_id
    assert cmd["data"] == {"decision": "open", "person": {"id": li_ming.pk, "name": str(li_ming)}, "reason": "ok"}
    log = AccessLog.objects.get(event_id=event_id)
    assert log.user == li_ming and log.method == "face" and 0.2 < (log.distance or 0) < 0.5 and log.latency_ms > 0

    event_id, cmd = _face(gate, GATE_STRANGER)
    assert cmd["re"] == event_id
    assert cmd["data"] == {"decision": "deny", "person": None, "reason": "unknown"}
    assert Alarm.objects.filter(site=site, source="unknown_face").count() == 1


def test_after_withdrawal_the_face_is_denied_but_the_card_opens(
    bridge: object, connect_device: Callable[..., SimDevice], site: Site, li_ming: User
) -> None:
    access_zone_ensure(site=site, code="main", name="主楼", open_to_all_staff=True)
    face_consent_give(user=li_ming)
    face_enrol(user=li_ming, image=photo(ENROL_A), actor=li_ming)
    card = credential_issue(user=li_ming, kind="card", code="04A1B2C3D4", actor="operator")
    assert face_consent_withdraw(user=li_ming, actor=li_ming) == 1
    gate = connect_device(site, "gate")

    _, cmd = _face(gate, GATE_A)
    assert cmd["data"]["decision"] == "deny" and cmd["data"]["reason"] == "unknown"
    event_id = gate.send("card", {"code": card.code})
    cmd = gate.wait_command(re=event_id, timeout=10)
    assert cmd["re"] == event_id
    assert cmd["data"] == {"decision": "open", "person": {"id": li_ming.pk, "name": str(li_ming)}, "reason": "ok"}


def test_a_bad_image_gets_an_error_cmd_and_the_gate_keeps_working(
    bridge: object, connect_device: Callable[..., SimDevice], site: Site
) -> None:
    access_zone_ensure(site=site, code="main", name="主楼", open_to_all_staff=True)
    gate = connect_device(site, "gate")
    event_id = gate.send("face", {"image": "%%% not base64"})
    cmd = gate.wait_command(re=event_id, timeout=10)
    assert cmd["type"] == "error" and cmd["re"] == event_id and "bad_data" in cmd["data"]["reason"]
    cmd = gate.request("qr", {"code": "VP1:forged"}, timeout=10)
    assert cmd["data"] == {"decision": "deny", "person": None, "reason": "invalid_qr"}
