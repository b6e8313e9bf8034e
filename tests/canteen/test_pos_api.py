"""POST /api/canteen/charges/ with Idempotency-Key semantics, and refunds over HTTP."""

from __future__ import annotations

import threading

import pytest
from django.db import connections, transaction
from django.test import Client

from canteen import ledger
from canteen.models import Charge, IdempotencyRecord
from canteen.selectors import wallet_balances
from canteen.services.paycode import paycode_issue
from core.models import AuditLog
from tests.canteen.conftest import fund, postgres_only

pytestmark = pytest.mark.django_db
URL = "/api/canteen/charges/"


LI_CARD = "0A1B2C3D"


@pytest.fixture(autouse=True)
def li_card(request) -> None:
    """li_ming's issued card (POS card payments take issued credentials, not employee numbers)."""
    if "li_ming" in request.fixturenames:
        from security.services.credentials import credential_issue

        credential_issue(user=request.getfixturevalue("li_ming"), kind="card", code=LI_CARD, actor="test")


@pytest.fixture
def cashier_client(liu_cashier) -> Client:
    client = Client()
    client.force_login(liu_cashier)
    return client


def post(client: Client, body: dict, key: str | None = "k-1"):
    headers = {"Idempotency-Key": key} if key else {}
    return client.post(URL, body, content_type="application/json", headers=headers)


def test_charge_by_pay_code_then_replay_with_the_same_key(cashier_client, li_ming, canteen) -> None:
    fund(li_ming, 3000)
    body = {"merchant": "canteen", "amount_fen": 1250, "code": paycode_issue(user=li_ming).code}
    first = post(cashier_client, body)
    assert first.status_code == 201, first.content
    assert first.json()["status"] == "paid" and first.json()["balance_fen"] == 1750
    replay = post(cashier_client, body)
    assert replay.status_code == 201 and replay.json() == first.json() and replay["Idempotent-Replayed"] == "true"
    assert Charge.objects.count() == 1 and wallet_balances(li_ming).cash_fen == 1750


def test_missing_key_is_400_and_a_different_body_is_422(cashier_client, li_ming, canteen) -> None:
    fund(li_ming, 3000)
    body = {"merchant": "canteen", "amount_fen": 100, "card": LI_CARD}
    assert post(cashier_client, body, key=None).status_code == 400
    assert post(cashier_client, body, key="k-2").status_code == 201
    changed = post(cashier_client, {**body, "amount_fen": 200}, key="k-2")
    assert changed.status_code == 422 and "different" in changed.json()["detail"]
    assert wallet_balances(li_ming).cash_fen == 2900


def test_a_declined_payment_is_402_with_the_reason(cashier_client, li_ming, canteen) -> None:
    response = post(cashier_client, {"merchant": "canteen", "amount_fen": 100, "card": LI_CARD})
    assert response.status_code == 402 and response.json()["reason"] == "insufficient_funds"
    assert post(cashier_client, {"merchant": "canteen"}, key="k-9").status_code == 400


def test_staff_cannot_use_the_cashier_api(li_ming, canteen) -> None:
    client = Client()
    client.force_login(li_ming)
    assert post(client, {"merchant": "canteen", "amount_fen": 100, "card": "x"}).status_code == 403


def test_supermarket_cart_over_the_api(cashier_client, li_ming, supermarket) -> None:
    from canteen.models import Product

    Product.objects.create(merchant=supermarket, barcode="690001", name="矿泉水", price_fen=200, stock=5)
    fund(li_ming, 1000)
    body = {"merchant": "market", "lines": [{"barcode": "690001", "qty": 3}], "card": LI_CARD}
    response = post(cashier_client, body)
    assert response.status_code == 201 and response.json()["amount_fen"] == 600


def test_refund_over_http_is_audited_and_bounded(cashier_client, liu_cashier, li_ming, canteen) -> None:
    fund(li_ming, 1000)
    charge_id = post(cashier_client, {"merchant": "canteen", "amount_fen": 500, "card": LI_CARD}).json()["charge_id"]
    url = f"/api/canteen/charges/{charge_id}/refunds/"
    ok = cashier_client.post(url, {"amount_fen": 200, "reason": "少打一份"}, content_type="application/json")
    assert ok.status_code == 201 and ok.json()["refunded_fen"] == 200
    too_much = cashier_client.post(url, {"amount_fen": 301, "reason": "x"}, content_type="application/json")
    assert too_much.status_code == 400 and too_much.json()["reason"] == "exceeds_paid"
    assert AuditLog.objects.filter(action="canteen.charge.refund", actor=liu_cashier).count() == 1
    assert wallet_balances(li_ming).cash_fen == 700


def test_the_charge_endpoint_is_in_the_openapi_schema(client, wang_manager) -> None:
    client.force_login(wang_manager)
    schema = client.get("/api/schema/", headers={"Accept": "application/json"}).json()
    operation = schema["paths"]["/api/canteen/charges/"]["post"]
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in operation["parameters"])


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_request_still_in_flight_gets_409(liu_cashier, li_ming, canteen) -> None:
    """The first request is held on li_ming's account row lock; the retry meanwhile gets 409."""
    fund(li_ming, 1000)
    body = {"merchant": "canteen", "amount_fen": 100, "card": LI_CARD}
    cash = ledger.user_accounts(li_ming).cash
    locked, release, results = threading.Event(), threading.Event(), {}

    def hold_lock() -> None:
        with transaction.atomic():
            ledger.accounts_lock([cash])
            locked.set()
            release.wait(10)
        connections.close_all()

    def first_request() -> None:
        client = Client()
        client.force_login(liu_cashier)
        results["first"] = post(client, body, key="slow")
        connections.close_all()

    holder = threading.Thread(target=hold_lock)
    holder.start()
    locked.wait(5)
    first = threading.Thread(target=first_request)
    first.start()
    from tests.helpers import eventually

    eventually(lambda: IdempotencyRecord.objects.filter(key="slow", in_flight=True).exists())
    client = Client()
    client.force_login(liu_cashier)
    assert post(client, body, key="slow").status_code == 409
    release.set()
    first.join(10)
    holder.join(10)
    assert results["first"].status_code == 201
    assert post(client, body, key="slow").status_code == 201  # now a replay


def test_a_key_left_in_flight_by_a_dead_process_is_taken_over_after_30_s(liu_cashier, li_ming, canteen) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from canteen.services.pos_api import _fingerprint, pos_charge_submit

    fund(li_ming, 1000)
    body = {"merchant": "canteen", "amount_fen": 100, "card": LI_CARD}
    record = IdempotencyRecord.objects.create(key="dead", actor=liu_cashier, fingerprint=_fingerprint(body))
    now = timezone.now()
    assert pos_charge_submit(actor=liu_cashier, idempotency_key="dead", payload=body, at=now).status == 409
    later = record.created_at + timedelta(seconds=31)
    assert pos_charge_submit(actor=liu_cashier, idempotency_key="dead", payload=body, at=later).status == 201
    assert pos_charge_submit(actor=liu_cashier, idempotency_key="dead", payload=body, at=later).replayed
    assert wallet_balances(li_ming).cash_fen == 900


def test_the_idempotency_key_format_is_enforced(cashier_client, li_ming, canteen) -> None:
    """Issue 9 item 6: non-empty, at most 128 characters of A-Z a-z 0-9 . _ : -."""
    fund(li_ming, 1000)
    body = {"merchant": "canteen", "amount_fen": 100, "card": LI_CARD}
    for bad in (" ", "a b", "k" * 129, "钥匙", "key\t", "ｋ1"):
        response = client_post_raw(cashier_client, body, bad)
        assert response.status_code == 400, bad
        assert "Idempotency-Key" in response.json()["detail"]
    assert post(cashier_client, body, key="0b7c2f0e-8a8e-4a53-9d55-4b1f0c1e2d3a").status_code == 201
    assert post(cashier_client, {**body, "amount_fen": 50}, key="k" * 128).status_code == 201
    assert not IdempotencyRecord.objects.filter(key__in=[" ", "a b"]).exists()


def client_post_raw(client: Client, body: dict, key: str):
    return client.post(URL, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key)


def test_the_schema_documents_error_responses_and_the_key_format(cashier_client, wang_manager) -> None:
    client = Client()
    client.force_login(wang_manager)
    doc = client.get("/api/schema/", {"format": "json"}).json()
    charge = doc["paths"]["/api/canteen/charges/"]["post"]
    for code in ("400", "402", "403", "404", "409", "422"):
        assert code in charge["responses"] and charge["responses"][code].get("content"), code
    key = next(p for p in charge["parameters"] if p["name"] == "Idempotency-Key")
    assert key["required"] and key["schema"]["maxLength"] == 128 and key["schema"]["minLength"] == 1
    assert key["schema"]["pattern"] == "^[A-Za-z0-9._:-]{1,128}$"
    refund = doc["paths"]["/api/canteen/charges/{charge_id}/refunds/"]["post"]
    assert {"400", "403", "404"} <= set(refund["responses"])
    assert "403" in doc["paths"]["/api/devices/"]["get"]["responses"]
