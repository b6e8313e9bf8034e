"""The wallet in a real headless Chromium: balances, the QR pay code, a top-up through the simulated Alipay."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_django.live_server_helper import LiveServer
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

from canteen.models import TopUp
from canteen.selectors import wallet_balances
from canteen.services.wallet import subsidy_grant_month
from portal.models import User
from tests.conftest import needs
from tests.factories import PASSWORD
from tests.test_browser import CHROMIUM_ARGS, PNG_MAGIC, WAIT

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots")
YUAN = re.compile(r"^¥\d+\.\d{2}$")


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    """One Chromium for the module, with a Chinese user's language preference (see tests/test_browser.py)."""
    needs(bool(shutil.which("chromium") and shutil.which("chromedriver")), "Debian chromium + chromium-driver")
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for arg in CHROMIUM_ARGS:
        options.add_argument(arg)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.add_experimental_option("prefs", {"intl.accept_languages": "zh-CN,zh"})
    chrome = webdriver.Chrome(options=options, service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"))
    chrome.set_page_load_timeout(WAIT * 2)
    try:
        yield chrome
    finally:
        chrome.quit()


@pytest.fixture
def browser(driver: WebDriver, live_server: LiveServer, transactional_db: None) -> WebDriver:
    """The module's Chromium with no session or language cookie left by the previous test."""
    driver.get(f"{live_server.url}/static/portal/site.css")
    driver.delete_all_cookies()
    return driver


def _wait(driver: WebDriver, condition: object, message: str) -> object:
    return WebDriverWait(driver, WAIT).until(condition, message)  # type: ignore[arg-type]


def _balance(driver: WebDriver, kind: str) -> str:
    return str(driver.find_element(By.CSS_SELECTOR, f"[data-balance={kind}]").text)


def _screenshot(driver: WebDriver, tmp_path: Path, name: str) -> None:
    """Save the whole page (the window grown to its height) to tmp_path and a copy to /tmp/shots."""
    shot = tmp_path / f"{name}.png"
    page, inner = driver.execute_script("return [document.documentElement.scrollHeight, window.innerHeight]")
    frame = driver.get_window_size()["height"] - int(inner)  # the window's own bars
    driver.set_window_size(1280, min(max(int(page) + frame, 900), 4000))
    try:
        assert driver.save_screenshot(str(shot))
    finally:
        driver.set_window_size(1280, 900)
    data = shot.read_bytes()
    assert data.startswith(PNG_MAGIC) and len(data) > 1000
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(shot, SHOTS / f"{name}.png")


def test_top_up_50_yuan_through_the_simulated_alipay(
    browser: WebDriver, live_server: LiveServer, li_ming: User, tmp_path: Path
) -> None:
    base = live_server.url
    assert subsidy_grant_month(amount_fen=1250)["granted"] == 1  # a balance with cents to format

    browser.get(f"{base}/accounts/login/")
    _wait(browser, lambda d: d.find_elements(By.ID, "id_username"), "login form did not render")
    browser.find_element(By.ID, "id_username").send_keys("li_ming")
    password = browser.find_element(By.ID, "id_password")
    password.send_keys(PASSWORD)
    password.submit()
    _wait(browser, lambda d: d.current_url == f"{base}/", "sign-in did not land on the home page")

    tile = browser.find_element(By.CSS_SELECTOR, "li.service[data-service=wallet] a")
    assert "钱包" in tile.text
    tile.click()
    _wait(browser, lambda d: d.current_url == f"{base}/canteen/", "the tile did not open the wallet")
    assert browser.find_element(By.TAG_NAME, "h1").text == "钱包"

    # Balances, formatted as yuan.
    assert _balance(browser, "cash") == "¥0.00"
    assert _balance(browser, "subsidy") == "¥12.50"
    assert YUAN.match(_balance(browser, "cash")) and YUAN.match(_balance(browser, "subsidy"))
    section = browser.find_element(By.CSS_SELECTOR, "[data-testid=balances]").text
    assert "现金余额" in section and "餐补（优先扣减）" in section

    # The QR pay code: fetched by the page's script and drawn as inline SVG.
    _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#paycode svg"), "the pay code was not drawn")
    paycode = browser.find_element(By.CSS_SELECTOR, "#paycode")
    assert (paycode.get_attribute("data-code") or "").startswith("SOPAY.")
    svg = paycode.find_element(By.TAG_NAME, "svg")
    assert svg.is_displayed() and svg.size["width"] > 50 and svg.size["height"] > 50

    # Top up ¥50.00 by the Alipay page.
    amount = browser.find_element(By.CSS_SELECTOR, "section.topup input[name=amount]")
    amount.clear()
    amount.send_keys("50.00")
    page_channel = browser.find_element(By.CSS_SELECTOR, "section.topup input[name=channel][value=page]")
    assert page_channel.is_selected()
    button = browser.find_element(By.CSS_SELECTOR, "section.topup button[type=submit]")
    assert button.text == "充值"
    button.click()

    # The simulated gateway's cashier page; the browser confirms there like a buyer would.
    _wait(browser, lambda d: d.current_url.startswith(f"{base}/canteen/alipay-sim/gateway.do?"), "not sent to the gateway")
    assert browser.find_element(By.TAG_NAME, "h1").text == "支付宝（模拟）"
    cashier = browser.find_element(By.TAG_NAME, "main").text
    assert "¥50.00" in cashier and "钱包充值" in cashier
    topup = TopUp.objects.get(user=li_ming)
    assert topup.status == TopUp.Status.PENDING and topup.out_trade_no in cashier
    pay = browser.find_element(By.CSS_SELECTOR, "[data-testid=sim-pay]")
    assert pay.text == "确认付款"
    pay.click()

    # Back on the wallet (Alipay's return_url), credited by the signed notice.
    _wait(
        browser,
        lambda d: d.current_url == f"{base}/canteen/?out_trade_no={topup.out_trade_no}",
        "the gateway did not return to the wallet",
    )
    assert _balance(browser, "cash") == "¥50.00"
    assert browser.find_element(By.CSS_SELECTOR, "[data-balance=cash]").get_attribute("data-fen") == "5000"
    assert _balance(browser, "subsidy") == "¥12.50"
    rows = browser.find_elements(By.CSS_SELECTOR, "table.statement tr[data-kind=topup]")
    assert len(rows) == 1
    assert "充值" in rows[0].text and "支付宝充值" in rows[0].text and "¥50.00" in rows[0].text
    listed = browser.find_element(By.CSS_SELECTOR, f"[data-topup='{topup.out_trade_no}']").text
    assert "¥50.00" in listed and "已支付" in listed
    assert browser.find_elements(By.CSS_SELECTOR, "#paycode svg")  # still showing a pay code

    topup.refresh_from_db()
    assert topup.status == TopUp.Status.PAID
    assert wallet_balances(li_ming).cash_fen == 5000
    _screenshot(browser, tmp_path, "wallet_topped_up")
