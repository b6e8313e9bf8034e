"""End to end: a detector over MQTT -> bridge -> alarm service -> on commit -> the channel layer ->
uvicorn serving config.asgi -> a real WebSocket client; actions over real HTTP to the same server."""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookies import SimpleCookie

import pytest

from devices.models import Device
from security.monitoring.models import Alarm
from tests.helpers import eventually, session_for
from tests.security.monitoring.conftest import AsgiServer, refused
from tests.security.monitoring.factories import camera, space_in

pytestmark = pytest.mark.django_db(transaction=True)


class Browser:
    """Just enough of a browser for Django's CSRF: session cookie, csrftoken cookie, token from the page."""

    def __init__(self, server: AsgiServer, user) -> None:
        self.server = server
        self.cookies = {"sessionid": session_for(user)}
        self.csrf = ""

    def _open(self, request: urllib.request.Request) -> tuple[int, bytes, str]:
        request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            with opener.open(request, timeout=5) as response:
                status, body, headers = response.status, response.read(), response.headers
        except urllib.error.HTTPError as exc:
            status, body, headers = exc.code, exc.read(), exc.headers
        for header in headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return status, body, headers.get("Content-Type", "")

    def get(self, path: str) -> tuple[int, bytes, str]:
        status, body, ctype = self._open(urllib.request.Request(self.server.http + path))  # noqa: S310  (our test server)
        found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        if found:
            self.csrf = found.group(1).decode()
        return status, body, ctype

    def post(self, path: str, data: dict[str, str]) -> tuple[int, bytes, str]:
        request = urllib.request.Request(  # noqa: S310  (our test server)
            self.server.http + path, data=urllib.parse.urlencode(data).encode(), method="POST",
            headers={"X-CSRFToken": self.csrf, "Accept": "application/json"},
        )  # fmt: skip
        return self._open(request)


def test_the_real_server_refuses_anonymous_wrong_role_and_foreign_origin(open_panel, site, li_ming, chen_guard) -> None:
    assert refused(lambda: open_panel(None))
    assert refused(lambda: open_panel(li_ming))
    assert refused(lambda: open_panel(chen_guard, origin="http://evil.example.com"))
    guard = open_panel(chen_guard)
    guard.conn.send('{"type": "ping"}')
    assert guard.wait_for(lambda e: e["type"] == "pong")


def test_a_fire_alarm_from_a_detector_reaches_the_panel_within_a_second_with_a_snapshot(
    bridge, connect_device, open_panel, asgi_server, mjpeg_stream, site, chen_guard
) -> None:
    space = space_in(site)
    detector = connect_device(site, "fire_detector")
    device = Device.objects.get(site=site, device_id=detector.prefix.split("/")[2])
    device.space = space
    device.save(update_fields=["space"])  # as the admin does: the bridge's device cache follows
    camera(site, stream_url=mjpeg_stream, space=space)
    panel = open_panel(chen_guard)

    sent = time.monotonic()
    detector.send("alarm", {"kind": "smoke"})
    raised = panel.wait_for(lambda e: e["type"] == "alarm.raised", timeout=3)
    arrived = panel.arrived[panel.events.index(raised)]
    assert arrived - sent < 1.0, f"took {arrived - sent:.3f}s"
    alarm = raised["alarm"]
    assert (alarm["source"], alarm["severity"], alarm["state"]) == ("fire", "critical", "new")
    assert "配电室" in alarm["location"] and alarm["comment_required"] is True

    with_snapshot = panel.wait_for(lambda e: e["type"] == "alarm.updated" and e["alarm"]["snapshots"], timeout=10)
    snapshot = with_snapshot["alarm"]["snapshots"][0]
    assert snapshot["url"] and not snapshot["error"]
    status, body, ctype = Browser(asgi_server, chen_guard).get(snapshot["url"])
    assert (status, ctype, body[:2]) == (200, "image/jpeg", b"\xff\xd8")

    detector.send("alarm", {"kind": "smoke"})  # the detector keeps firing
    updated = panel.wait_for(lambda e: e["type"] == "alarm.updated" and e["alarm"]["occurrences"] == 2)
    assert updated["alarm"]["id"] == alarm["id"]
    assert Alarm.objects.filter(site=site).count() == 1

    detector.send("restore", {"kind": "smoke"})  # a fire stays open until a person closes it
    restored = panel.wait_for(lambda e: e["alarm"].get("restored_at") is not None if "alarm" in e else False)
    assert restored["alarm"]["state"] == "new"


def test_a_malformed_fire_event_gets_an_error_and_opens_nothing(bridge, connect_device, site) -> None:
    detector = connect_device(site, "fire_detector")
    cmd = detector.request("alarm", {"kind": "volcano"})
    assert cmd["type"] == "error" and "bad_data" in cmd["data"]["reason"]
    assert not Alarm.objects.exists()


def test_acknowledge_and_resolve_over_http_reach_every_connected_panel(
    bridge, connect_device, open_panel, asgi_server, site, chen_guard, wang_manager
) -> None:
    detector = connect_device(site, "fire_detector")
    guard_panel, manager_panel = open_panel(chen_guard), open_panel(wang_manager)
    detector.send("alarm", {"kind": "manual"})
    alarm_id = guard_panel.wait_for(lambda e: e["type"] == "alarm.raised")["alarm"]["id"]
    manager_panel.wait_for(lambda e: e["type"] == "alarm.raised")

    guard = Browser(asgi_server, chen_guard)
    status, page, _ = guard.get("/security/panel/")
    assert status == 200 and b'id="panel"' in page and guard.csrf
    status, _, _ = guard.post(f"/security/alarms/{alarm_id}/acknowledge/", {"comment": "收到"})
    assert status == 200
    for panel in (guard_panel, manager_panel):
        event = panel.wait_for(lambda e: e["type"] == "alarm.acknowledged")
        assert event["alarm"]["acknowledged_by"] == str(chen_guard)

    status, body, _ = guard.post(f"/security/alarms/{alarm_id}/resolve/", {"comment": ""})
    assert status == 400 and "必须填写说明" in json.loads(body)["error"]
    status, _, _ = guard.post(f"/security/alarms/{alarm_id}/resolve/", {"comment": "手报按钮误触，已复位"})
    assert status == 200
    for panel in (guard_panel, manager_panel):
        event = panel.wait_for(lambda e: e["type"] == "alarm.resolved")
        assert event["alarm"]["comment"] == "手报按钮误触，已复位"

    # Without the CSRF token the same POST is refused and changes nothing.
    guard.csrf = "wrong"
    status, _, _ = guard.post(f"/security/alarms/{alarm_id}/acknowledge/", {})
    assert status == 403
    assert eventually(lambda: Alarm.objects.get(pk=alarm_id).state == "resolved")
