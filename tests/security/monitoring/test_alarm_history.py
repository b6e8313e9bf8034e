"""Alarm history: filters, sort, site scoping, xlsx, and the panel's strings for live events."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from openpyxl import load_workbook

from building.models import Site
from portal.models import User
from security.monitoring.services import alarm_raise, alarm_resolve
from security.monitoring.strings import PANEL_STRINGS
from tests.security.monitoring.factories import other_site

pytestmark = pytest.mark.django_db
DAY = datetime(2026, 11, 20, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def alarms(site: Site, chen_guard: User) -> None:
    alarm_raise(site=site, source="fire", severity="critical", title="一楼烟感", dedupe_key="f1", at=DAY)
    off = alarm_raise(
        site=site, source="device_offline", severity="major", title="闸机离线", dedupe_key="d1", at=DAY + timedelta(days=1)
    )
    alarm_resolve(alarm_id=off.pk, actor=chen_guard, comment="已重启", at=DAY + timedelta(days=1, hours=1))
    alarm_raise(site=other_site(), source="fire", severity="critical", title="别处的警报", dedupe_key="x", at=DAY)


def test_history_filters_sorts_and_stays_on_the_site(client: Client, chen_guard: User, alarms: None) -> None:
    client.force_login(chen_guard)
    everything = client.get("/security/alarms/").content.decode()
    assert "一楼烟感" in everything and "闸机离线" in everything and "别处的警报" not in everything
    assert "设备离线" in everything and ">device_offline<" not in everything  # the source in words
    assert "2026-11-21 09:00:00" in everything  # the site's clock, 24-hour
    open_only = client.get("/security/alarms/", {"state": "open"}).content.decode()
    assert "一楼烟感" in open_only and "闸机离线" not in open_only
    by_day = client.get("/security/alarms/", {"since": "2026-11-21", "until": "2026-11-21"}).content.decode()
    assert "闸机离线" in by_day and "一楼烟感" not in by_day
    oldest_first = client.get("/security/alarms/", {"sort": "raised"}).content.decode()
    assert oldest_first.index("一楼烟感") < oldest_first.index("闸机离线")
    assert client.get("/security/alarms/", {"since": "2026-13-45", "severity": "nonsense"}).status_code == 200
    book = load_workbook(io.BytesIO(client.get("/security/alarms/", {"format": "xlsx"}).content))
    rows = list(book.active.iter_rows(values_only=True))
    assert len(rows) == 3 and rows[1][2] == "设备离线"


def test_staff_get_a_403_page(client: Client, li_ming: User) -> None:
    client.force_login(li_ming)
    assert client.get("/security/alarms/").status_code == 403


def test_panel_strings_name_device_kinds_and_gate_reasons() -> None:
    kinds, reasons = PANEL_STRINGS["kinds"], PANEL_STRINGS["reasons"]
    assert isinstance(kinds, dict) and isinstance(reasons, dict)
    assert "fire_detector" in kinds and "not_allowed" in reasons
