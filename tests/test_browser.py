"""The portal in a real headless Chromium against pytest-django's live server."""

from __future__ import annotations

from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import Select

from portal.models import User
from tests.browser import PNG_MAGIC, wait
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def _wait(driver: WebDriver, condition, message: str):
    return wait(driver, condition, message)


def _html_lang(driver: WebDriver) -> str:
    return driver.find_element(By.TAG_NAME, "html").get_attribute("lang") or ""


def _text(driver: WebDriver) -> str:
    return driver.find_element(By.TAG_NAME, "body").text


def _open_login(driver: WebDriver, base_url: str) -> None:
    driver.get(f"{base_url}/accounts/login/")
    _wait(driver, lambda d: d.find_elements(By.ID, "id_username"), "login form did not render")


def _sign_in(driver: WebDriver, username: str, password: str) -> None:
    driver.find_element(By.ID, "id_username").send_keys(username)
    field = driver.find_element(By.ID, "id_password")
    field.send_keys(password)
    field.submit()


def _switch_language(driver: WebDriver, code: str) -> None:
    # Choosing an option fires `change`, whose handler submits the form to set_language.
    Select(driver.find_element(By.NAME, "language")).select_by_value(code)
    _wait(driver, lambda d: _html_lang(d) == code, f"page did not switch to {code!r}")


def test_login_page_is_chinese_for_a_chinese_browser(browser: WebDriver, live_server) -> None:
    _open_login(browser, live_server.url)
    assert browser.execute_script("return navigator.languages[0]") == "zh-CN"
    assert _html_lang(browser) == "zh-hans"
    assert "登录" in browser.title
    assert browser.find_element(By.TAG_NAME, "h1").text == "登录"
    assert browser.find_element(By.CSS_SELECTOR, "label[for=id_username]").text == "用户名"
    assert browser.find_element(By.CSS_SELECTOR, "label[for=id_password]").text == "密码"
    assert browser.find_element(By.CSS_SELECTOR, "button.primary").text == "登录"
    # site.css was served (the live server's static handler): the top bar has the accent colour.
    topbar = browser.find_element(By.CSS_SELECTOR, "header.topbar")
    assert topbar.value_of_css_property("background-color") == "rgba(179, 38, 30, 1)"


def test_staff_signs_in_and_sees_the_service_tiles(browser: WebDriver, live_server, li_ming: User, tmp_path: Path):
    _open_login(browser, live_server.url)
    _sign_in(browser, "li_ming", PASSWORD)
    _wait(browser, lambda d: d.current_url == f"{live_server.url}/", "sign-in did not land on the home page")

    heading = browser.find_element(By.TAG_NAME, "h1").text
    assert "您好" in heading and "李明" in heading
    assert browser.find_element(By.CSS_SELECTOR, "[data-testid=who]").text == "李明"
    tiles = {
        tile.get_attribute("data-service"): tile.text
        for tile in browser.find_elements(By.CSS_SELECTOR, "ul[data-testid=services] li.tile")
    }
    assert "人脸登记" in tiles["face"]
    assert "钱包" in tiles["wallet"]
    assert "订餐" in tiles["meals"]
    assert "panel" not in tiles and "admin" not in tiles  # not for staff

    shot = tmp_path / "home.png"
    assert browser.save_screenshot(str(shot))
    data = shot.read_bytes()
    assert data.startswith(PNG_MAGIC) and len(data) > 1000


def test_wrong_password_says_so_in_chinese(browser: WebDriver, live_server, li_ming: User) -> None:
    _open_login(browser, live_server.url)
    _sign_in(browser, "li_ming", "not-the-password")
    alert = _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "[role=alert]"), "no error shown")
    assert "用户名或密码错误" in alert[0].text
    assert browser.current_url.startswith(f"{live_server.url}/accounts/login/")
    assert browser.find_element(By.ID, "id_username").get_attribute("value") == "li_ming"


def test_language_switcher_turns_the_portal_english(browser: WebDriver, live_server, li_ming: User) -> None:
    _open_login(browser, live_server.url)
    _switch_language(browser, "en")
    assert browser.current_url == f"{live_server.url}/accounts/login/"  # `next` brought us back
    assert browser.find_element(By.TAG_NAME, "h1").text == "Sign in"
    assert browser.find_element(By.CSS_SELECTOR, "label[for=id_username]").text == "Username"

    _sign_in(browser, "li_ming", PASSWORD)
    _wait(browser, lambda d: d.current_url == f"{live_server.url}/", "sign-in did not land on the home page")
    assert _html_lang(browser) == "en"  # the choice outlives the login (cookie)
    assert browser.find_element(By.TAG_NAME, "h1").text == "Hello, 李明"
    assert "Face enrolment" in _text(browser)

    _switch_language(browser, "zh-hans")  # and back, from the home page
    assert "您好" in browser.find_element(By.TAG_NAME, "h1").text
