"""Issue 9 item 6: contractors (no wallet by default, no invitations) get 403; staff get the pages."""

from __future__ import annotations

import pytest
from django.test import Client

from portal.models import User

pytestmark = pytest.mark.django_db
PAGES = ("/canteen/", "/canteen/paycode.json", "/canteen/takeaway/", "/access/visitors/")


def test_contractors_get_403_on_wallet_pay_code_and_visitor_pages(client: Client, zhao_contractor: User) -> None:
    client.force_login(zhao_contractor)
    for url in PAGES:
        assert client.get(url).status_code == 403, url
    assert client.post("/canteen/topup/", {"amount": "100"}).status_code == 403
    home = client.get("/").content.decode()
    assert "/canteen/" not in home  # no wallet tile


def test_staff_get_them(client: Client, li_ming: User) -> None:
    client.force_login(li_ming)
    for url in PAGES:
        assert client.get(url).status_code == 200, url
