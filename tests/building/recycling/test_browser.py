"""The recycling pages in a real headless Chromium: the tile, points, an exchange with its confirmation."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_django.live_server_helper import LiveServer
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from building.models import Site
from building.recycling.models import Good
from canteen.selectors import wallet_balances
from canteen.services.wallet import points_award
from portal.models import User
from tests.browser import screenshot, wait
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_staff_open_recycling_from_the_home_tile_and_exchange_points(
    browser: WebDriver, live_server: LiveServer, site: Site, li_ming: User, tmp_path: Path
) -> None:
    base = live_server.url
    Good.objects.create(site=site, name="环保购物袋", points=30, stock=3)
    points_award(user=li_ming, points=100, source_key="test:browser")
    browser.get(f"{base}/accounts/login/")
    wait(browser, lambda d: d.find_elements(By.ID, "id_username"), "login form did not render")
    browser.find_element(By.ID, "id_username").send_keys("li_ming")
    password = browser.find_element(By.ID, "id_password")
    password.send_keys(PASSWORD)
    password.submit()
    wait(browser, lambda d: d.current_url == f"{base}/", "sign-in did not land on the home page")

    browser.find_element(By.CSS_SELECTOR, "li.tile[data-service=recycling] a").click()
    wait(browser, lambda d: d.current_url == f"{base}/recycling/", "the tile did not open the recycling page")
    assert browser.find_element(By.CSS_SELECTOR, "[data-testid=points]").text == "100"

    browser.find_element(By.CSS_SELECTOR, "[data-testid=goods] button[type=submit]").click()
    # The confirmation before spending: the UI's dialog (no window.confirm).
    dialog = wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "dialog.dialog[open]"), "no confirmation dialog")[0]
    assert wallet_balances(li_ming).points == 100  # nothing spent before the person confirms
    dialog.find_element(By.CSS_SELECTOR, "[data-testid=dialog-confirm]").click()
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".toast.success"), "no confirmation after the exchange")
    assert browser.find_element(By.CSS_SELECTOR, "[data-testid=points]").text == "70"
    assert "环保购物袋" in browser.find_element(By.CSS_SELECTOR, "[data-testid=redemptions]").text
    assert wallet_balances(li_ming).points == 70
    screenshot(browser, tmp_path, "recycling-home")
