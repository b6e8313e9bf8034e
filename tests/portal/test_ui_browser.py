"""The component gallery (/ui/) in real Chromium at phone width: screenshots for docs/ui.md, axe-core, no sideways scroll.

UI_SCREENSHOTS=1 writes the component screenshots into docs/ui/ (otherwise into the test's tmp dir).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from portal.models import User
from tests.browser import DESKTOP, PHONE, axe_serious, horizontal_overflow, login_cookie, shrink_pngs, viewport, wait

pytestmark = pytest.mark.browser
DOCS = Path(__file__).resolve().parents[2] / "docs" / "ui"


def test_components_at_phone_width(browser: WebDriver, live_server, li_ming: User, tmp_path: Path) -> None:
    out = DOCS if os.environ.get("UI_SCREENSHOTS") else tmp_path
    login_cookie(browser, live_server.url, li_ming)
    viewport(browser, PHONE)
    try:
        browser.get(f"{live_server.url}/ui/")
        wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".toast.success"), "no toast")
        assert browser.execute_script("return window.innerWidth") == PHONE[0]
        browser.find_element(By.CSS_SELECTOR, "[data-testid=toasts]").screenshot(str(out / "toast.png"))
        assert horizontal_overflow(browser) == 0
        tabbar = browser.find_element(By.CSS_SELECTOR, "[data-testid=tabbar]")
        assert tabbar.is_displayed() and [a.text for a in tabbar.find_elements(By.TAG_NAME, "a")] == [
            "首页",
            "服务",
            "消息",
            "我的",
        ]
        tabbar.screenshot(str(out / "tabbar.png"))
        # Tables turn into one card per row: the header row is visually hidden, cells carry labels.
        assert not browser.find_element(By.CSS_SELECTOR, "table.responsive thead th").is_displayed()
        # Element screenshots capture whatever is painted there: let the fixed bars scroll away for them.
        browser.execute_script(
            "const s = document.createElement('style'); s.id = 'shot';"
            "s.textContent = '.topbar, .tabbar, .toasts { position: static !important; }"
            " .toasts { transform: none !important; }';"
            "document.head.appendChild(s);"
        )
        for section in browser.find_elements(By.CSS_SELECTOR, "[data-component]"):
            name = section.get_attribute("data-component")
            browser.execute_script("arguments[0].scrollIntoView()", section)
            section.screenshot(str(out / f"{name}.png"))
        browser.execute_script("document.getElementById('shot').remove()")
        assert axe_serious(browser) == []

        opener = browser.find_element(By.CSS_SELECTOR, "[data-testid=open-dialog]")
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", opener)
        opener.click()
        dialog = wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "dialog.dialog[open]"), "no confirm dialog")[0]
        assert "删除" in dialog.text and "取消" in dialog.text
        dialog.screenshot(str(out / "dialog.png"))
        dialog.find_element(By.XPATH, ".//button[text()='取消']").click()
        wait(browser, lambda d: not d.find_elements(By.CSS_SELECTOR, "dialog.dialog"), "dialog did not close")
        assert "/ui/" in browser.current_url and "?" not in browser.current_url  # cancelled: nothing submitted

        browser.get(f"{live_server.url}/me/")
        assert horizontal_overflow(browser) == 0 and axe_serious(browser) == []
        browser.delete_all_cookies()
        browser.get(f"{live_server.url}/accounts/login/")  # the login page, signed out
        assert horizontal_overflow(browser) == 0 and axe_serious(browser) == []
        browser.get(f"{live_server.url}/no-such-page/")
        assert "页面不存在" in browser.find_element(By.TAG_NAME, "h1").text and axe_serious(browser) == []
        login_cookie(browser, live_server.url, li_ming)

        viewport(browser, DESKTOP)
        browser.get(f"{live_server.url}/")
        assert not browser.find_element(By.CSS_SELECTOR, "[data-testid=tabbar]").is_displayed()
        assert browser.find_element(By.CSS_SELECTOR, "nav.topnav").is_displayed()
    finally:
        browser.set_window_size(1280, 900)
    if out == DOCS:
        shrink_pngs(out)
    for png in out.glob("*.png"):
        assert png.stat().st_size < 200_000, f"{png.name} is too big for the docs"
