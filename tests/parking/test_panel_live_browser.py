"""The monitoring panel redraws parking's contributed section live, in a real Chromium against the
real ASGI server: parking has no panel script of its own, so a `parking.*` event makes panel.js
re-read the panel state, one read per second however many events arrive (resyncSoon)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from building.models import Site
from building.parking.models import Lot
from devices.simulator import SimDevice
from portal.models import User
from tests.helpers import session_for
from tests.parking.conftest import read
from tests.security.monitoring.conftest import AsgiServer, asgi_server  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
STATE_READS = "return performance.getEntriesByType('resource').filter((e) => e.name.includes('/security/panel/state')).length"


def until(driver: Any, condition: Callable[[Any], Any], message: str) -> Any:
    wait = WebDriverWait(driver, 10, poll_frequency=0.05, ignored_exceptions=(StaleElementReferenceException,))
    return wait.until(condition, message)


def parking_text(driver: Any) -> str:
    return str(driver.find_element(By.ID, "section-parking").text)


def test_a_held_car_appears_in_the_parking_section_without_a_reload(
    chromium: Any,
    asgi_server: AsgiServer,  # noqa: F811
    bridge: object,
    connect_device: Callable[..., SimDevice],
    site: Site,
    lot: Lot,
    chen_guard: User,
) -> None:
    camera = connect_device(site, "plate_camera")
    chromium.get(f"{asgi_server.http}/static/monitoring/panel.css")
    chromium.delete_all_cookies()
    chromium.add_cookie({"name": "sessionid", "value": session_for(chen_guard), "path": "/"})
    chromium.get(f"{asgi_server.http}/security/panel/")
    until(chromium, lambda d: d.find_element(By.ID, "ws-status").get_attribute("data-state") == "connected", "no live socket")
    until(chromium, lambda d: d.execute_script(STATE_READS) >= 1, "the state was not read after connecting")
    until(chromium, lambda d: "地下停车场" in parking_text(d), "no parking section")
    assert "京B99999" not in parking_text(chromium)
    chromium.execute_script("window.notReloaded = true; performance.setResourceTimingBufferSize(1000)")
    reads_before = chromium.execute_script(STATE_READS)

    # Three unknown cars held at the barrier in a burst: three parking.held events over the socket.
    for plate in ("京B99999", "京B88888", "京B77777"):
        assert read(camera, plate)["action"] == "hold"
    until(chromium, lambda d: all(p in parking_text(d) for p in ("京B99999", "京B88888", "京B77777")), "section not redrawn")
    assert "not registered" in parking_text(chromium) or "未登记" in parking_text(chromium)  # a sentence, no code
    assert chromium.execute_script("return window.notReloaded === true"), "the page was reloaded"
    reads = chromium.execute_script(STATE_READS) - reads_before
    assert 1 <= reads <= 2, f"{reads} state reads for a burst of three events (coalesced to one per second)"
