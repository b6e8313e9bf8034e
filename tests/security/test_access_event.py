"""The access decision has one shape: the live event is the panel's row, typed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from building.models import Site
from core import realtime
from portal.models import User
from security.models import AccessZone
from security.monitoring.selectors import access_events
from security.serializers import access_event, access_log_row
from security.services.access import access_decide
from security.services.credentials import credential_issue
from tests.factories import device_factory

pytestmark = pytest.mark.django_db
AT = datetime(2026, 3, 2, 8, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_the_live_event_is_the_panels_row(
    site: Site, li_ming: User, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    AccessZone.objects.create(site=site, code="main", name="主楼", open_to_all_staff=True)
    gate = device_factory(site=site, kind="gate").device
    card = credential_issue(user=li_ming, kind="card", code="0A0B0C99", actor="operator").code
    sent: list[dict[str, Any]] = []
    monkeypatch.setattr(realtime, "_group_send", lambda group, event: sent.append(event))
    with django_capture_on_commit_callbacks(execute=True):
        decision = access_decide(device=gate, method="card", code=card, at=AT)
    live = [event for event in sent if event["type"] == "access.decision"]
    assert live == [access_event(decision.log)]
    assert {k: v for k, v in live[0].items() if k != "type"} == access_log_row(decision.log)
    assert access_events(site=site) == [access_log_row(decision.log)]  # what a panel loads first
    assert live[0]["person"] == {"id": li_ming.pk, "name": str(li_ming)} and live[0]["gate"] == gate.device_id
