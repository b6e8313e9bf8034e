"""Issue 9 item 5: endpoints without a login are bounded (body size, per-address rate), and the
Alipay notice stores only Alipay's own fields."""

from __future__ import annotations

import secrets
import time

import pytest
from django.test import Client

from canteen.models import AlipayNotice
from canteen.services.alipay import NOTICE_FIELDS
from portal.models import User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
NOTIFY = "/pay/alipay/notify/"


def _address() -> str:
    """A fresh address per test: the counters live in the (possibly shared Redis) cache."""
    return f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.{secrets.randbelow(250) + 1}"


def _inside_one_minute() -> None:
    """The counters' window is the clock's minute: start a burst where it cannot straddle two."""
    if time.time() % 60 > 50:
        time.sleep(61 - time.time() % 60)


def test_a_2_mb_forged_notice_is_413_and_stores_nothing(client: Client) -> None:
    response = client.post(NOTIFY, {"out_trade_no": "SO1", "sign": "x", "junk": "A" * 2_000_000}, REMOTE_ADDR=_address())
    assert response.status_code == 413
    small = client.post(NOTIFY, {"out_trade_no": "SO1", "sign": "x", "junk": "A" * 20_000}, REMOTE_ADDR=_address())
    assert small.status_code == 413  # over 16 kB
    assert not AlipayNotice.objects.exists()


def test_only_alipay_fields_are_stored(client: Client) -> None:
    body = {"out_trade_no": "SO2", "trade_status": "TRADE_SUCCESS", "sign": "x", "evil": "payload", "subject": "s" * 5000}
    assert client.post(NOTIFY, body, REMOTE_ADDR=_address()).content == b"failure"
    stored = AlipayNotice.objects.get().params
    assert set(stored) <= NOTICE_FIELDS and "evil" not in stored and "sign" not in stored
    assert stored["out_trade_no"] == "SO2" and len(stored["subject"]) == 1024


def test_the_notice_is_rate_limited_per_address(client: Client, settings) -> None:
    settings.ALIPAY_NOTIFY_RATE_PER_MINUTE = 5
    flood, other = _address(), _address()
    _inside_one_minute()
    statuses = [client.post(NOTIFY, {"out_trade_no": f"SO{i}"}, REMOTE_ADDR=flood).status_code for i in range(7)]
    assert statuses[:5] == [200] * 5 and statuses[5:] == [429, 429]
    assert client.post(NOTIFY, {"out_trade_no": "SOx"}, REMOTE_ADDR=other).status_code == 200  # another address
    assert AlipayNotice.objects.count() == 6


def test_an_ipv6_client_is_one_counter_for_its_whole_64(client: Client, settings) -> None:
    """One client (or one LAN) holds a whole IPv6 /64: a new address in it is not a new counter."""
    settings.ALIPAY_NOTIFY_RATE_PER_MINUTE = 3
    network = f"2001:db8:{secrets.randbelow(0xFFFF):x}:{secrets.randbelow(0xFFFF):x}"
    _inside_one_minute()
    statuses = [
        client.post(NOTIFY, {"out_trade_no": f"SO6{i}"}, REMOTE_ADDR=f"{network}::{i + 1:x}").status_code for i in range(5)
    ]
    assert statuses == [200, 200, 200, 429, 429]
    elsewhere = f"2001:db8:{secrets.randbelow(0xFFFF):x}:{secrets.randbelow(0xFFFF):x}::1"
    assert client.post(NOTIFY, {"out_trade_no": "SO6x"}, REMOTE_ADDR=elsewhere).status_code == 200


def test_login_posts_are_rate_limited_per_address(client: Client, li_ming: User, settings) -> None:
    settings.LOGIN_RATE_PER_MINUTE = 3
    address = _address()
    _inside_one_minute()
    for i in range(3):  # spraying three accounts
        client.post("/accounts/login/", {"username": f"nobody{i}", "password": "x"}, REMOTE_ADDR=address)
    limited = client.post("/accounts/login/", {"username": "li_ming", "password": PASSWORD}, REMOTE_ADDR=address)
    assert limited.status_code == 429 and int(limited["Retry-After"]) >= 1
    ok = client.post("/accounts/login/", {"username": "li_ming", "password": PASSWORD}, REMOTE_ADDR=_address())
    assert ok.status_code == 302


def test_the_admin_login_shares_the_login_rate(client: Client, settings) -> None:
    settings.LOGIN_RATE_PER_MINUTE = 2
    address = _address()
    _inside_one_minute()
    statuses = [
        client.post("/admin/login/", {"username": "admin", "password": "x"}, REMOTE_ADDR=address).status_code for _ in range(3)
    ]
    assert statuses == [200, 200, 429]


def test_a_multipart_login_with_csrf_is_not_a_500(li_ming: User) -> None:
    """The CSRF middleware reads a multipart body before the rate limit looks at its size."""
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/")
    token = client.cookies["csrftoken"].value
    body = {"username": "li_ming", "password": PASSWORD, "csrfmiddlewaretoken": token}
    assert client.post("/accounts/login/", body, REMOTE_ADDR=_address()).status_code == 302  # multipart by default
