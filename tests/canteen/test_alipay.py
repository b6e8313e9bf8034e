"""Alipay top-up through the real SDK against the simulated gateway (its own RSA key pair)."""

from __future__ import annotations

import threading
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.db import connections
from django.test import Client

from canteen import ledger
from canteen.alipay_client import sim_keys
from canteen.alipay_sim import _generate_pair_for_tests, notice_for, parse_request, rsa2_sign, sim_buyer_pays, trade_open
from canteen.models import AlipayNotice, SimAlipayTrade, TopUp
from canteen.selectors import wallet_balances
from canteen.services.alipay import topup_create, topup_query_pending
from tests.canteen.conftest import postgres_only

pytestmark = pytest.mark.django_db
NOTIFY = "/pay/alipay/notify/"


def open_page_pay(user, amount_fen: int) -> TopUp:
    """The portal creates the order; the browser opens the (simulated) Alipay cashier page."""
    start = topup_create(user=user, amount_fen=amount_fen)
    params, biz = parse_request(urlsplit(start.pay_url).query)  # the gateway checks OUR signature
    assert params["method"] == "alipay.trade.page.pay" and biz["total_amount"] == f"{amount_fen / 100:.2f}"
    trade_open(params=params, biz=biz)
    return start.topup


def deliver(client: Client, notice: dict[str, str]) -> bytes:
    return client.post(NOTIFY, notice).content


def test_the_same_notice_delivered_eight_times_credits_once(client, li_ming) -> None:
    topup = open_page_pay(li_ming, 5000)
    notice = sim_buyer_pays(out_trade_no=topup.out_trade_no)
    answers = [deliver(client, notice) for _ in range(8)]
    assert answers == [b"success"] * 8
    assert wallet_balances(li_ming).cash_fen == 5000
    topup.refresh_from_db()
    assert topup.status == TopUp.Status.PAID and topup.trade_no
    assert (
        list(AlipayNotice.objects.order_by("received_at", "id").values_list("outcome", flat=True))
        == ["credited"] + ["duplicate"] * 7
    )
    assert ledger.ledger_check()["ok"]


def test_a_tampered_amount_is_rejected_without_credit(client, li_ming) -> None:
    topup = open_page_pay(li_ming, 5000)
    notice = sim_buyer_pays(out_trade_no=topup.out_trade_no)
    assert deliver(client, {**notice, "total_amount": "500.00"}) == b"failure"  # signature no longer matches
    assert wallet_balances(li_ming).cash_fen == 0
    assert AlipayNotice.objects.get().outcome == "rejected:bad_signature"


def test_a_notice_signed_with_another_key_is_rejected(client, li_ming) -> None:
    topup = open_page_pay(li_ming, 5000)
    notice = sim_buyer_pays(out_trade_no=topup.out_trade_no)
    body = {k: v for k, v in notice.items() if k not in ("sign", "sign_type")}
    forged_key, _ = _generate_pair_for_tests()
    forged = {**body, "sign": rsa2_sign("&".join(f"{k}={v}" for k, v in sorted(body.items())), forged_key), "sign_type": "RSA2"}
    assert deliver(client, forged) == b"failure"
    assert deliver(client, {**notice, "app_id": "2021999999999999"}) == b"failure"
    assert wallet_balances(li_ming).cash_fen == 0
    assert deliver(client, notice) == b"success"  # the genuine one still counts
    assert wallet_balances(li_ming).cash_fen == 5000


def test_a_genuinely_signed_notice_for_a_different_amount_is_rejected(client, li_ming) -> None:
    topup = open_page_pay(li_ming, 5000)
    SimAlipayTrade.objects.filter(out_trade_no=topup.out_trade_no).update(total_amount="50000.00", status="TRADE_SUCCESS")
    notice = notice_for(SimAlipayTrade.objects.get(out_trade_no=topup.out_trade_no))
    assert deliver(client, notice) == b"failure"
    assert AlipayNotice.objects.get().outcome == "rejected:wrong_amount" and wallet_balances(li_ming).cash_fen == 0


def test_precreate_qr_and_the_pending_query_credits_a_lost_notice(li_ming) -> None:
    start = topup_create(user=li_ming, amount_fen=2000, channel="qr")
    assert start.qr_code.startswith("https://qr.alipay.sim/")
    assert topup_query_pending(min_age=timedelta(0)) == {"credited": 0, "closed": 0, "pending": 1, "errors": 0}
    sim_buyer_pays(out_trade_no=start.topup.out_trade_no)  # the notice never arrives
    assert topup_query_pending(min_age=timedelta(0))["credited"] == 1
    assert topup_query_pending(min_age=timedelta(0))["credited"] == 0
    assert wallet_balances(li_ming).cash_fen == 2000


def test_sim_keys_are_real_rsa_pem() -> None:
    keys = sim_keys()
    assert keys["app_private"].startswith("-----BEGIN PRIVATE KEY-----")
    assert keys["alipay_public"] != keys["app_public"]


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_eight_concurrent_deliveries_credit_once(li_ming) -> None:
    topup = open_page_pay(li_ming, 3000)
    notice = sim_buyer_pays(out_trade_no=topup.out_trade_no)
    barrier, answers = threading.Barrier(8), []

    def run() -> None:
        barrier.wait()
        answers.append(Client().post(NOTIFY, notice).content)
        connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert answers == [b"success"] * 8 and wallet_balances(li_ming).cash_fen == 3000
    assert ledger.ledger_check()["ok"]


def test_the_deploy_check_refuses_the_simulated_gateway_in_production(settings) -> None:
    from canteen.checks import alipay_configured

    assert [e.id for e in alipay_configured()] == ["canteen.E001"]
    settings.ALIPAY_SIMULATED_IN_PRODUCTION = True
    assert alipay_configured() == []
    settings.ALIPAY_MODE = "live"
    assert [e.id for e in alipay_configured()] == ["canteen.E002"]
