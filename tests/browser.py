"""Shared plumbing for the real-browser tests: one headless Debian Chromium for the session."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
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


def wait(driver: WebDriver, condition: Callable[[WebDriver], Any], message: str) -> Any:
    # During a form's POST + redirect an element found a moment ago belongs to the old page:
    # that is "not yet", not a failure.
    return WebDriverWait(driver, WAIT, ignored_exceptions=(StaleElementReferenceException,)).until(condition, message)


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
