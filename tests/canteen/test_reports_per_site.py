"""Sales, refunds and reconciliation are one site's figures: a manager sees their own site's only."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from building.models import Site
from canteen.models import Merchant, MerchantKind, TopUp
from canteen.reports import reconciliation_for_user, refunds_for_user, sales_for_user
from canteen.services.charges import charge_refund, wallet_charge
from portal.models import User
from tests.canteen.conftest import fund
from tests.factories import SiteFactory, persona

pytestmark = pytest.mark.django_db


def login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def top_up(user: User, yuan: str) -> None:
    """Through the (simulated) Alipay cashier page, as on the wallet page."""
    client = login(user)
    to_alipay = client.post("/canteen/topup/", {"amount": yuan, "channel": "page"})
    gateway = urlsplit(to_alipay["Location"])
    assert client.post(gateway.path, {"query": gateway.query}).status_code == 302


def test_two_sites_sales_refunds_and_reconciliation_do_not_mix(site: Site, li_ming: User, wang_manager: User) -> None:
    other = SiteFactory()
    assert isinstance(other, Site)
    north_manager = persona("manager", "north_manager", "北", "经理", site=other)
    north_staff = persona("staff", "north_staff", "北", "员工", site=other)
    ours = Merchant.objects.create(site=site, code="canteen", name="一食堂", kind=MerchantKind.CANTEEN)
    theirs = Merchant.objects.create(site=other, code="canteen", name="北区食堂", kind=MerchantKind.CANTEEN)
    fund(li_ming, 10_000)
    fund(north_staff, 10_000)
    lunch = wallet_charge(user=li_ming, merchant=ours, amount_fen=1500, order_ref="a-1", method="face").charge
    wallet_charge(user=north_staff, merchant=theirs, amount_fen=2200, order_ref="b-1", method="face")
    north_lunch = wallet_charge(user=north_staff, merchant=theirs, amount_fen=800, order_ref="b-2", method="code").charge
    charge_refund(charge=lunch, amount_fen=500, reason="少打了菜", actor=wang_manager)
    charge_refund(charge=north_lunch, amount_fen=800, reason="重复扣款", actor=north_manager)
    top_up(li_ming, "50")
    top_up(north_staff, "120")
    assert TopUp.objects.filter(status=TopUp.Status.PAID).count() == 2
    day = timezone.localdate(lunch.created_at)

    def sales(user: User) -> list[tuple[str, int, int]]:
        return [(r["merchant__name"], r["count"], r["net_fen"]) for r in sales_for_user(user, day)]

    assert sales(wang_manager) == [("一食堂", 1, 1000)]
    assert sales(north_manager) == [("北区食堂", 2, 2200)]
    assert [r.reason for r in refunds_for_user(wang_manager, day)] == ["少打了菜"]
    assert [r.reason for r in refunds_for_user(north_manager, day)] == ["重复扣款"]

    mine, north = reconciliation_for_user(wang_manager, day), reconciliation_for_user(north_manager, day)
    assert [(m["merchant"], m["net_fen"], m["ledger_fen"]) for m in mine.merchants] == [("一食堂", 1000, 1000)]
    assert [(m["merchant"], m["net_fen"], m["ledger_fen"]) for m in north.merchants] == [("北区食堂", 2200, 2200)]
    assert {r["merchant__name"] for r in mine.methods} == {"一食堂"}
    assert (mine.topups["count"], mine.topups["wallet_fen"], mine.topups["ledger_fen"]) == (1, 5000, 5000)
    assert (north.topups["count"], north.topups["wallet_fen"], north.topups["ledger_fen"]) == (1, 12000, 12000)
    assert mine.balanced and north.balanced

    # The pages: each manager's sales and reconciliation show their own site only.
    page = login(wang_manager).get("/canteen/ops/sales/", {"date": day.isoformat()}).content.decode()
    assert "一食堂" in page and "北区食堂" not in page and "重复扣款" not in page
    page = login(north_manager).get("/canteen/ops/reconciliation/", {"date": day.isoformat()}).content.decode()
    assert "北区食堂" in page and "一食堂" not in page
    # Someone without a site sees no figures at all.
    assert sales_for_user(persona("manager", "nowhere", "无", "站点"), day) == []
