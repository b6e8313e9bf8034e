"""Portal pages for visitors and the access log (filter, xlsx export), and the realtime event."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from building.models import Site
from core.realtime import site_group
from portal.models import User
from security.models import AccessZone, VisitorPass
from security.services.access import access_decide
from security.services.credentials import credential_issue
from tests.factories import device_factory

pytestmark = pytest.mark.django_db
AT = datetime(2026, 11, 23, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_staff_invites_a_visitor_and_gets_a_qr_code(client: Client, li_ming: User, site: Site) -> None:
    zone = AccessZone.objects.create(site=site, code="main", name="主楼", open_to_all_staff=True)
    client.force_login(li_ming)
    assert client.get("/access/visitors/").status_code == 200
    start = timezone.localtime() + timedelta(hours=1)
    response = client.post(
        "/access/visitors/",
        {
            "visitor_name": "王访客",
            "zone": zone.pk,
            "valid_from": f"{start:%Y-%m-%dT%H:%M}",
            "valid_until": f"{start + timedelta(hours=3):%Y-%m-%dT%H:%M}",
        },
    )
    assert response.status_code == 200 and b'data-testid="visitor-qr"' in response.content
    visitor_pass = VisitorPass.objects.get(host=li_ming)
    assert visitor_pass.visitor_name == "王访客" and "VP1:" in response.content.decode()
    backwards = {"visitor_name": "x", "zone": zone.pk, "valid_from": "2026-11-23T12:00", "valid_until": "2026-11-23T09:00"}
    assert client.post("/access/visitors/", backwards).status_code == 400


def test_access_log_filter_and_xlsx_export(client: Client, chen_guard: User, li_ming: User, site: Site) -> None:
    AccessZone.objects.create(site=site, code="main", name="主楼", open_to_all_staff=True)
    gate = device_factory(site=site, kind="gate").device
    card = credential_issue(user=li_ming, kind="card", code="0A0B0C07", actor="operator").code
    access_decide(device=gate, method="card", code=card, at=AT)
    access_decide(device=gate, method="card", code="unknown-card", at=AT)
    client.force_login(li_ming)
    assert client.get("/access/log/").status_code in (302, 403)  # staff may not read others' movements
    client.force_login(chen_guard)
    page = client.get("/access/log/", {"decision": "open"})
    assert page.status_code == 200
    assert page.content.count(b'data-decision="open"') == 1 and b'data-decision="deny"' not in page.content
    export = client.get("/access/log/", {"person": "li_ming", "format": "xlsx"})
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][5] == str(li_ming) and rows[1][6] == "open"
    assert client.get("/access/log/", {"since": "not a date"}).status_code == 400


def test_every_decision_is_published_on_commit(
    site: Site, li_ming: User, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    AccessZone.objects.create(site=site, code="main", name="主楼", open_to_all_staff=True)
    gate = device_factory(site=site, kind="gate").device
    layer = get_channel_layer()
    assert layer is not None
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(site_group(site.code), channel)
    card = credential_issue(user=li_ming, kind="card", code="0A0B0C08", actor="operator").code
    with django_capture_on_commit_callbacks(execute=True):
        access_decide(device=gate, method="card", code=card, at=AT, event_id="ev-1")
    message = async_to_sync(layer.receive)(channel)
    event = message["event"]
    assert event["type"] == "access.decision" and event["decision"] == "open" and event["gate"] == gate.device_id
    assert event["person"] == {"id": li_ming.pk, "name": str(li_ming)} and event["method"] == "card"


def test_staff_get_a_personal_qr_code_that_opens_and_replaces_the_old_one(client: Client, li_ming: User, site: Site) -> None:
    AccessZone.objects.create(site=site, code="main", name="主楼", open_to_all_staff=True)
    gate = device_factory(site=site, kind="gate").device
    client.force_login(li_ming)
    first = client.post("/access/qr/")
    assert first.status_code == 200 and b"<svg" in first.content and b'data-testid="my-qr"' in first.content
    first_code = first.context["code"]
    assert access_decide(device=gate, method="qr", code=first_code, at=AT).log.decision == "open"
    second_code = client.post("/access/qr/").context["code"]
    assert access_decide(device=gate, method="qr", code=second_code, at=AT).log.decision == "open"
    assert access_decide(device=gate, method="qr", code=first_code, at=AT).log.reason == "credential_revoked"


def test_operators_issue_cards_from_the_command_line(li_ming: User) -> None:
    import json

    from django.core.management import CommandError, call_command

    out = io.StringIO()
    call_command("access_credential_issue", "li_ming", "--card", "04A1B2C3", "--valid-until", "2027-12-31", stdout=out)
    issued = json.loads(out.getvalue())
    assert issued["kind"] == "card" and issued["hint"] == "B2C3" and "code" not in issued
    with pytest.raises(CommandError, match="already issued"):  # lower case is the same card
        call_command("access_credential_issue", "li_ming", "--card", "04a1b2c3", stdout=io.StringIO())
    with pytest.raises(CommandError, match="hexadecimal"):
        call_command("access_credential_issue", "li_ming", "--card", "04:A1:B2:C3", stdout=io.StringIO())
    out = io.StringIO()
    call_command("access_credential_issue", "li_ming", "--qr", stdout=out)
    assert json.loads(out.getvalue())["code"].startswith("SQ1:")
