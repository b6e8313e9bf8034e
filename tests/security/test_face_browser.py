"""Face enrolment in a real headless Chromium: sign in, read, consent, upload, withdraw."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_django.live_server_helper import LiveServer
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from portal.models import User
from security.models import FaceConsent, FaceEncoding
from tests.browser import page_text as _text
from tests.browser import screenshot as _screenshot
from tests.browser import wait as _wait
from tests.factories import PASSWORD
from tests.security.faces_helpers import ENROL_A, FACES, NO_FACE

pytestmark = pytest.mark.browser


def _sign_in_and_open_face_page(driver: WebDriver, base_url: str) -> None:
    driver.get(f"{base_url}/accounts/login/")
    _wait(driver, lambda d: d.find_elements(By.ID, "id_username"), "login form did not render")
    driver.find_element(By.ID, "id_username").send_keys("li_ming")
    password = driver.find_element(By.ID, "id_password")
    password.send_keys(PASSWORD)
    password.submit()
    _wait(driver, lambda d: d.current_url == f"{base_url}/", "sign-in did not land on the home page")

    tile = driver.find_element(By.CSS_SELECTOR, "li.tile[data-service=face] a")
    assert "人脸登记" in tile.text
    tile.click()
    _wait(driver, lambda d: d.current_url == f"{base_url}/access/face/", "the tile did not open the face page")


def _give_consent(driver: WebDriver) -> None:
    form = driver.find_element(By.CSS_SELECTOR, "[data-testid=face-consent-form]")
    box = form.find_element(By.CSS_SELECTOR, "input[type=checkbox][name=agree]")
    assert not box.is_selected()  # nothing is pre-ticked
    box.click()
    assert box.is_selected()
    button = form.find_element(By.CSS_SELECTOR, "button[type=submit]")
    assert button.text == "同意"
    button.click()
    _wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-testid=face-upload-form]"), "no upload form after consent")
    assert "谢谢。现在可以录入照片了。" in _text(driver)


def _upload(driver: WebDriver, name: str) -> None:
    form = driver.find_element(By.CSS_SELECTOR, "[data-testid=face-upload-form]")
    form.find_element(By.CSS_SELECTOR, "input[type=file][name=photo]").send_keys(str((FACES / name).resolve()))
    button = form.find_element(By.CSS_SELECTOR, "button[type=submit]")
    assert button.text == "录入"
    button.click()


def test_enrol_a_face_then_withdraw_consent(browser: WebDriver, live_server: LiveServer, li_ming: User, tmp_path: Path) -> None:
    _sign_in_and_open_face_page(browser, live_server.url)
    assert browser.find_element(By.TAG_NAME, "h1").text == "人脸登记"

    # What it is for and what is kept, in Chinese, before anything is asked.
    purpose = browser.find_element(By.CSS_SELECTOR, "[data-testid=face-purpose]").text
    assert "用途与保存的内容" in purpose
    assert "您的人脸仅用于大楼闸机通行" in purpose and "照片本身立即销毁" in purpose
    assert "加密存储" in purpose and "绝不保存照片" in purpose
    assert "保存期限" in purpose and "离职后" in purpose
    assert "不同意不影响其他服务" in purpose
    assert not browser.find_elements(By.CSS_SELECTOR, "input[type=file]")  # no upload before consent

    _give_consent(browser)
    status = browser.find_element(By.CSS_SELECTOR, "[data-testid=face-status]")
    assert status.get_attribute("data-encodings") == "0" and "已录入照片：0 张" in status.text
    consent = FaceConsent.objects.get(user=li_ming, withdrawn_at__isnull=True)
    assert consent.channel == "portal"

    _upload(browser, ENROL_A)
    _wait(
        browser,
        lambda d: d.find_element(By.CSS_SELECTOR, "[data-testid=face-status]").get_attribute("data-encodings") == "1",
        "the photo was not enrolled",
    )
    assert browser.current_url == f"{live_server.url}/access/face/"  # redirected after the POST
    page = _text(browser)
    assert "人脸已录入，照片已销毁。" in page and "已录入照片：1 张" in page
    assert FaceEncoding.objects.filter(user=li_ming).count() == 1
    _screenshot(browser, tmp_path, "face_enrolled")

    withdraw = browser.find_element(By.CSS_SELECTOR, "[data-testid=face-withdraw-form] button")
    assert withdraw.text == "撤回同意并删除我的人脸数据"
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", withdraw)
    withdraw.click()
    # Nothing is deleted before the person confirms in the dialog (no window.confirm).
    dialog = _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "dialog.dialog[open]"), "no confirmation dialog")[0]
    assert "人脸数据将立即删除" in dialog.text and FaceEncoding.objects.filter(user=li_ming).exists()
    dialog.find_element(By.CSS_SELECTOR, "[data-testid=dialog-confirm]").click()
    _wait(
        browser, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-testid=face-consent-form]"), "consent form did not come back"
    )
    assert "已撤回同意，已删除 1 条人脸特征。" in _text(browser)
    assert not browser.find_elements(By.CSS_SELECTOR, "[data-testid=face-status]")
    assert not FaceEncoding.objects.filter(user=li_ming).exists()
    assert FaceConsent.objects.get(pk=consent.pk).withdrawn_at is not None
    _screenshot(browser, tmp_path, "face_withdrawn")


def test_a_photo_without_a_face_is_rejected_in_chinese(
    browser: WebDriver, live_server: LiveServer, li_ming: User, tmp_path: Path
) -> None:
    _sign_in_and_open_face_page(browser, live_server.url)
    _give_consent(browser)

    _upload(browser, NO_FACE)
    errors = _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".errorlist"), "no error shown for the photo")
    assert "照片中未检测到人脸。请在光线充足处正对镜头重试。" in errors[0].text
    status = browser.find_element(By.CSS_SELECTOR, "[data-testid=face-status]")
    assert status.get_attribute("data-encodings") == "0"
    assert browser.find_elements(By.CSS_SELECTOR, "[data-testid=face-upload-form] input[type=file]")  # try again
    assert not FaceEncoding.objects.filter(user=li_ming).exists()
    _screenshot(browser, tmp_path, "face_no_face")
