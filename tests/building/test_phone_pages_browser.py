"""The recycling and work-order pages on a phone (390x844) with the demo's data: the UI system's
tables become cards, nothing scrolls sideways, no serious axe-core violation."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from portal.models import User
from tests.browser import PHONE, axe_serious, horizontal_overflow, login_cookie, viewport, wait

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAGES = {
    "manager": [
        ("/recycling/", "[data-testid=goods]"),
        ("/recycling/report/", "[data-testid=held]"),
        ("/repairs/", "[data-testid=report]"),
        ("/repairs/board/", "form.filters"),
        ("/repairs/evaluations/", "form.filters"),
    ],
    "contractor": [("/repairs/queue/", "[data-testid=queue], [data-testid=empty]")],
}


def test_recycling_and_work_order_pages_fit_a_phone(browser: WebDriver, live_server: Any, capsys: Any) -> None:
    call_command("seed_demo", "--password", "pw")
    capsys.readouterr()
    viewport(browser, PHONE)
    for username, pages in PAGES.items():
        browser.delete_all_cookies()
        login_cookie(browser, live_server.url, User.objects.get(username=username))
        for path, marker in pages:
            browser.get(f"{live_server.url}{path}")
            shown = By.CSS_SELECTOR, marker
            wait(browser, lambda d: d.find_elements(*shown), f"{path}: {marker} not shown")  # noqa: B023 (waited here)
            assert horizontal_overflow(browser) == 0, f"{path} scrolls sideways at 390 px"
            for table in browser.find_elements(By.CSS_SELECTOR, "table"):
                assert "responsive" in str(table.get_attribute("class")), f"{path}: a table that does not become cards"
            assert axe_serious(browser) == [], path
