"""The panel over HTTP: who sees it, its initial state, and the alarm actions' errors."""

from __future__ import annotations

import json

import pytest

from devices.models import Device
from security.monitoring.models import Alarm
from security.monitoring.services import alarm_raise, patrol_round_create
from tests.factories import device_factory
from tests.security.monitoring.factories import other_site, route_with_checkpoints

pytestmark = pytest.mark.django_db


def test_only_security_and_managers_see_the_panel(client, chen_guard, wang_manager, li_ming, zhao_contractor) -> None:
    assert client.get("/security/panel/").status_code == 302  # to the login page
    for user, status in ((chen_guard, 200), (wang_manager, 200), (li_ming, 403), (zhao_contractor, 403)):
        client.force_login(user)
        assert client.get("/security/panel/").status_code == status, user.username
        assert client.get("/security/panel/state.json").status_code == status, user.username


def test_the_home_page_links_the_panel_for_guards_only(client, chen_guard, li_ming) -> None:
    client.force_login(chen_guard)
    assert 'href="/security/panel/"' in client.get("/").content.decode()
    client.force_login(li_ming)
    assert 'href="/security/panel/"' not in client.get("/").content.decode()


def test_initial_state_has_open_alarms_devices_patrol_and_a_place_for_access(client, site, chen_guard) -> None:
    from django.utils import timezone

    gate = device_factory(site=site, kind="gate").device
    Device.objects.filter(pk=gate.pk).update(online=True)
    open_alarm = alarm_raise(site=site, source="fire", severity="critical", title="火警", dedupe_key="f")
    closed = alarm_raise(site=site, source="intrusion", severity="major", title="入侵", dedupe_key="i")
    Alarm.objects.filter(pk=closed.pk).update(state="resolved")
    other = alarm_raise(site=other_site(), source="fire", severity="critical", title="别处", dedupe_key="f")
    patrol_round_create(route=route_with_checkpoints(site), planned_start=timezone.now(), guard=chen_guard)

    client.force_login(chen_guard)
    state = client.get("/security/panel/state.json").json()
    assert [a["id"] for a in state["alarms"]] == [open_alarm.pk] and other.pk not in [a["id"] for a in state["alarms"]]
    assert state["sections"]["devices"] == [
        {"device": str(gate), "name": gate.name, "kind": "gate", "online": True, "last_seen_at": None, "location": ""}
    ]
    assert [r["state"] for r in state["sections"]["patrol"]] == ["planned"]
    assert isinstance(state["sections"]["access"], list)

    page = client.get("/security/panel/").content.decode()
    embedded = page.split('<script id="panel-state" type="application/json">')[1].split("</script>")[0]
    assert json.loads(embedded)["alarms"][0]["id"] == open_alarm.pk
    for marker in ('data-testid="critical-banner"', 'data-section="devices"', 'data-section="patrol"', "monitoring/panel.js"):
        assert marker in page


def test_actions_on_another_sites_alarm_are_not_found_and_errors_are_clear(client, chen_guard, li_ming, site) -> None:
    foreign = alarm_raise(site=other_site(), source="fire", severity="critical", title="别处", dedupe_key="f")
    mine = alarm_raise(site=site, source="fire", severity="critical", title="火警", dedupe_key="f")
    client.force_login(chen_guard)
    json_headers = {"HTTP_ACCEPT": "application/json"}
    assert client.post(f"/security/alarms/{foreign.pk}/acknowledge/", **json_headers).status_code == 404
    refused = client.post(f"/security/alarms/{mine.pk}/dispatch/", {"dispatched_to": ""}, **json_headers)
    assert refused.status_code == 400 and refused.json()["error"]
    assert client.get(f"/security/alarms/{mine.pk}/acknowledge/").status_code == 405
    ok = client.post(f"/security/alarms/{mine.pk}/dispatch/", {"dispatched_to": "消防队"}, **json_headers)
    assert ok.status_code == 200 and ok.json()["alarm"]["state"] == "dispatched"
    client.force_login(li_ming)
    assert client.post(f"/security/alarms/{mine.pk}/resolve/", {"comment": "x"}).status_code == 403
    mine.refresh_from_db()
    assert mine.state == "dispatched"
