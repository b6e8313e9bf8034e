"""The monitoring panel in a real Chromium: one click on an alarm card opens its work order."""

from __future__ import annotations

from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from building.models import Site, Space
from building.workorders.models import WorkOrder
from portal.models import User
from security.monitoring.services import alarm_raise
from tests.browser import wait
from tests.helpers import session_for

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_one_click_on_the_panel(
    browser: WebDriver, live_server: Any, site: Site, chen_guard: User, companies: object, room: Space
) -> None:
    alarm = alarm_raise(
        site=site, source="device_offline", severity="major", title="闸机离线", dedupe_key="offline:g1", space=room
    )
    browser.add_cookie({"name": "sessionid", "value": session_for(chen_guard), "path": "/"})
    browser.get(f"{live_server.url}/security/panel/")
    button = wait(
        browser,
        lambda d: d.find_elements(By.CSS_SELECTOR, f"[data-alarm-id='{alarm.pk}'] button[data-action=work_order]"),
        "no work-order button on the alarm card",
    )[0]
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
    button.click()
    order = wait(browser, lambda d: WorkOrder.objects.filter(alarm=alarm).first(), "no work order was opened")
    assert (order.category, order.priority) == ("device", "high")
    wait(
        browser,
        lambda d: order.number in d.find_element(By.CSS_SELECTOR, f"[data-alarm-id='{alarm.pk}']").text,
        "the card does not show the order number",
    )
    assert not browser.find_elements(By.CSS_SELECTOR, f"[data-alarm-id='{alarm.pk}'] button[data-action=work_order]")
