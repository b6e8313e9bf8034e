"""Phone size (390x844) in a real headless Chromium: staff books a room for next Tuesday."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from pytest_django.live_server_helper import LiveServer
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import Select

from portal.booking.models import Booking, Resource
from portal.models import User
from tests.browser import page_text, wait
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_staff_books_a_room_for_next_tuesday_on_a_phone(
    browser: WebDriver, live_server: LiveServer, li_ming: User, room: Resource
) -> None:
    base = live_server.url
    browser.set_window_size(390, 844)
    today = timezone.localdate()
    tuesday = today + timedelta(days=(1 - today.weekday()) % 7 or 7)
    browser.get(f"{base}/accounts/login/")
    wait(browser, lambda d: d.find_elements(By.ID, "id_username"), "login form did not render")
    browser.find_element(By.ID, "id_username").send_keys("li_ming")
    password = browser.find_element(By.ID, "id_password")
    password.send_keys(PASSWORD)
    password.submit()
    wait(browser, lambda d: d.current_url == f"{base}/", "sign-in did not land on the home page")

    browser.find_element(By.CSS_SELECTOR, "[data-service=booking] a").click()
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, f"[data-resource='{room.pk}'] a"), "the booking page did not open")
    browser.find_element(By.CSS_SELECTOR, f"[data-resource='{room.pk}'] a").click()
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-testid=book-form]"), "the room page did not open")
    browser.get(f"{browser.current_url.split('?')[0]}?date={tuesday:%Y-%m-%d}")
    wait(browser, lambda d: f"{tuesday:%Y-%m-%d}" in (d.find_element(By.NAME, "date").get_attribute("value") or ""), "no Tuesday")
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 390  # no sideways scrolling

    Select(browser.find_element(By.NAME, "start")).select_by_value("10:00")
    Select(browser.find_element(By.NAME, "end")).select_by_value("11:00")
    browser.find_element(By.NAME, "title").send_keys("项目周会")
    browser.find_element(By.CSS_SELECTOR, "[data-testid=book-form] button[type=submit]").click()
    wait(browser, lambda d: d.current_url == f"{base}/booking/mine/", "booking did not lead to my bookings")
    text = page_text(browser)
    assert "项目周会" in text and f"{tuesday:%Y-%m-%d} 10:00" in text
    assert Booking.objects.get(user=li_ming).start.astimezone(timezone.get_current_timezone()).date() == tuesday
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 390
