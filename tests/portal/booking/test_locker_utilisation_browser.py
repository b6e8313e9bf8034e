"""The lockers' week in a real browser at phone size: the desk's link, the ECharts chart drawn, no sideways scrolling."""

from __future__ import annotations

from pytest_django.live_server_helper import LiveServer
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from building.models import Site
from devices.models import Device
from tests.browser import PHONE, axe_serious, horizontal_overflow, login_cookie, viewport, wait
from tests.portal.booking.test_locker_utilisation import manager_of, week_of_parcels  # noqa: F401 (a fixture)


def test_the_front_desk_sees_the_week_per_locker_on_a_phone(
    browser: WebDriver,
    live_server: LiveServer,
    site: Site,
    week_of_parcels: Device,  # noqa: F811
) -> None:
    login_cookie(browser, live_server.url, manager_of(site, "lockers"))
    viewport(browser, PHONE)
    browser.get(f"{live_server.url}/booking/desk/")
    link = wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "a[href='/booking/office/lockers/utilisation/']"), "no link")
    link[0].click()
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-testid=locker-utilisation]"), "the week did not open")
    browser.get(f"{browser.current_url.split('?')[0]}?week=2026-11-16")
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#utilisation-chart svg"), "the chart was not drawn")
    assert "1号快递柜" in (browser.find_element(By.CSS_SELECTOR, "#utilisation-chart svg").get_attribute("innerHTML") or "")
    assert horizontal_overflow(browser) == 0
    assert axe_serious(browser) == []
