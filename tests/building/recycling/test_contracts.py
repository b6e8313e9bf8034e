"""The acceptance contracts: `device_add --kind recycling_bin`, `wallet_balance` prints points, PIPL export."""

from __future__ import annotations

import json
import uuid

import pytest
from django.core.management import call_command
from django.utils import timezone

from building.models import Site
from building.recycling.privacy import personal_data
from building.recycling.services.drops import DropInput, drop_record
from devices.models import Device
from portal.models import User
from security.services.credentials import credential_issue

pytestmark = pytest.mark.django_db


def test_device_add_registers_a_bin_and_wallet_balance_prints_its_points(
    site: Site, li_ming: User, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("device_add", "--site", site.code, "--kind", "recycling_bin", "--id", "bin-9")
    added = json.loads(capsys.readouterr().out)
    assert added["kind"] == "recycling_bin" and added["password"]
    credential_issue(user=li_ming, kind="card", code="00000000C1", actor="test")
    entry = DropInput(
        event_id=uuid.uuid4().hex, method="card", category="textile", weight_g=1200, at=timezone.now(), code="00000000C1"
    )
    drop_record(device=Device.objects.get(device_id="bin-9"), drop=entry)
    call_command("wallet_balance", "li_ming")
    assert json.loads(capsys.readouterr().out) == {"user": "li_ming", "cash_fen": 0, "subsidy_fen": 0, "points": 12}
    exported = personal_data(li_ming)
    assert exported["drops"][0]["category"] == "textile" and exported["drops"][0]["points"] == 12


def test_a_bin_clock_far_off_is_not_trusted(site: Site, li_ming: User) -> None:
    from datetime import datetime, timedelta

    from building.recycling.models import Drop
    from tests.factories import device_factory

    device = device_factory(site=site, kind="recycling_bin").device
    credential_issue(user=li_ming, kind="card", code="00000000C2", actor="test")
    now = timezone.now()
    for event_id, at in (
        ("reset", datetime(1970, 1, 1, tzinfo=timezone.get_current_timezone())),
        ("ahead", now + timedelta(days=2)),
    ):
        drop_record(
            device=device,
            drop=DropInput(event_id=event_id, method="card", category="paper", weight_g=100, at=at, code="00000000C2"),
        )
    assert all(abs((d.dropped_at - now).total_seconds()) < 60 for d in Drop.objects.all())


def test_a_silent_bin_is_reported_by_the_existing_device_health(site: Site) -> None:
    from datetime import timedelta

    from security.monitoring.models import Alarm
    from security.monitoring.services import device_offline_sweep
    from tests.factories import device_factory

    silent = device_factory(site=site, kind="recycling_bin").device
    now = timezone.now()
    Device.objects.filter(pk=silent.pk).update(online=True, last_seen_at=now - timedelta(minutes=10))
    assert silent.pk in device_offline_sweep(at=now, site=site).marked_offline
    assert Alarm.objects.get(site=site, source="device_offline").device_id == silent.pk
