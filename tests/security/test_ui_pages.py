"""Security pages as people meet them: browser-valid prefilled times, 403 not login, reasons in words, confirmations."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from building.models import Site
from portal.models import User
from security.models import AccessZone
from security.services.access import access_decide
from tests.factories import device_factory

pytestmark = pytest.mark.django_db
AT = datetime(2026, 11, 23, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_visitor_form_prefills_times_a_datetime_local_input_accepts(client: Client, li_ming: User, site: Site) -> None:
    client.force_login(li_ming)
    html = client.get("/access/visitors/").content.decode()
    values = re.findall(r'type="datetime-local" name="valid_(?:from|until)" value="([^"]+)"', html)
    assert len(values) == 2 and all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d", v) for v in values), values
    assert 'for="id_visitor_name"' in html


def test_access_log_is_a_403_page_for_staff_and_says_reasons_in_words(
    client: Client, li_ming: User, chen_guard: User, site: Site
) -> None:
    AccessZone.objects.create(site=site, code="main", name="主楼", open_to_all_staff=True)
    gate = device_factory(site=site, kind="gate").device
    access_decide(device=gate, method="card", code="unknown-card", at=AT)
    client.force_login(li_ming)
    forbidden = client.get("/access/log/")
    assert forbidden.status_code == 403 and "无权" in forbidden.content.decode()
    client.force_login(chen_guard)
    html = client.get("/access/log/", {"sort": "-gate"}).content.decode()
    assert "卡未登记" in html and ">unknown_card<" not in html
    assert 'aria-sort="descending"' in html
    assert 'data-label="时间"' in html  # cells carry their header for the phone's card layout


def test_face_withdrawal_and_a_new_qr_code_ask_first(client: Client, li_ming: User) -> None:
    from security.services.credentials import staff_qr_renew
    from security.services.faces import face_consent_give

    face_consent_give(user=li_ming)
    staff_qr_renew(user=li_ming)
    client.force_login(li_ming)
    face = client.get("/access/face/").content.decode()
    withdraw = face.split('data-testid="face-withdraw-form"', 1)[1].split(">", 1)[0]
    assert "data-confirm=" in withdraw and "data-danger" in withdraw
    assert "data-confirm=" in client.get("/access/qr/").content.decode()


def test_access_log_draws_the_daily_counts_with_the_table_beside(client: Client, chen_guard: User, site: Site) -> None:
    from django.utils import timezone

    AccessZone.objects.create(site=site, code="main", name="主楼", open_to_all_staff=True)
    gate = device_factory(site=site, kind="gate").device
    access_decide(device=gate, method="card", code="unknown-card", at=timezone.now())
    client.force_login(chen_guard)
    response = client.get("/access/log/")
    html = response.content.decode()
    chart = response.context["chart"]
    assert chart["series"][1]["data"] == [1] and chart["series"][0]["data"] == [0]
    assert 'data-chart="daily-chart"' in html and "echarts.common.min.js" in html
    assert f'<td data-label="日期">{timezone.localdate().isoformat()}</td>' in html
