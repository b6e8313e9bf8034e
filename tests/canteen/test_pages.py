"""The staff and operator pages, walked through the way the issue's "done when" describes."""

from __future__ import annotations

from datetime import datetime, time
from io import BytesIO
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from canteen.models import Charge, Dish, MealPeriod, Product, TakeawayOrder, TopUp
from canteen.selectors import wallet_balances
from canteen.services.charges import wallet_charge
from canteen.services.paycode import paycode_issue, paycode_resolve
from canteen.services.shop import supermarket_checkout

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_staff_day_and_the_operators_reconciliation(li_ming, wang_manager, liu_cashier, canteen, supermarket, takeaway) -> None:
    staff = login(li_ming)
    # 1. Top up ¥200 through the (simulated) Alipay cashier page.
    to_alipay = staff.post("/canteen/topup/", {"amount": "200", "channel": "page"})
    assert to_alipay.status_code == 302 and to_alipay["Location"].startswith("/canteen/alipay-sim/gateway.do?")
    gateway = staff.get(to_alipay["Location"])
    assert gateway.status_code == 200 and b"200.00" in gateway.content
    back = staff.post(urlsplit(to_alipay["Location"]).path, {"query": urlsplit(to_alipay["Location"]).query})
    assert back.status_code == 302
    assert TopUp.objects.get().status == TopUp.Status.PAID and wallet_balances(li_ming).cash_fen == 20000
    # 2. Lunch at the canteen (the face path is tested over MQTT; here the service directly).
    MealPeriod.objects.create(
        merchant=canteen, code="lunch", name="午餐", starts=time(0), ends=time(23, 59), fixed_price_fen=1500
    )
    lunch = wallet_charge(user=li_ming, merchant=canteen, amount_fen=1500, order_ref="lunch-1", method="face")
    # 3. The supermarket by QR pay code: the wallet page's code, read by the checkout.
    code = staff.get("/canteen/paycode.json").json()
    assert code["svg"].startswith("<svg") and code["code"].startswith("SOPAY.")
    Product.objects.create(merchant=supermarket, barcode="690001", name="牛奶", price_fen=450, stock=10)
    bought = supermarket_checkout(
        merchant=supermarket,
        user=li_ming,
        lines=[("690001", 2)],
        order_ref="cart-1",
        method="code",
        pay_code_digest=paycode_resolve(code=code["code"]).digest,
    )
    assert bought.paid
    # 4. Takeaway ordered on the page, picked up by its code at the window.
    dish = Dish.objects.create(merchant=takeaway, name="盒饭", price_fen=2000)
    page = staff.get("/canteen/takeaway/")
    slot = page.context["menus"][0]["slots"][0].isoformat()
    ordered = staff.post("/canteen/takeaway/", {"merchant": takeaway.pk, f"qty_{dish.pk}": "1", "slot": slot})
    assert ordered.status_code == 302
    order = TakeawayOrder.objects.get()
    receipt = staff.get(ordered["Location"])
    assert receipt.status_code == 200 and order.pickup_code.encode() in receipt.content
    cashier = login(liu_cashier)
    cashier.post("/canteen/ops/pickup/", {"merchant": takeaway.pk, "code": order.pickup_code})
    order.refresh_from_db()
    assert order.status == TakeawayOrder.Status.PICKED_UP
    # 5. A partial refund by the cashier, from the receipt page.
    assert lunch.charge is not None
    cashier.post(f"/canteen/ops/charges/{lunch.charge.pk}/refund/", {"amount": "5", "reason": "少一个菜"})
    assert Charge.objects.get(pk=lunch.charge.pk).refunded_fen == 500
    wallet = staff.get("/canteen/")
    assert wallet.status_code == 200
    assert f'data-fen="{20000 - 1500 - 900 - 2000 + 500}"'.encode() in wallet.content
    # 6. The manager's day: sales per merchant and period, reconciliation balanced, xlsx.
    manager = login(wang_manager)
    day = timezone.localdate().isoformat()
    sales = manager.get(f"/canteen/ops/sales/?date={day}")
    assert sales.status_code == 200 and b'data-net="1000"' in sales.content  # the canteen: 15.00 - 5.00
    report = manager.get(f"/canteen/ops/reconciliation/?date={day}")
    assert report.status_code == 200 and report.context["report"].balanced, report.context["report"]
    assert b'data-balanced="true"' in report.content
    xlsx = manager.get(f"/canteen/ops/reconciliation/?date={day}&format=xlsx")
    book = load_workbook(BytesIO(xlsx.content))
    rows = list(book["merchants"].iter_rows(values_only=True))
    assert rows[0][0] == "merchant" and all(row[-1] is True for row in rows[1:]) and len(rows) == 4
    assert list(book["alipay"].iter_rows(values_only=True))[1][1] == 200


def test_reconciliation_flags_a_top_up_alipay_does_not_know(li_ming, wang_manager) -> None:
    from canteen.services.wallet import wallet_topup_credit

    topup = TopUp.objects.create(out_trade_no="SO-ghost", user=li_ming, amount_fen=999, created_at=timezone.now())
    topup.transaction = wallet_topup_credit(user=li_ming, amount_fen=999, source_key="alipay:SO-ghost", description="x")
    topup.status, topup.paid_at = TopUp.Status.PAID, timezone.now()
    topup.save()
    report = login(wang_manager).get("/canteen/ops/reconciliation/").context["report"]
    assert not report.balanced and report.topups["missing_at_alipay"] == ["SO-ghost"]


def test_pages_need_the_right_role(li_ming, canteen) -> None:
    staff = login(li_ming)
    assert staff.get("/canteen/ops/sales/").status_code == 403
    assert staff.get("/canteen/ops/reconciliation/").status_code == 403
    other = wallet_charge(user=li_ming, merchant=canteen, amount_fen=1, order_ref="x", method="code")
    assert other.status == "declined"
    assert Client().get("/canteen/").status_code == 302  # to the login page


def test_the_pay_code_on_the_wallet_is_valid_now(li_ming) -> None:
    code = login(li_ming).get("/canteen/paycode.json").json()["code"]
    assert paycode_resolve(code=code).user == li_ming
    assert paycode_issue(user=li_ming, at=timezone.make_aware(datetime(2026, 1, 1))).code != code
