"""A repair in a real headless Chromium at phone size (390x844): staff files it with a photo, the
contractor (the next login) accepts and completes it with a photo, staff confirms and rates."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import Select

from building.workorders.models import WorkOrder
from portal.models import User
from tests.browser import SHOTS, wait
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def phone(browser: WebDriver) -> Iterator[WebDriver]:
    browser.set_window_size(390, 844)
    try:
        yield browser
    finally:
        browser.set_window_size(1280, 900)


def sign_in(driver: WebDriver, base: str, username: str) -> None:
    driver.delete_all_cookies()  # the previous person signs out: one browser, logins in sequence
    driver.get(f"{base}/accounts/login/")
    wait(driver, lambda d: d.find_elements(By.ID, "id_username"), "login form did not render")
    driver.find_element(By.ID, "id_username").send_keys(username)
    field = driver.find_element(By.ID, "id_password")
    field.send_keys(PASSWORD)
    field.submit()
    wait(driver, lambda d: d.current_url == f"{base}/", f"{username} did not land on the home page")


def tap(driver: WebDriver, element: Any) -> None:
    # centred first: the phone's tab bar covers the bottom of the screen
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()


def click(driver: WebDriver, action: str) -> None:
    tap(driver, driver.find_element(By.CSS_SELECTOR, f"button[data-action={action}]"))


def status_is(order_id: int, status: str) -> Any:
    return lambda d: WorkOrder.objects.get(pk=order_id).status == status


def test_a_repair_from_the_phone_and_back(
    phone: WebDriver, live_server: Any, li_ming: User, zhao_contractor: User, companies: object, room: object, tmp_path: Path
) -> None:
    base = live_server.url
    photo = tmp_path / "leak.jpg"
    Image.new("RGB", (1200, 900), "steelblue").save(photo, "JPEG")

    sign_in(phone, base, "li_ming")
    phone.get(f"{base}/repairs/new/?space=r301")  # as the room's QR code opens it
    assert Select(phone.find_element(By.ID, "space")).first_selected_option.get_attribute("value") == "r301"
    Select(phone.find_element(By.ID, "category")).select_by_value("plumbing")
    phone.find_element(By.ID, "description").send_keys("洗手池下水管漏水")
    phone.find_element(By.ID, "photos").send_keys(str(photo))
    SHOTS.mkdir(parents=True, exist_ok=True)
    phone.save_screenshot(str(SHOTS / "workorder-new-phone.png"))
    tap(phone, phone.find_element(By.CSS_SELECTOR, "[data-testid=repair-form] button[type=submit]"))
    wait(
        phone,
        lambda d: WorkOrder.objects.exists() and "/repairs/" in d.current_url and d.current_url.rstrip("/")[-1].isdigit(),
        "the repair was not filed",
    )
    order = WorkOrder.objects.get()
    assert order.company is not None and order.company.code == "a" and order.photos.filter(kind="before").count() == 1
    assert order.number in phone.find_element(By.TAG_NAME, "h1").text
    assert phone.execute_script("return document.documentElement.scrollWidth") <= 390  # no sideways scrolling

    sign_in(phone, base, "zhao_contractor")
    phone.get(f"{base}/repairs/queue/")
    phone.save_screenshot(str(SHOTS / "workorder-queue-phone.png"))
    tap(phone, phone.find_element(By.CSS_SELECTOR, f"a[data-number='{order.number}']"))
    wait(phone, lambda d: d.find_elements(By.CSS_SELECTOR, "button[data-action=accept]"), "no accept button")
    click(phone, "accept")
    wait(phone, status_is(order.pk, "accepted"), "not accepted")
    wait(phone, lambda d: d.find_elements(By.CSS_SELECTOR, "button[data-action=start]"), "no start button")
    click(phone, "start")
    wait(phone, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-testid=complete-form]"), "no completion form")
    phone.find_element(By.ID, "photo").send_keys(str(photo))
    cost = phone.find_element(By.ID, "cost_yuan")
    cost.clear()
    cost.send_keys("35.5")
    click(phone, "complete")
    wait(phone, status_is(order.pk, "done"), "not completed")

    sign_in(phone, base, "li_ming")
    phone.get(f"{base}/repairs/{order.pk}/")
    wait(phone, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-testid=confirm-form]"), "no confirmation form")
    tap(phone, phone.find_element(By.CSS_SELECTOR, "input[name=rating][value='4']"))
    phone.find_element(By.ID, "rate-comment").send_keys("修得很快")
    click(phone, "confirm")
    wait(phone, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-testid=rating]"), "the rating is not shown")
    order.refresh_from_db()
    assert (order.status, order.rating, order.cost_fen, order.rating_comment) == ("confirmed", 4, 3550, "修得很快")
    assert order.photos.filter(kind="after").count() == 1
    assert phone.save_screenshot(str(SHOTS / "workorder-confirmed-phone.png"))
