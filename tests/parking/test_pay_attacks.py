"""An attacker's view of the visitor's Alipay payment: orders paid late, respelled plates."""

from __future__ import annotations

import secrets
import time
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from building.parking import payments
from building.parking.models import Lot, ParkingSession
from canteen import ledger
from canteen.alipay_sim import parse_request, sim_buyer_pays, trade_open
from canteen.models import AlipayNotice, TopUp, Transaction
from devices.simulator import SimDevice
from tests.parking.conftest import read

pytestmark = pytest.mark.django_db(transaction=True)
NOTIFY = "/pay/alipay/notify/"
PLATE = "沪C12345"


def test_an_order_opened_early_and_paid_hours_later_does_not_buy_the_whole_stay(camera: SimDevice, lot: Lot) -> None:
    """Open an order 31 minutes after arrival (¥5 due), pay it at Alipay just before leaving 8 hours
    later: the ¥5 is kept, but it paid for the first hour only, not for a grace from now."""
    now = timezone.now()
    session = ParkingSession.objects.create(  # a car the guard let in by hand, no payer
        site=lot.site, lot=lot, plate=PLATE, kind="other", entered_at=now - timedelta(hours=8), flags=["manual"]
    )
    ticket = payments.ticket_for(session)
    opened = payments.visitor_fee_order_create(ticket=ticket, at=now - timedelta(hours=8) + timedelta(minutes=31))
    assert opened.topup.amount_fen == 500
    params, biz = parse_request(urlsplit(opened.pay_url).query)
    trade_open(params=params, biz=biz)
    assert Client().post(NOTIFY, sim_buyer_pays(out_trade_no=opened.topup.out_trade_no)).content == b"success"
    order = TopUp.objects.get(pk=opened.topup.pk)
    assert order.status == TopUp.Status.PAID  # the money is kept, through the ledger once
    assert Transaction.objects.filter(kind="parking_fee").count() == 1 and ledger.ledger_check()["ok"]

    soon = timezone.now() + timedelta(minutes=1)
    assert payments.ticket_lookup(ticket=ticket, at=soon).due_fen == 3500  # type: ignore[union-attr]
    held = read(camera, PLATE, "out", at=soon)
    assert (held["action"], held["fee_fen"]) == ("hold", 3500)  # 8 h: ¥40, ¥5 of it paid


def test_a_nul_byte_in_the_plate_is_not_found_not_a_server_error(lot: Lot) -> None:
    """PostgreSQL refuses NUL in text: the anonymous page must not hand it to the database."""
    ParkingSession.objects.create(
        site=lot.site, lot=lot, plate=PLATE, kind="other", entered_at=timezone.now() - timedelta(minutes=61)
    )
    answer = Client().post("/parking/pay/", {"plate": "沪C\x0012345"}, REMOTE_ADDR="10.250.0.1")
    assert answer.status_code == 200 and "沪C12345" not in answer.content.decode().replace('value="沪C', "")
    found = Client().post("/parking/pay/", {"plate": "沪c 12345"}, REMOTE_ADDR="10.250.0.1")
    assert found.status_code == 302


def test_a_notice_with_a_nul_byte_is_refused_and_recorded(lot: Lot) -> None:
    answer = Client().post(NOTIFY, {"out_trade_no": "SO\x001", "trade_status": "TRADE_SUCCESS", "sign": "x\x00"})
    assert answer.status_code == 200 and answer.content == b"failure"  # Alipay would retry; a forger learns nothing
    notice = AlipayNotice.objects.get()
    assert notice.verified is False and notice.outcome.startswith("rejected:")


def test_trying_plates_from_many_ipv6_addresses_of_one_network_is_one_counter(lot: Lot, settings: object) -> None:
    """An IPv6 client holds a whole /64: walking through its addresses must not reset the limit."""
    settings.PARKING_PAY_RATE_PER_MINUTE = 3  # type: ignore[attr-defined]
    network = f"2001:db8:{secrets.randbelow(0xFFFF):x}:{secrets.randbelow(0xFFFF):x}"  # a counter of its own
    if time.time() % 60 > 50:  # the counter's window is the clock's minute: start the tries inside one
        time.sleep(61 - time.time() % 60)
    answers = [
        Client().post("/parking/pay/", {"plate": f"京B1000{i}"}, REMOTE_ADDR=f"{network}::{i + 1:x}").status_code
        for i in range(5)
    ]
    assert answers == [200, 200, 200, 429, 429]
