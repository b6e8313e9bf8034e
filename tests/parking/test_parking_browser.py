"""The staff parking page in a real headless Chromium: the tile, registering a car, a refusal in
words, and the free-space count updating by itself when a sensor reports."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from pytest_django.live_server_helper import LiveServer
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from building.models import Site
from building.parking.models import Lot, ParkingSpace, Vehicle
from building.parking.services import space_ensure, space_occupancy_set
from portal.models import User
from tests.browser import wait as _wait
from tests.factories import PASSWORD, device_factory

pytestmark = pytest.mark.browser


def test_register_a_car_and_watch_the_free_spaces(
    browser: WebDriver, live_server: LiveServer, li_ming: User, lot: Lot, site: Site
) -> None:
    base = live_server.url
    sensor = device_factory(site=site, kind="space_sensor").device
    sensor.last_seen_at = timezone.now()
    sensor.save()
    space_ensure(lot=lot, code="P01", sensor=sensor)
    with transaction.atomic():  # as the dispatcher runs it
        space_occupancy_set(sensor=sensor, occupied=True, at=timezone.now() - timedelta(seconds=5))

    browser.get(f"{base}/accounts/login/")
    _wait(browser, lambda d: d.find_elements(By.ID, "id_username"), "login form did not render")
    browser.find_element(By.ID, "id_username").send_keys("li_ming")
    password = browser.find_element(By.ID, "id_password")
    password.send_keys(PASSWORD)
    password.submit()
    _wait(browser, lambda d: d.current_url == f"{base}/", "sign-in did not land on the home page")
    browser.find_element(By.CSS_SELECTOR, "li.tile[data-service=parking] a").click()
    _wait(browser, lambda d: d.current_url == f"{base}/parking/", "the tile did not open the parking page")

    card = browser.find_element(By.CSS_SELECTOR, "[data-lot=p1]")
    assert card.get_attribute("data-free") == "0"

    browser.find_element(By.NAME, "plate").send_keys("京a·1O234")  # typed with an O: refused in words
    browser.find_element(By.CSS_SELECTOR, "form[action='/parking/vehicles/'] button").click()
    _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-testid=toasts] .toast.error"), "no refusal shown")
    refusal = browser.find_element(By.CSS_SELECTOR, "[data-testid=toasts] .toast.error").text
    assert "I" in refusal and "O" in refusal and "i_or_o" not in refusal

    browser.find_element(By.NAME, "plate").send_keys("京a·10234")
    browser.find_element(By.CSS_SELECTOR, "form[action='/parking/vehicles/'] button").click()
    _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-plate='京A10234']"), "the car is not listed")
    assert Vehicle.objects.filter(owner=li_ming, plate="京A10234").exists()

    # The car leaves its space: the page's count follows within its 10 s poll, no reload.
    ParkingSpace.objects.filter(sensor=sensor).update(occupied=False, sensed_at=timezone.now())
    _wait(
        browser,
        lambda d: d.find_element(By.CSS_SELECTOR, "[data-lot=p1]").get_attribute("data-free") == "1",
        "the count did not update",
    )
