"""Phone size in a real headless Chromium: the host cancels an invitation through the UI's confirm dialog."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from pytest_django.live_server_helper import LiveServer
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from building.models import Site
from portal.booking.models import Invitation, Resource
from portal.booking.services.visitors import invitation_create
from portal.models import User
from security.services import access_zone_ensure
from tests.browser import horizontal_overflow, login_cookie, viewport, wait

pytestmark = pytest.mark.browser


def test_the_host_cancels_an_invitation_after_confirming(
    browser: WebDriver, live_server: LiveServer, site: Site, li_ming: User, parking: Resource
) -> None:
    access_zone_ensure(site=site, code="main", name="主楼", open_to_all_staff=True)
    start = timezone.now() + timedelta(hours=1)
    made = invitation_create(
        host=li_ming,
        visitor_name="王先生",
        visitor_phone="13800138000",
        start=start,
        end=start + timedelta(hours=2),
        plate="京A12345",
    )
    viewport(browser, (390, 844))
    login_cookie(browser, live_server.url, li_ming)
    browser.get(f"{live_server.url}/booking/visitors/")
    button = wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "form[data-confirm] button"), "no cancel button")[0]
    assert horizontal_overflow(browser) == 0
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)  # above the phone's tab bar
    button.click()
    dialog = wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "dialog.dialog[open]"), "no confirmation dialog")[0]
    assert Invitation.objects.get(pk=made.invitation.pk).cancelled_at is None  # nothing before the person confirms
    dialog.find_element(By.CSS_SELECTOR, "[data-testid=dialog-confirm]").click()
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-testid=invitation-cancelled]"), "not shown as cancelled")
    invitation = Invitation.objects.select_related("visitor_pass", "parking").get(pk=made.invitation.pk)
    assert invitation.cancelled_at is not None and invitation.visitor_pass.revoked
    assert invitation.parking is not None and invitation.parking.status == "cancelled"
