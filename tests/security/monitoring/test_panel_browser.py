"""The issue's "done when", in a real headless Chromium against the real ASGI server:

a guard on the panel sees a fire alarm from an MQTT detector (banner, sound, camera snapshot),
acknowledges and resolves it, sees a device go offline and come back, and follows a patrol round
in which a skipped checkpoint raised an alarm.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.utils import timezone
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

from devices.models import Device
from security.monitoring.services import device_offline_sweep, patrol_overdue_check, patrol_round_create
from tests.browser import CHROMIUM_ARGS
from tests.conftest import needs
from tests.helpers import session_for
from tests.security.monitoring.factories import camera, route_with_checkpoints, space_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WAIT = 10


@pytest.fixture
def chromium(tmp_path) -> Iterator[WebDriver]:  # its own: the panel needs autoplay for the alarm sound
    needs(bool(shutil.which("chromium") and shutil.which("chromedriver")), "Debian chromium + chromium-driver")
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for arg in CHROMIUM_ARGS:
        options.add_argument(arg)
    options.add_argument(f"--user-data-dir={tmp_path / 'profile'}")
    options.add_argument("--autoplay-policy=no-user-gesture-required")
    chrome = webdriver.Chrome(options=options, service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"))
    try:
        yield chrome
    finally:
        chrome.quit()


def until(driver: WebDriver, condition, message: str):
    # The panel re-renders its lists on every event: an element found a moment ago may be gone.
    wait = WebDriverWait(driver, WAIT, poll_frequency=0.05, ignored_exceptions=(StaleElementReferenceException,))
    return wait.until(condition, message)


def cards(driver: WebDriver, source_title: str = "") -> list:
    return [c for c in driver.find_elements(By.CSS_SELECTOR, "#alarm-list article.alarm") if source_title in c.text]


def test_a_guard_follows_fire_device_and_patrol_on_the_live_panel(
    chromium, asgi_server, bridge, connect_device, mjpeg_stream, site, chen_guard
) -> None:
    space = space_in(site, "配电室")
    detector = connect_device(site, "fire_detector")
    gate = connect_device(site, "gate")
    reader = connect_device(site, "patrol_reader")
    fire_device = Device.objects.get(site=site, device_id=detector.prefix.split("/")[2])
    fire_device.space, fire_device.name = space, "配电室烟感"
    fire_device.save(update_fields=["space", "name"])  # as the admin does: the bridge's device cache follows
    camera(site, stream_url=mjpeg_stream, space=space)
    route = route_with_checkpoints(site, every_s=600, grace_s=900)
    patrol_round = patrol_round_create(route=route, planned_start=timezone.now() - timedelta(minutes=5), guard=chen_guard)
    assert patrol_round is not None

    chromium.get(f"{asgi_server.http}/static/monitoring/panel.css")
    chromium.add_cookie({"name": "sessionid", "value": session_for(chen_guard), "path": "/"})
    chromium.get(f"{asgi_server.http}/security/panel/")
    until(chromium, lambda d: d.find_element(By.ID, "ws-status").get_attribute("data-state") == "connected", "no live socket")
    chromium.find_element(By.ID, "sound-toggle").click()
    beeps = chromium.execute_script("return window.monitoringPanel.beeps()")

    # 1. Fire: banner, sound, snapshot.
    sent = time.monotonic()
    detector.send("alarm", {"kind": "smoke"})
    until(chromium, lambda d: d.find_element(By.ID, "critical-banner").is_displayed(), "no critical banner")
    shown_after = time.monotonic() - sent
    assert "配电室烟感" in chromium.find_element(By.ID, "critical-banner").text
    assert chromium.execute_script("return window.monitoringPanel.beeps()") > beeps
    until(chromium, lambda d: d.execute_script(
        "const i = document.querySelector('#alarm-list img.snapshot'); return i && i.complete && i.naturalWidth === 160"
    ), "no snapshot on the card")  # fmt: skip
    assert shown_after < 2.0, f"fire alarm shown after {shown_after:.2f}s"

    # 2. Acknowledge, then resolve with the comment a fire requires.
    fire_card = cards(chromium, "配电室烟感")[0]
    fire_card.find_element(By.CSS_SELECTOR, "button[data-action=acknowledge]").click()
    until(chromium, lambda d: cards(d, "配电室烟感")[0].get_attribute("data-state") == "acknowledged", "not acknowledged")
    assert not chromium.find_element(By.ID, "critical-banner").is_displayed()
    cards(chromium, "配电室烟感")[0].find_element(By.CSS_SELECTOR, "button[data-action=resolve]").click()
    dialog = until(chromium, lambda d: d.find_element(By.CSS_SELECTOR, "dialog.dialog[open]"), "no comment dialog")
    dialog.find_element(By.TAG_NAME, "textarea").send_keys("厨房油烟误报，已通风复位")
    dialog.find_element(By.CSS_SELECTOR, "[data-testid=dialog-confirm]").click()
    until(chromium, lambda d: not cards(d, "配电室烟感"), "fire alarm still shown after resolving")

    # 3. A device goes offline (the sweep, time passed explicitly) and comes back.
    gate_id = gate.prefix.split("/")[2]
    gate_device = Device.objects.get(site=site, device_id=gate_id)
    later = timezone.now() + timedelta(seconds=2 * gate_device.heartbeat_interval_s + 5)
    device_offline_sweep(at=later, site=site)
    gate_item = f"li[data-device='{site.code}/{gate_id}']"
    online = lambda d: d.find_element(By.CSS_SELECTOR, gate_item).get_attribute("data-online")  # noqa: E731
    until(chromium, lambda d: online(d) == "false", "gate not offline")
    until(chromium, lambda d: cards(d, gate_id), "no device-offline alarm")
    assert gate.request("ping")["type"] == "pong"  # it speaks again
    until(chromium, lambda d: online(d) == "true", "gate not back")
    device_offline_sweep(at=timezone.now(), site=site)  # the next sweep, now that it is back
    until(chromium, lambda d: not cards(d, gate_id), "offline alarm not closed on recovery")

    # 4. Patrol: checkpoint 1 scanned by the reader, 2 skipped -> a missed alarm once its grace is over.
    reader.send("checkpoint", {"tag": "night-tag-1", "guard": chen_guard.employee_no})
    round_box = f"div.round[data-round-id='{patrol_round.pk}']"
    first_visit = f"{round_box} li.visit"
    until(chromium, lambda d: d.find_element(By.CSS_SELECTOR, first_visit).get_attribute("data-state") == "ok", "no scan shown")
    patrol_overdue_check(at=patrol_round.planned_start + timedelta(minutes=20 + 15, seconds=1))
    until(chromium, lambda d: cards(d, "巡更点2"), "no missed-checkpoint alarm")
    states = [v.get_attribute("data-state") for v in chromium.find_elements(By.CSS_SELECTOR, f"{round_box} li.visit")]
    assert states == ["ok", "missed", "pending"]  # checkpoint 3 is still inside its grace period

    # 5. Words, not codes, and the site's clock: 24-hour Shanghai time whatever the browser's zone.
    devices_text = chromium.find_element(By.ID, "section-devices").text
    assert "fire_detector" not in devices_text and "火灾探测器" in devices_text
    assert f"{site.code}/" not in devices_text
    shown = chromium.execute_script("return window.ui.time('2026-11-26T12:31:46Z')")
    assert shown == "20:31:46"
