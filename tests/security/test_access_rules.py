"""Access rules through access_decide (the one service that decides a door), clock passed explicitly."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import signing

from building.models import Site
from devices.models import Device
from portal.models import User
from security.models import AccessGroup, AccessZone, Gate, Holiday, TimeWindow
from security.monitoring.models import Alarm
from security.selectors import access_daily_counts, access_recent
from security.services.access import access_decide
from security.services.credentials import VISITOR_PREFIX, VISITOR_SALT, credential_issue, credential_revoke, visitor_pass_create
from tests.factories import device_factory
from tests.security.faces_helpers import GATE_A, photo

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=SH)  # a Monday


@pytest.fixture
def lab(site: Site) -> AccessZone:
    return AccessZone.objects.create(site=site, code="lab", name="实验室")


@pytest.fixture
def lab_gate(site: Site, lab: AccessZone) -> Device:
    device = device_factory(site=site, kind="gate").device
    Gate.objects.create(device=device, zone=lab)
    return device


@pytest.fixture
def office_hours(site: Site, lab: AccessZone, li_ming: User) -> AccessGroup:
    group = AccessGroup.objects.create(site=site, code="lab-staff", name="实验室人员")
    group.zones.add(lab)
    group.members.add(li_ming)
    TimeWindow.objects.create(group=group, weekdays="12345", start=time(8), end=time(18))
    return group


C2, C9 = "0A0B0C02", "0A0B0C09"


def _card(user: User, code: str = "0A0B0C01") -> str:
    return credential_issue(user=user, kind="card", code=code, actor="operator").code


def test_time_window_weekday_and_holiday(lab_gate: Device, office_hours: AccessGroup, li_ming: User, site: Site) -> None:
    code = _card(li_ming)
    assert access_decide(device=lab_gate, method="card", code=code, at=MONDAY_10).log.reason == "ok"
    late = MONDAY_10.replace(hour=19)
    assert access_decide(device=lab_gate, method="card", code=code, at=late).reply["reason"] == "outside_hours"
    sunday = MONDAY_10 - timedelta(days=1)
    assert access_decide(device=lab_gate, method="card", code=code, at=sunday).reply["decision"] == "deny"
    Holiday.objects.create(site=site, date=date(2026, 11, 23), name="假日")
    assert access_decide(device=lab_gate, method="card", code=code, at=MONDAY_10).log.reason == "holiday"


def test_people_outside_every_group_and_expired_groups_are_denied(
    lab_gate: Device, office_hours: AccessGroup, zhang_li: User, li_ming: User
) -> None:
    assert access_decide(device=lab_gate, method="card", code=_card(zhang_li), at=MONDAY_10).log.reason == "not_allowed"
    office_hours.valid_until = date(2026, 11, 1)
    office_hours.save()
    assert access_decide(device=lab_gate, method="card", code=_card(li_ming, C2), at=MONDAY_10).log.reason == "group_expired"


def test_revoked_or_unknown_card(lab_gate: Device, office_hours: AccessGroup, li_ming: User) -> None:
    issued = credential_issue(user=li_ming, kind="card", code="0A0B0CFF", actor="operator")
    credential_revoke(credential=issued.credential, actor="operator")
    assert access_decide(device=lab_gate, method="card", code="0A0B0CFF", at=MONDAY_10).log.reason == "credential_revoked"
    assert access_decide(device=lab_gate, method="card", code="nobody", at=MONDAY_10).log.reason == "unknown_card"


def test_visitor_qr_opens_within_its_time_and_not_after(
    lab_gate: Device, lab: AccessZone, li_ming: User, office_hours: AccessGroup
) -> None:
    issued = visitor_pass_create(
        host=li_ming,
        visitor_name="访客 王",
        zone=lab,
        valid_from=MONDAY_10,
        valid_until=MONDAY_10 + timedelta(hours=2),
        at=MONDAY_10 - timedelta(hours=1),
    )
    opened = access_decide(device=lab_gate, method="qr", code=issued.qr, at=MONDAY_10 + timedelta(minutes=5))
    person = {"id": f"visitor-{issued.visitor_pass.pk}", "name": "访客 王"}
    assert opened.reply == {"decision": "open", "person": person, "reason": "ok"}
    expired = access_decide(device=lab_gate, method="qr", code=issued.qr, at=MONDAY_10 + timedelta(hours=3))
    assert expired.reply["decision"] == "deny" and expired.reply["reason"] == "pass_expired"
    # a QR with a forged pass id or validity fails its signature
    forged = VISITOR_PREFIX + signing.dumps({"p": issued.visitor_pass.pk, "u": 4102444800}, salt="other", compress=True)
    assert access_decide(device=lab_gate, method="qr", code=forged, at=MONDAY_10).log.reason == "invalid_qr"
    assert VISITOR_SALT != "other"


def test_staff_qr_credential_opens(lab_gate: Device, office_hours: AccessGroup, li_ming: User) -> None:
    issued = credential_issue(user=li_ming, kind="qr", actor=li_ming)
    assert issued.code.startswith("SQ1:")
    assert access_decide(device=lab_gate, method="qr", code=issued.code, at=MONDAY_10).log.user == li_ming


def test_liveness_required_zone_denies_without_a_score(lab_gate: Device, lab: AccessZone, office_hours: AccessGroup) -> None:
    lab.liveness_required, lab.liveness_min = True, 0.8
    lab.save()
    for liveness in (None, 0.5):
        decision = access_decide(device=lab_gate, method="face", image=photo(GATE_A), liveness=liveness, at=MONDAY_10)
        assert decision.log.reason == "liveness" and decision.log.decision == "deny"
    # with a good score the face is looked at (nobody enrolled here: unknown, not liveness)
    assert access_decide(device=lab_gate, method="face", image=photo(GATE_A), liveness=0.95, at=MONDAY_10).log.reason == "unknown"


def test_anti_passback(lab_gate: Device, lab: AccessZone, office_hours: AccessGroup, li_ming: User) -> None:
    lab.anti_passback = True
    lab.save()
    code = _card(li_ming)
    assert access_decide(device=lab_gate, method="card", code=code, direction="in", at=MONDAY_10).log.decision == "open"
    again = access_decide(device=lab_gate, method="card", code=code, direction="in", at=MONDAY_10 + timedelta(seconds=30))
    assert again.log.reason == "anti_passback"
    assert access_decide(device=lab_gate, method="card", code=code, direction="out", at=MONDAY_10).log.decision == "open"


def test_open_to_all_staff_zone_and_contractors(site: Site, li_ming: User, zhao_contractor: User) -> None:
    AccessZone.objects.create(site=site, code="main", name="主楼", open_to_all_staff=True)
    gate = device_factory(site=site, kind="gate").device  # unbound gate: the site's only zone
    assert access_decide(device=gate, method="card", code=_card(li_ming), at=MONDAY_10).log.decision == "open"
    assert access_decide(device=gate, method="card", code=_card(zhao_contractor, C9), at=MONDAY_10).log.reason == "not_allowed"


def test_repeated_denials_and_tailgating_raise_alarms(
    lab_gate: Device, office_hours: AccessGroup, li_ming: User, zhang_li: User, site: Site
) -> None:
    stranger = _card(zhang_li, "0A0B0CA1")
    for i in range(5):
        access_decide(device=lab_gate, method="card", code=stranger, at=MONDAY_10 + timedelta(seconds=i))
    assert Alarm.objects.filter(site=site, source="access_denials").count() == 1
    assert not Alarm.objects.filter(source="tailgating").exists()
    access_decide(device=lab_gate, method="card", code=_card(li_ming), at=MONDAY_10 + timedelta(seconds=6))
    assert Alarm.objects.filter(site=site, source="tailgating").count() == 1


def test_recent_entries_and_daily_counts(lab_gate: Device, office_hours: AccessGroup, li_ming: User, site: Site) -> None:
    code = _card(li_ming)
    access_decide(device=lab_gate, method="card", code=code, at=MONDAY_10)
    access_decide(device=lab_gate, method="card", code=code, at=MONDAY_10.replace(hour=20))
    recent = access_recent(site=site, limit=5)
    assert [r["decision"] for r in recent] == ["deny", "open"]
    assert recent[1]["person"] == {"id": li_ming.pk, "name": str(li_ming)} and recent[1]["gate"] == lab_gate.device_id
    counts = access_daily_counts(site=site, since=date(2026, 11, 23), until=date(2026, 11, 23))
    assert counts == [{"day": "2026-11-23", "gate": lab_gate.device_id, "open": 1, "deny": 1}]


def test_gates_look_codes_up_in_their_canonical_form(lab_gate: Device, office_hours: AccessGroup, li_ming: User) -> None:
    """Issue 9 item 2: one spelling per card / QR code / visitor pass at the gates too."""
    credential_issue(user=li_ming, kind="card", code="04a1b2c3", actor="operator")
    assert access_decide(device=lab_gate, method="card", code="04A1B2C3", at=MONDAY_10).log.reason == "ok"
    assert access_decide(device=lab_gate, method="card", code=" 04a1b2c3\r\n", at=MONDAY_10).log.reason == "ok"
    for respelled in ("０4A1B2C3", "04A1 B2C3", "004A1B2C3", "04:A1:B2:C3"):
        assert access_decide(device=lab_gate, method="card", code=respelled, at=MONDAY_10).log.reason == "unknown_card"
    staff_qr = credential_issue(user=li_ming, kind="qr", actor=li_ming).code
    assert access_decide(device=lab_gate, method="qr", code=staff_qr.replace("SQ1:", "ＳQ1:"), at=MONDAY_10).log.reason == (
        "unknown_qr"
    )
    issued = visitor_pass_create(
        host=li_ming,
        visitor_name="访客",
        zone=office_hours.zones.get(),
        valid_from=MONDAY_10,
        valid_until=MONDAY_10 + timedelta(hours=1),
        at=MONDAY_10 - timedelta(minutes=1),
    )
    assert access_decide(device=lab_gate, method="qr", code=issued.qr, at=MONDAY_10).log.reason == "ok"
    fullwidth = issued.qr.replace("VP1:", "VP１:")
    assert access_decide(device=lab_gate, method="qr", code=fullwidth, at=MONDAY_10).log.reason != "ok"
