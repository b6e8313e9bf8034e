"""A visitor pays their own fee by Alipay: the anonymous pay page, the real python-alipay-sdk against
the simulated gateway, the notify endpoint, and the barrier over MQTT with the real broker."""

from __future__ import annotations

import secrets
import threading
import time
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.db import connections
from django.test import Client
from django.utils import timezone

from building.parking import payments
from building.parking.models import Lot, ParkingSession
from building.parking.services import vehicle_register
from building.parking.visitors import VisitorBooking
from canteen import ledger
from canteen.alipay_sim import notice_for, parse_request, sim_buyer_pays, trade_open
from canteen.models import AlipayNotice, SimAlipayTrade, TopUp, Transaction
from canteen.selectors import wallet_balances
from canteen.services.alipay import topup_query_pending
from devices.simulator import SimDevice
from portal.models import User
from tests.canteen.conftest import fund, postgres_only
from tests.parking.conftest import invite, read

pytestmark = pytest.mark.django_db(transaction=True)
NOTIFY = "/pay/alipay/notify/"
PLATE = "沪C12345"


def parked_visitor(camera: SimDevice, host: User, bookings: dict[str, VisitorBooking], minutes: int = 150) -> ParkingSession:
    now = timezone.now()
    invite(bookings, host, PLATE, now - timedelta(hours=5), now + timedelta(hours=5))
    assert read(camera, PLATE, at=now - timedelta(minutes=minutes))["reason"] == "visitor"
    return ParkingSession.objects.get(plate=PLATE)


def alipay_order(client: Client, ticket: str) -> TopUp:
    """The visitor presses "pay with Alipay": our signed request goes to the (simulated) cashier."""
    to_alipay = client.post(f"/parking/pay/{ticket}/")
    assert to_alipay.status_code == 302
    params, biz = parse_request(urlsplit(to_alipay["Location"]).query)  # the gateway checks OUR signature
    assert params["method"] == "alipay.trade.page.pay"
    trade_open(params=params, biz=biz)
    return TopUp.objects.get(out_trade_no=biz["out_trade_no"])


def test_visitor_pays_by_alipay_once_and_leaves_within_the_grace(
    camera: SimDevice, li_ming: User, fake_bookings: dict[str, VisitorBooking]
) -> None:
    session = parked_visitor(camera, li_ming, fake_bookings)  # the host's wallet is empty
    now = timezone.now()
    held = read(camera, PLATE, "out", at=now)
    assert (held["action"], held["fee_fen"]) == ("hold", 1500)
    link = held["pay_url"]
    assert held["reason"] == "insufficient_funds" and link == payments.pay_path(session)  # where to pay

    visitor = Client()  # no account
    page = visitor.get("/parking/pay/")
    assert page.status_code == 200 and "京A12345" in page.content.decode()  # the placeholder
    found = visitor.post("/parking/pay/", {"plate": "沪c·12345"})
    assert found.status_code == 302 and found["Location"] == link
    ticket = visitor.get(link).content.decode()
    assert PLATE in ticket and "¥15.00" in ticket and li_ming.username not in ticket and "李" not in ticket

    order = alipay_order(visitor, link.rstrip("/").rsplit("/", 1)[1])
    assert (order.purpose, order.user, order.amount_fen) == ("parking_fee", None, 1500)
    notice = sim_buyer_pays(out_trade_no=order.out_trade_no)
    assert [visitor.post(NOTIFY, notice).content for _ in range(4)] == [b"success"] * 4  # replays credit once
    order.refresh_from_db()
    session.refresh_from_db()
    assert order.status == TopUp.Status.PAID and order.transaction is not None
    assert (session.paid_fen, session.payments) == (1500, 1)
    assert list(AlipayNotice.objects.order_by("id").values_list("outcome", flat=True)) == ["paid"] + ["duplicate"] * 3
    fee_txns = Transaction.objects.filter(kind="parking_fee")
    assert fee_txns.count() == 1 and fee_txns.get().idempotency_key == f"alipay:{order.out_trade_no}"
    assert wallet_balances(li_ming).cash_fen == 0  # the host paid nothing
    assert "leave-by" in visitor.get(link).content.decode()
    assert visitor.post(link).status_code == 302 and TopUp.objects.count() == 1  # nothing due: no second order

    out = read(camera, PLATE, "out", at=timezone.now() + timedelta(seconds=20))  # the car tries again
    assert out == {"action": "open", "fee_fen": 0, "plate": PLATE, "reason": "paid"}
    session.refresh_from_db()
    assert (session.state, session.paid_fen, session.fee_fen) == ("closed", 1500, 1500)
    assert Transaction.objects.filter(kind="parking_fee").count() == 1
    assert ledger.ledger_check()["ok"]
    assert ledger.account_balance(ledger.system_account("parking_revenue")) == 1500


def test_after_the_grace_the_rest_is_due_again(
    camera: SimDevice, li_ming: User, fake_bookings: dict[str, VisitorBooking]
) -> None:
    session = parked_visitor(camera, li_ming, fake_bookings)  # 2 h 30: ¥15
    ticket = payments.ticket_for(session)
    order = alipay_order(Client(), ticket)
    paid_at = timezone.now()
    assert Client().post(NOTIFY, sim_buyer_pays(out_trade_no=order.out_trade_no)).content == b"success"
    assert payments.ticket_lookup(ticket=ticket, at=paid_at + timedelta(minutes=14)).due_fen == 0  # type: ignore[union-attr]
    later = paid_at + timedelta(minutes=40)  # 3 h 10 min from arrival: four started hours, one more to pay
    assert payments.ticket_lookup(ticket=ticket, at=later).due_fen == 500  # type: ignore[union-attr]
    held = read(camera, PLATE, "out", at=later)
    assert (held["action"], held["fee_fen"], held["reason"]) == ("hold", 500, "insufficient_funds")


def test_a_second_payment_for_a_paid_session_is_refunded(
    camera: SimDevice, li_ming: User, fake_bookings: dict[str, VisitorBooking]
) -> None:
    """Two tabs, two orders, both paid at Alipay: the first pays the fee, the second is refunded."""
    session = parked_visitor(camera, li_ming, fake_bookings)
    ticket = payments.ticket_for(session)
    first, second = alipay_order(Client(), ticket), alipay_order(Client(), ticket)
    assert Client().post(NOTIFY, sim_buyer_pays(out_trade_no=first.out_trade_no)).content == b"success"
    assert Client().post(NOTIFY, sim_buyer_pays(out_trade_no=second.out_trade_no)).content == b"success"
    second.refresh_from_db()
    assert second.status == TopUp.Status.REFUNDED and second.transaction is None
    assert SimAlipayTrade.objects.get(out_trade_no=second.out_trade_no).status == "TRADE_CLOSED"  # money back at Alipay
    session.refresh_from_db()
    assert (session.paid_fen, session.payments) == (1500, 1)
    assert Client().post(NOTIFY, notice_for(SimAlipayTrade.objects.get(out_trade_no=first.out_trade_no))).content == b"success"
    assert Transaction.objects.filter(kind="parking_fee").count() == 1
    assert ledger.ledger_check()["ok"]


def test_the_host_paid_at_the_exit_so_the_visitors_late_payment_is_refunded(
    camera: SimDevice, li_ming: User, fake_bookings: dict[str, VisitorBooking]
) -> None:
    fund(li_ming, 5000)
    session = parked_visitor(camera, li_ming, fake_bookings)
    order = alipay_order(Client(), payments.ticket_for(session))
    assert read(camera, PLATE, "out")["reason"] == "paid"  # the host's wallet pays at the barrier
    sim_buyer_pays(out_trade_no=order.out_trade_no)
    assert topup_query_pending(at=timezone.now() + timedelta(minutes=2))["credited"] == 1  # the notice was lost
    order.refresh_from_db()
    assert order.status == TopUp.Status.REFUNDED
    session.refresh_from_db()
    assert (session.paid_fen, wallet_balances(li_ming).cash_fen) == (1500, 3500)
    assert Transaction.objects.filter(kind="parking_fee").count() == 1


def test_the_pay_page_shows_only_cars_with_a_fee_and_is_rate_limited(
    camera: SimDevice, li_ming: User, fake_bookings: dict[str, VisitorBooking], settings: object
) -> None:
    vehicle_register(user=li_ming, plate="京A10234")
    assert read(camera, "京A10234")["reason"] == "staff"
    anyone = Client()
    staff = anyone.post("/parking/pay/", {"plate": "京A10234"})  # parked, but a staff car: not shown
    assert staff.status_code == 200 and "10234" not in staff.content.decode().replace('value="京A10234"', "")
    assert anyone.get("/parking/pay/1:forged/").status_code == 404
    settings.PARKING_PAY_RATE_PER_MINUTE = 3  # type: ignore[attr-defined]
    address = f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.{secrets.randbelow(250) + 1}"  # its own counter
    if time.time() % 60 > 50:  # the counter's window is the clock's minute: start the five tries inside one
        time.sleep(61 - time.time() % 60)
    answers = [anyone.post("/parking/pay/", {"plate": f"京B1000{i}"}, REMOTE_ADDR=address).status_code for i in range(5)]
    assert answers == [200, 200, 200, 429, 429]  # trying plates is as slow as walking to the barrier


def test_the_visitor_goes_through_the_simulated_cashier_without_an_account(lot: Lot) -> None:
    session = ParkingSession.objects.create(
        site=lot.site, lot=lot, plate=PLATE, kind="other", entered_at=timezone.now() - timedelta(minutes=61), flags=["manual"]
    )
    visitor = Client()
    ticket_page = payments.pay_path(session)
    cashier = visitor.post(ticket_page)
    assert cashier.status_code == 302 and cashier["Location"].startswith("/canteen/alipay-sim/gateway.do?")
    page = visitor.get(cashier["Location"])
    assert page.status_code == 200 and "¥10.00" in page.content.decode()  # 61 minutes: two started hours
    back = visitor.post("/canteen/alipay-sim/gateway.do", {"query": urlsplit(cashier["Location"]).query})
    assert back.status_code == 302 and urlsplit(back["Location"]).path == ticket_page
    assert 'data-testid="leave-by"' in visitor.get(ticket_page).content.decode()
    session.refresh_from_db()
    assert (session.paid_fen, Transaction.objects.filter(kind="parking_fee").count()) == (1000, 1)


@postgres_only
def test_two_paid_orders_delivered_concurrently_pay_once_and_refund_the_other(lot: Lot) -> None:
    session = ParkingSession.objects.create(
        site=lot.site, lot=lot, plate=PLATE, kind="other", entered_at=timezone.now() - timedelta(minutes=150)
    )
    ticket = payments.ticket_for(session)
    orders = [alipay_order(Client(), ticket) for _ in range(2)]
    notices = [sim_buyer_pays(out_trade_no=o.out_trade_no) for o in orders]
    barrier, answers = threading.Barrier(8), []

    def run(notice: dict[str, str]) -> None:
        barrier.wait()
        answers.append(Client().post(NOTIFY, notice).content)
        connections.close_all()

    threads = [threading.Thread(target=run, args=(notices[n % 2],)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert answers == [b"success"] * 8
    assert sorted(TopUp.objects.values_list("status", flat=True)) == ["paid", "refunded"]
    session.refresh_from_db()
    assert (session.paid_fen, session.payments) == (1500, 1)
    assert Transaction.objects.filter(kind="parking_fee").count() == 1 and ledger.ledger_check()["ok"]
