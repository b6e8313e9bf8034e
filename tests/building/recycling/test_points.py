"""Spending points: the points shop, part of a supermarket cart, and 100 redemptions at once."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections

from building.models import Site
from building.recycling.models import Good, Redemption
from building.recycling.services.points import RedeemError, checkout_with_points, points_exchange
from canteen import ledger
from canteen.models import Charge, Merchant, MerchantKind, Product
from canteen.selectors import wallet_balances
from canteen.services.paycode import paycode_issue
from canteen.services.shop import SaleError
from canteen.services.wallet import points_award, wallet_adjust
from portal.models import User
from tests.building.recycling.conftest import postgres_only


def give(user: User, points: int, key: str = "setup") -> None:
    points_award(user=user, points=points, source_key=f"test:{user.pk}:{key}")


@pytest.fixture
def supermarket(site: Site) -> Merchant:
    market = Merchant.objects.create(site=site, code="market", name="机关超市", kind=MerchantKind.SUPERMARKET)
    Product.objects.create(merchant=market, barcode="690001", name="酱油", price_fen=1000, stock=10)
    return market


@pytest.mark.django_db
def test_points_shop_exchanges_once_per_request_and_never_below_zero(site: Site, li_ming: User) -> None:
    umbrella = Good.objects.create(site=site, name="雨伞", points=50, stock=5)
    give(li_ming, 120)
    first = points_exchange(user=li_ming, good_id=umbrella.pk, request_key="form-1")
    again = points_exchange(user=li_ming, good_id=umbrella.pk, request_key="form-1")  # a double submit
    assert first.pk == again.pk and wallet_balances(li_ming).points == 70
    points_exchange(user=li_ming, good_id=umbrella.pk, request_key="form-2")
    with pytest.raises(RedeemError) as refused:
        points_exchange(user=li_ming, good_id=umbrella.pk, request_key="form-3")
    assert refused.value.reason == "not_enough_points"
    umbrella.refresh_from_db()
    assert wallet_balances(li_ming).points == 20 and umbrella.stock == 3 and Redemption.objects.count() == 2
    other_site = Good.objects.create(site=Site.objects.create(code="elsewhere", name="别处"), name="杯子", points=1, stock=1)
    with pytest.raises(RedeemError) as hidden:
        points_exchange(user=li_ming, good_id=other_site.pk, request_key="form-4")
    assert hidden.value.reason == "not_found" and ledger.ledger_check()["ok"]


@pytest.mark.django_db
def test_points_pay_part_of_a_supermarket_cart_in_one_transaction(li_ming: User, supermarket: Merchant) -> None:
    wallet_adjust(user=li_ming, amount_fen=2000, reason="test funding", actor="test")
    give(li_ming, 800)
    code = paycode_issue(user=li_ming).code
    paid = checkout_with_points(merchant=supermarket, lines=[("690001", 1)], order_ref="cart-1", points=800, pay_code=code)
    # ¥10 cart: points pay at most half (¥5 = 500 points), the wallet the rest.
    assert paid.result.paid and (paid.points, paid.value_fen) == (500, 500)
    assert wallet_balances(li_ming).cash_fen == 1500 and wallet_balances(li_ming).points == 300
    retry = checkout_with_points(merchant=supermarket, lines=[("690001", 1)], order_ref="cart-1", points=300, user=li_ming)
    assert retry.result.paid and retry.result.replay and retry.value_fen == 500
    assert wallet_balances(li_ming).points == 300 and Charge.objects.get(order_ref="cart-1").amount_fen == 500
    assert Redemption.objects.get(kind="checkout").charge == Charge.objects.get(order_ref="cart-1")
    assert ledger.account_balance(ledger.system_account("points_payable")) == 500
    assert ledger.ledger_check()["ok"]


@pytest.mark.django_db
def test_a_declined_wallet_or_bad_cart_spends_no_points(li_ming: User, supermarket: Merchant) -> None:
    give(li_ming, 800)
    poor = checkout_with_points(merchant=supermarket, lines=[("690001", 1)], order_ref="cart-2", points=800, user=li_ming)
    assert poor.result.status == "declined" and poor.result.reason == "insufficient_funds" and poor.points == 0
    with pytest.raises(SaleError):
        checkout_with_points(merchant=supermarket, lines=[("000000", 1)], order_ref="cart-3", points=800, user=li_ming)
    with pytest.raises(RedeemError):
        checkout_with_points(merchant=supermarket, lines=[("690001", 1)], order_ref="cart-4", points=-1, user=li_ming)
    assert wallet_balances(li_ming).points == 800 and not Redemption.objects.exists()
    assert Product.objects.get(barcode="690001").stock == 10


# PostgreSQL here allows 100 connections for every helper and CI job together: 50 threads (one
# connection each) are released at once and each submits two redemptions back to back.
THREADS = 50


@postgres_only
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_hundred_concurrent_redemptions_of_ten_points_against_five_hundred(site: Site, li_ming: User) -> None:
    pen = Good.objects.create(site=site, name="笔", points=10, stock=1000)
    give(li_ming, 500)
    barrier = threading.Barrier(THREADS)

    def run(i: int) -> list[str]:
        outcomes = []
        try:
            barrier.wait()
            for j in range(2):
                try:
                    points_exchange(user=li_ming, good_id=pen.pk, request_key=f"r-{i}-{j}")
                    outcomes.append("ok")
                except RedeemError as exc:
                    outcomes.append(exc.reason)
        finally:
            connections.close_all()
        return outcomes

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        results = [o for outcomes in pool.map(run, range(THREADS)) for o in outcomes]
    assert len(results) == 100
    assert results.count("ok") == 50 and results.count("not_enough_points") == 50
    pen.refresh_from_db()
    assert wallet_balances(li_ming).points == 0 and pen.stock == 950 and Redemption.objects.count() == 50
    assert ledger.ledger_check()["ok"]


@pytest.mark.django_db
def test_cashier_api_checkout_with_points(li_ming: User, liu_cashier: User, supermarket: Merchant) -> None:
    from django.test import Client

    wallet_adjust(user=li_ming, amount_fen=2000, reason="test funding", actor="test")
    give(li_ming, 150)
    body = {
        "merchant": "market",
        "code": paycode_issue(user=li_ming).code,
        "lines": [{"barcode": "690001", "qty": 1}],
        "order_ref": "pos-77",
        "points": 150,
    }
    staff = Client()
    staff.force_login(li_ming)
    assert staff.post("/api/recycling/checkout/", body, content_type="application/json").status_code == 403
    cashier = Client()
    cashier.force_login(liu_cashier)
    answer = cashier.post("/api/recycling/checkout/", body, content_type="application/json")
    assert answer.status_code == 201, answer.content
    assert answer.json() | {"charge_id": None} == {
        "status": "paid",
        "reason": "",
        "balance_fen": 1150,
        "order_ref": "pos-77",
        "charge_id": None,
        "wallet_fen": 850,
        "points_used": 150,
        "points_fen": 150,
    }
    bad = cashier.post("/api/recycling/checkout/", {**body, "points": -3}, content_type="application/json")
    assert bad.status_code == 400 and wallet_balances(li_ming).points == 0


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_ten_bins_crediting_one_person_at_once_stay_under_the_daily_cap(site: Site, li_ming: User) -> None:
    import uuid

    from django.utils import timezone

    from building.recycling.services.drops import DropInput, drop_record
    from security.services.credentials import credential_issue
    from tests.factories import device_factory

    credential_issue(user=li_ming, kind="card", code="00000CAB01", actor="test")
    bins = [device_factory(site=site, kind="recycling_bin").device for _ in range(10)]
    barrier = threading.Barrier(10)
    at = timezone.now()  # one instant for all: one day's cap even at midnight

    def run(i: int) -> int:
        try:
            barrier.wait()
            entry = DropInput(uuid.uuid4().hex, "card", "paper", 8000, at, code="00000CAB01")  # 80 points each
            return drop_record(device=bins[i], drop=entry).awarded
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=10) as pool:
        awarded = list(pool.map(run, range(10)))
    assert sum(awarded) == 200 and sorted(awarded)[-3:] == [40, 80, 80]  # 80 + 80 + 40, then nothing
    assert wallet_balances(li_ming).points == 200 and ledger.ledger_check()["ok"]
