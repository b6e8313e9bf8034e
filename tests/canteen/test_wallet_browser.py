"""The wallet in a real headless Chromium: balances, the QR pay code, a top-up through the simulated Alipay."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pytest_django.live_server_helper import LiveServer
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from canteen.models import TopUp
from canteen.selectors import wallet_balances
from canteen.services.wallet import subsidy_grant_month
from portal.models import User
from tests.browser import screenshot as _screenshot
from tests.browser import wait as _wait
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

YUAN = re.compile(r"^¥\d+\.\d{2}$")


def _balance(driver: WebDriver, kind: str) -> str:
    return str(driver.find_element(By.CSS_SELECTOR, f"[data-balance={kind}]").text)


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

    tile = browser.find_element(By.CSS_SELECTOR, "li.tile[data-service=wallet] a")
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
