"""Issue 9 item 4: the lockout is per (username, client address) pair, with a progressive delay
before the hard lock, and the client address is read at the configured trusted proxy depth."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.test import Client, RequestFactory
from django.urls import reverse

from core.client_ip import client_ip
from portal.models import User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def login(client: Client, username: str, password: str, ip: str = "10.1.1.1", **extra: Any):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip, **extra)


@pytest.fixture
def no_delay(settings) -> None:
    """For the hard-lock tests: the progressive delay is tested on its own below."""
    settings.LOGIN_DELAY_AFTER = 1000


def test_ten_failures_lock_the_pair_not_the_address(client: Client, li_ming: User, zhang_li: User, no_delay) -> None:
    statuses = [login(client, "li_ming", "wrong", ip="10.9.9.9").status_code for _ in range(10)]
    assert statuses == [200] * 9 + [429]  # the 10th failure locks
    locked = login(client, "li_ming", PASSWORD, ip="10.9.9.9")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "15" in page and "axes_reset_username" in page  # a locked admin learns how to recover
    assert login(client, "zhang_li", PASSWORD, ip="10.9.9.9").status_code == 302  # a colleague at the same address


def test_nobody_can_lock_an_account_from_elsewhere(client: Client, li_ming: User, no_delay) -> None:
    for i in range(10):
        for _ in range(10):
            login(client, "li_ming", "wrong", ip=f"10.0.0.{i}")  # 10 addresses, each locked for li_ming
    assert login(client, "li_ming", PASSWORD, ip="10.0.0.3").status_code == 429
    assert login(client, "li_ming", PASSWORD, ip="10.0.1.1").status_code == 302  # the 11th address


def test_progressive_delay_after_three_failures(client: Client, li_ming: User) -> None:
    for _ in range(3):
        assert login(client, "li_ming", "wrong").status_code == 200
    early = login(client, "li_ming", PASSWORD)  # even the right password waits: it is not checked
    assert early.status_code == 429 and early["Retry-After"] == "5"
    assert 'data-testid="login-wait"' in early.content.decode()  # 请等待 5 秒后再试 (locale/pending/harden.json)
    assert AccessAttempt.objects.get(username="li_ming").failures_since_start == 3  # not counted
    assert login(client, "li_ming", PASSWORD, ip="10.2.2.2").status_code == 302  # another pair: no wait
    client.logout()
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(seconds=6))
    assert login(client, "li_ming", "wrong").status_code == 200  # the 4th failure: now 10 s
    assert login(client, "li_ming", PASSWORD)["Retry-After"] == "10"


def test_client_address_from_the_trusted_proxy_depth(settings) -> None:
    factory = RequestFactory()
    spoofed = factory.get("/", REMOTE_ADDR="172.18.0.5", HTTP_X_FORWARDED_FOR="1.2.3.4, 10.0.0.7")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(spoofed) == "172.18.0.5"  # no proxy configured: the header is never read
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(spoofed) == "10.0.0.7"  # what our proxy appended, not the client's claim
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(spoofed) == "1.2.3.4"
    settings.TRUSTED_PROXY_COUNT = 3
    assert client_ip(spoofed) == "172.18.0.5"  # fewer entries than proxies: not through them all
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(factory.get("/", REMOTE_ADDR="172.18.0.5", HTTP_X_FORWARDED_FOR="junk")) == "172.18.0.5"


def test_behind_the_proxy_the_lock_follows_the_real_client(client: Client, li_ming: User, settings, no_delay) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    for i in range(10):  # a forged left part does not make a new pair
        login(client, "li_ming", "wrong", ip="172.18.0.5", HTTP_X_FORWARDED_FOR=f"6.6.6.{i}, 10.0.0.7")
    assert login(client, "li_ming", PASSWORD, ip="172.18.0.5", HTTP_X_FORWARDED_FOR="10.0.0.7").status_code == 429
    # another client behind the same proxy is not the proxy's address: not locked
    assert login(client, "li_ming", PASSWORD, ip="172.18.0.5", HTTP_X_FORWARDED_FOR="10.0.0.8").status_code == 302


def test_an_admin_unlocks_with_axes_reset_username(client: Client, li_ming: User, no_delay) -> None:
    from django.core.management import call_command

    for _ in range(10):
        login(client, "li_ming", "wrong", ip="10.3.3.3")
    assert login(client, "li_ming", PASSWORD, ip="10.3.3.3").status_code == 429
    call_command("axes_reset_username", "li_ming")
    assert login(client, "li_ming", PASSWORD, ip="10.3.3.3").status_code == 302


def admin_login(client: Client, username: str, password: str, ip: str = "10.1.1.1"):
    return client.post(
        "/admin/login/?next=/admin/", {"username": username, "password": password, "next": "/admin/"}, REMOTE_ADDR=ip
    )


def test_the_admin_login_has_the_same_progressive_delay(client: Client) -> None:
    from tests.factories import persona

    boss = persona("admin", "boss", "管", "理员")
    boss.is_staff = boss.is_superuser = True
    boss.save()
    for _ in range(3):
        assert admin_login(client, "boss", "wrong").status_code == 200
    early = admin_login(client, "boss", PASSWORD)  # even the right password waits: it is not checked
    assert early.status_code == 429 and early["Retry-After"] == "5"
    page = early.content.decode()
    assert 'data-testid="login-wait"' in page and 'id="login-form"' in page  # the admin's own form, with the wait
    assert AccessAttempt.objects.get(username="boss").failures_since_start == 3  # not counted
    assert "_auth_user_id" not in client.session
    assert admin_login(client, "boss", PASSWORD, ip="10.2.2.2").status_code == 302  # another pair: no wait
    client.logout()
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get(username="boss").attempt_time - timedelta(seconds=6))
    assert admin_login(client, "boss", PASSWORD).status_code == 302  # the wait is over: signed in
