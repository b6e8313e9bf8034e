"""An alarm on the monitoring panel opens a work order with one click, linked both ways."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from building.models import Site, Space
from building.workorders.models import Company, WorkOrder
from building.workorders.services.companies import contract_ensure
from portal.models import User
from security.monitoring.models import Alarm
from security.monitoring.services import alarm_raise
from tests.factories import SiteFactory

pytestmark = pytest.mark.django_db


def session(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_one_click_from_the_panel(
    site: Site, chen_guard: User, zhao_contractor: User, companies: tuple[Company, Company], room: Space
) -> None:
    contract_ensure(company=companies[0], categories=["plumbing", "fire"], valid_from=date(2024, 1, 1), monthly_fee_fen=1_000_000)
    alarm = alarm_raise(site=site, source="fire", severity="critical", title="3楼烟感故障", dedupe_key="fire:d1", space=room)
    guard = session(chen_guard)
    panel = guard.get("/security/panel/")
    assert b'data-work-order-url="/repairs/from-alarm/0/"' in panel.content

    response = guard.post(f"/repairs/from-alarm/{alarm.pk}/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200, response.content
    body = response.json()
    order = WorkOrder.objects.get(pk=body["order"]["id"])
    alarm.refresh_from_db()
    assert order.alarm == alarm and alarm.work_order_ref == order.number  # both ways
    assert body["alarm"]["work_order_ref"] == order.number and alarm.state == Alarm.State.DISPATCHED
    assert (order.category, order.priority, order.space) == ("fire", "urgent", room)
    assert order.company is not None and order.company.code == "a" and alarm.dispatched_to == order.company.name
    assert order.number in str(guard.get("/security/panel/state.json").json()["sections"]["workorders"])

    again = guard.post(f"/repairs/from-alarm/{alarm.pk}/", HTTP_ACCEPT="application/json")
    assert again.status_code == 409 and again.json()["error"]
    other_site = SiteFactory()
    assert isinstance(other_site, Site)
    other = alarm_raise(site=other_site, source="fire", severity="critical", title="x", dedupe_key="fire:x")
    assert guard.post(f"/repairs/from-alarm/{other.pk}/", HTTP_ACCEPT="application/json").status_code == 404
    assert session(zhao_contractor).post(f"/repairs/from-alarm/{alarm.pk}/").status_code == 403
