"""Canteen pages as people use them: humane errors, kept input, opening-hour slots, confirmations."""

from __future__ import annotations

from datetime import datetime, time

import pytest
from django.test import Client
from django.utils import timezone

from canteen.models import Dish, MealPeriod, Merchant
from canteen.reasons import CANTEEN_REASONS, canteen_reason
from canteen.slots import takeaway_slots
from portal.models import User
from tests.canteen.conftest import fund

pytestmark = pytest.mark.django_db


def login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _at(hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime(2026, 11, 26, hour, minute))


def test_slots_are_only_inside_opening_hours(takeaway: Merchant, canteen: Merchant) -> None:
    MealPeriod.objects.create(merchant=canteen, code="lunch", name="午餐", starts=time(11), ends=time(13, 30), fixed_price_fen=1)
    late = takeaway_slots(takeaway, now=_at(1, 50))  # the complaint: slots offered until 02:00
    assert late and all(time(11) <= timezone.localtime(s).time() < time(13, 30) for s in late)
    assert timezone.localtime(late[0]).time() == time(11)
    noon = takeaway_slots(takeaway, now=_at(12, 10))
    assert timezone.localtime(noon[0]) == _at(13)  # 30 minutes' lead, on the half hour; 13:00 is the last of the day
    assert timezone.localtime(noon[1]).date() == _at(0).date().replace(day=27)


def test_a_refused_order_says_why_in_chinese_and_keeps_the_cart(li_ming: User, takeaway: Merchant) -> None:
    dish = Dish.objects.create(merchant=takeaway, name="盒饭", price_fen=2000)
    staff = login(li_ming)
    slot = staff.get("/canteen/takeaway/").context["menus"][0]["slots"][2].isoformat()
    refused = staff.post("/canteen/takeaway/", {"merchant": takeaway.pk, f"qty_{dish.pk}": "2", "slot": slot}, follow=True)
    html = refused.content.decode()
    assert refused.status_code == 400
    assert "余额不足" in html and "insufficient_funds" not in html
    assert f'name="qty_{dish.pk}" id="qty_{dish.pk}" value="2"' in html
    assert f'value="{slot}" selected' in html
    empty = staff.post("/canteen/takeaway/", {"merchant": takeaway.pk, f"qty_{dish.pk}": "0", "slot": slot})
    assert "请至少选择一道菜" in empty.content.decode() and "empty_order" not in empty.content.decode()


def test_every_reason_has_a_sentence_and_unknown_codes_never_show() -> None:
    for reason in CANTEEN_REASONS:
        assert canteen_reason(reason) != reason
    assert "weird_code" not in canteen_reason("weird_code")


def test_refund_is_confirmed_and_explained(li_ming: User, liu_cashier: User, canteen: Merchant) -> None:
    from canteen.services.charges import wallet_charge

    fund(li_ming, 5000)
    paid = wallet_charge(user=li_ming, merchant=canteen, amount_fen=1500, order_ref="r-1", method="portal")
    assert paid.charge is not None
    cashier = login(liu_cashier)
    page = cashier.get(f"/canteen/receipts/{paid.charge.pk}/").content.decode()
    assert "data-confirm=" in page and "线上" in page and ">portal<" not in page
    too_much = cashier.post(f"/canteen/ops/charges/{paid.charge.pk}/refund/", {"amount": "99", "reason": "x"}, follow=True)
    text = too_much.content.decode()
    assert "超出" in text and "exceeds_paid" not in text


def test_sales_payments_sort_and_page(li_ming: User, wang_manager: User, canteen: Merchant) -> None:
    from canteen.services.charges import wallet_charge

    fund(li_ming, 10000)
    for n, fen in enumerate((300, 100, 200)):
        wallet_charge(user=li_ming, merchant=canteen, amount_fen=fen, order_ref=f"s-{n}", method="code")
    manager = login(wang_manager)
    cheapest_first = manager.get("/canteen/ops/sales/", {"sort": "amount"}).content.decode()
    assert cheapest_first.index("¥1.00") < cheapest_first.index("¥2.00") < cheapest_first.index("¥3.00")
    assert 'aria-sort="ascending"' in cheapest_first and "付款码" in cheapest_first  # the method in words
    assert manager.get("/canteen/ops/sales/", {"sort": "nonsense", "page": "x"}).status_code == 200
