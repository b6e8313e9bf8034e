"""Shared plumbing for the real-browser tests: one headless Debian Chromium for the session."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM_ARGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # Without these Chromium keeps calling out to Google's hosts, which this network refuses.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1280,900",
)
WAIT = 10  # seconds; a page of this app renders in well under one
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SHOTS = Path("/tmp/shots")  # a copy of every screenshot, to look at after a run


def chromium_available() -> bool:
    return bool(shutil.which("chromium") and shutil.which("chromedriver"))


def chromium_start(profile: Path) -> WebDriver:
    """Chromium set up as a Chinese user's browser (the portal is Chinese first anyway)."""
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for arg in CHROMIUM_ARGS:
        options.add_argument(arg)
    options.add_argument(f"--user-data-dir={profile}")
    options.add_experimental_option("prefs", {"intl.accept_languages": "zh-CN,zh"})
    chrome = webdriver.Chrome(options=options, service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"))
    chrome.set_page_load_timeout(WAIT * 2)
    return chrome


# Chromium's words for "that element belonged to the page before the navigation". Selenium raises
# them as a plain WebDriverException (not StaleElementReferenceException) when the page is swapped
# between finding a node and reading it, so they are matched by message.
REPLACED_NODE = ("does not belong to the document", "no such node", "Cannot find context with specified id")


def replaced_node(error: WebDriverException) -> bool:
    return isinstance(error, StaleElementReferenceException) or any(words in str(error) for words in REPLACED_NODE)


def wait(driver: WebDriver, condition: Callable[[WebDriver], Any], message: str) -> Any:
    # During a form's POST + redirect an element found a moment ago belongs to the old page:
    # that is "not yet", not a failure.
    def settled(d: WebDriver) -> Any:
        try:
            return condition(d)
        except WebDriverException as error:
            if replaced_node(error):
                return False
            raise

    return WebDriverWait(driver, WAIT).until(settled, message)


def page_text(driver: WebDriver) -> str:
    return str(driver.find_element(By.TAG_NAME, "body").text)


def screenshot(driver: WebDriver, tmp_path: Path, name: str) -> Path:
    """Save the whole page (the window grown to its height); assert it is a real PNG."""
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
    return shot


AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
PHONE = (390, 844)
DESKTOP = (1366, 900)


def viewport(driver: WebDriver, size: tuple[int, int]) -> None:
    """Make the page's viewport exactly `size` (the window adds its bars, if any)."""
    driver.set_window_size(*size)
    inner = driver.execute_script("return [window.innerWidth, window.innerHeight]")
    driver.set_window_size(size[0] * 2 - int(inner[0]), size[1] * 2 - int(inner[1]))


def horizontal_overflow(driver: WebDriver) -> int:
    """How many CSS pixels the page is wider than the viewport (0: no horizontal scrolling)."""
    return max(
        0, int(driver.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth"))
    )


def axe_serious(driver: WebDriver) -> list[str]:
    """axe-core (vendored, tests only) on the current page: the serious and critical violations."""
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations.map("
        "v => [v.impact, v.id, v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')])));"
    )
    return [f"{impact} {rule}: {nodes}" for impact, rule, nodes in result if impact in ("serious", "critical")]


def login_cookie(driver: WebDriver, base_url: str, user: Any) -> None:
    """Sign `user` in by cookie (the login form has its own test); the next get() is logged in."""
    from django.conf import settings

    from tests.helpers import session_for

    driver.get(f"{base_url}/favicon.ico")
    driver.add_cookie({"name": settings.SESSION_COOKIE_NAME, "value": session_for(user), "path": "/"})


def shrink_pngs(folder: Path) -> None:
    """Screenshots kept in docs/: 128-colour palette PNGs (a third of the size, still sharp for UI)."""
    from PIL import Image

    for png in folder.glob("*.png"):
        Image.open(png).convert("RGB").quantize(colors=128, method=Image.Quantize.MEDIANCUT).save(png, optimize=True)
