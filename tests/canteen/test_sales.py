"""Charges, refunds, subsidy, supermarket and takeaway through the public services."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from canteen import ledger
from canteen.models import Charge, Dish, MealPeriod, Product, TakeawayOrder
from canteen.selectors import wallet_balances
from canteen.services.charges import RefundError, charge_refund, wallet_charge
from canteen.services.paycode import PayCodeError, paycode_issue, paycode_resolve
from canteen.services.shop import (
    SaleError,
    supermarket_checkout,
    takeaway_expire_unclaimed,
    takeaway_order_place,
    takeaway_pickup,
)
from canteen.services.wallet import subsidy_grant_month
from canteen.tasks import subsidy_grant
from core.models import AuditLog
from tests.canteen.conftest import fund

pytestmark = pytest.mark.django_db
NOON = timezone.make_aware(datetime(2026, 11, 20, 12, 5))


def test_subsidy_is_spent_before_cash_and_the_period_is_recorded(li_ming, canteen) -> None:
    lunch = MealPeriod.objects.create(
        merchant=canteen, code="lunch", name="午餐", starts=time(11), ends=time(13), fixed_price_fen=1500
    )
    fund(li_ming, 2000)
    subsidy_grant_month(month=date(2026, 11, 1), amount_fen=1000, at=NOON)
    result = wallet_charge(user=li_ming, merchant=canteen, amount_fen=1500, order_ref="p1", method="face", at=NOON)
    assert result.paid and result.balance_fen == 1500
    charge = Charge.objects.get(order_ref="p1")
    assert (charge.subsidy_fen, charge.cash_fen, charge.period) == (1000, 500, lunch)
    assert wallet_balances(li_ming).subsidy_fen == 0 and wallet_balances(li_ming).cash_fen == 1500


def test_retry_answers_the_original_and_a_different_amount_is_a_conflict(li_ming, canteen) -> None:
    fund(li_ming, 2000)
    first = wallet_charge(user=li_ming, merchant=canteen, amount_fen=800, order_ref="r1", method="code")
    again = wallet_charge(user=li_ming, merchant=canteen, amount_fen=800, order_ref="r1", method="code")
    other = wallet_charge(user=li_ming, merchant=canteen, amount_fen=900, order_ref="r1", method="code")
    assert first.paid and again.paid and again.replay and again.charge == first.charge
    assert (other.status, other.reason) == ("declined", "conflict")
    assert wallet_balances(li_ming).cash_fen == 1200


def test_insufficient_funds_and_frozen_are_declined_with_a_reason(li_ming, canteen) -> None:
    fund(li_ming, 100)
    poor = wallet_charge(user=li_ming, merchant=canteen, amount_fen=101, order_ref="x1", method="face")
    assert (poor.status, poor.reason, poor.balance_fen) == ("declined", "insufficient_funds", 100)
    ledger.account_freeze(account=ledger.user_accounts(li_ming).cash, frozen=True)
    frozen = wallet_charge(user=li_ming, merchant=canteen, amount_fen=50, order_ref="x2", method="face")
    assert frozen.reason == "frozen"
    assert AuditLog.objects.filter(action="canteen.charge.decline").count() == 2
    assert not Charge.objects.exists()


def test_refunds_are_partial_audited_and_never_exceed_the_payment(li_ming, liu_cashier, canteen) -> None:
    fund(li_ming, 1000)
    subsidy_grant_month(amount_fen=300)
    charge = wallet_charge(user=li_ming, merchant=canteen, amount_fen=800, order_ref="f1", method="face").charge
    assert charge is not None and (charge.subsidy_fen, charge.cash_fen) == (300, 500)
    charge_refund(charge=charge, amount_fen=600, reason="wrong dish", actor=liu_cashier)
    assert wallet_balances(li_ming).cash_fen == 1000 and wallet_balances(li_ming).subsidy_fen == 100  # cash back first
    with pytest.raises(RefundError, match="exceeds_paid"):
        charge_refund(charge=charge, amount_fen=201, reason="again", actor=liu_cashier)
    charge_refund(charge=charge, amount_fen=200, reason="rest", actor=liu_cashier)
    charge.refresh_from_db()
    assert charge.refunded_fen == 800 and wallet_balances(li_ming).subsidy_fen == 300
    assert AuditLog.objects.filter(action="canteen.charge.refund", actor=liu_cashier).count() == 2
    assert ledger.ledger_check()["ok"]


def test_subsidy_is_granted_once_per_month_however_often_the_task_runs(li_ming, zhang_li, liu_cashier, settings) -> None:
    settings.CANTEEN_MONTHLY_SUBSIDY_FEN = 30000
    assert subsidy_grant.delay().get()["granted"] == 2  # staff only: the cashier gets none
    assert subsidy_grant.delay().get() == {"granted": 0, "expired_fen": 0, "already": 2}
    assert wallet_balances(li_ming).subsidy_fen == 30000 and wallet_balances(liu_cashier).subsidy_fen == 0


def test_last_months_subsidy_expires_when_the_new_month_is_granted(li_ming, canteen) -> None:
    subsidy_grant_month(month=date(2026, 10, 1), amount_fen=30000)
    wallet_charge(user=li_ming, merchant=canteen, amount_fen=10000, order_ref="oct", method="face")
    counts = subsidy_grant_month(month=date(2026, 11, 1), amount_fen=30000)
    assert counts == {"granted": 1, "expired_fen": 20000, "already": 0}
    assert wallet_balances(li_ming).subsidy_fen == 30000
    assert ledger.ledger_check()["ok"]


def test_supermarket_cart_takes_stock_and_money_once(li_ming, supermarket) -> None:
    Product.objects.create(merchant=supermarket, barcode="690001", name="矿泉水", price_fen=200, stock=5)
    Product.objects.create(merchant=supermarket, barcode="690002", name="面包", price_fen=650, stock=1)
    fund(li_ming, 5000)
    lines = [("690001", 2), ("690002", 1)]
    result = supermarket_checkout(merchant=supermarket, user=li_ming, lines=lines, order_ref="cart-1", method="code")
    again = supermarket_checkout(merchant=supermarket, user=li_ming, lines=lines, order_ref="cart-1", method="code")
    assert result.paid and again.replay and result.balance_fen == 5000 - 1050
    assert dict(Product.objects.values_list("barcode", "stock")) == {"690001": 3, "690002": 0}
    with pytest.raises(SaleError, match="out_of_stock"):
        supermarket_checkout(merchant=supermarket, user=li_ming, lines=[("690002", 1)], order_ref="cart-2", method="code")


def test_takeaway_order_pickup_and_unclaimed_refund(li_ming, zhang_li, takeaway) -> None:
    dish = Dish.objects.create(merchant=takeaway, name="红烧肉套餐", price_fen=1800)
    fund(li_ming, 5000)
    fund(zhang_li, 5000)
    slot = NOON + timedelta(hours=5)
    mine = takeaway_order_place(user=li_ming, merchant=takeaway, items=[(dish.pk, 2)], slot_start=slot, at=NOON)
    hers = takeaway_order_place(user=zhang_li, merchant=takeaway, items=[(dish.pk, 1)], slot_start=slot, at=NOON)
    assert mine.total_fen == 3600 and len(mine.pickup_code) == 6
    assert wallet_balances(li_ming).cash_fen == 1400
    assert takeaway_pickup(merchant=takeaway, pickup_code=mine.pickup_code, at=slot).pk == mine.pk
    with pytest.raises(SaleError, match="no_order"):
        takeaway_pickup(merchant=takeaway, pickup_code=mine.pickup_code, at=slot)  # not twice
    assert takeaway_expire_unclaimed(at=slot + timedelta(hours=3)) == 1
    hers.refresh_from_db()
    assert hers.status == TakeawayOrder.Status.REFUNDED and wallet_balances(zhang_li).cash_fen == 5000
    assert takeaway_expire_unclaimed(at=slot + timedelta(hours=4)) == 0


def test_pay_code_is_signed_short_lived_and_single_use(li_ming, canteen) -> None:
    code = paycode_issue(user=li_ming, at=NOON)
    assert paycode_resolve(code=code.code, at=NOON + timedelta(seconds=20)).user == li_ming
    with pytest.raises(PayCodeError, match="code_expired"):
        paycode_resolve(code=code.code, at=NOON + timedelta(seconds=61))  # the screenshot, later
    forged = code.code[:-1] + ("0" if code.code[-1] != "0" else "1")
    with pytest.raises(PayCodeError, match="bad_code"):
        paycode_resolve(code=forged, at=NOON)
    fund(li_ming, 1000)
    digest = paycode_resolve(code=code.code, at=NOON).digest
    assert wallet_charge(
        user=li_ming, merchant=canteen, amount_fen=100, order_ref="c1", method="code", pay_code_digest=digest
    ).paid
    second = wallet_charge(user=li_ming, merchant=canteen, amount_fen=100, order_ref="c2", method="code", pay_code_digest=digest)
    assert second.reason == "code_used"
    fresh = paycode_issue(user=li_ming, at=NOON)  # the wallet page's next code, same 30 s window
    assert fresh.code != code.code
    digest2 = paycode_resolve(code=fresh.code, at=NOON).digest
    assert wallet_charge(
        user=li_ming, merchant=canteen, amount_fen=100, order_ref="c3", method="code", pay_code_digest=digest2
    ).paid
