"""Issue 9 item 2: a single-use pay code pays once in any spelling (MQTT and HTTP), and card
payments use issued card credentials, never employee numbers (item 6)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from building.models import Site
from canteen.models import Charge, Merchant
from canteen.selectors import wallet_balances
from canteen.services.paycode import PayCodeError, paycode_issue, paycode_parse
from devices.simulator import SimDevice
from portal.models import User
from security.services.credentials import credential_issue, credential_revoke, credential_user_for_code
from tests.canteen.conftest import fund

URL = "/api/canteen/charges/"


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(c) - 0x30 + 0xFF10) if c.isdigit() else c for c in text)


def _arabic_indic(text: str) -> str:
    return "".join(chr(ord(c) - 0x30 + 0x0660) if c.isdigit() else c for c in text)


def respellings(code: str) -> dict[str, str]:
    """The attack run's respellings: same user, counter, nonce and MAC, other text."""
    prefix, user_id, counter, nonce, mac = code.split(".")
    return {
        "leading zero in the user id": f"{prefix}.0{user_id}.{counter}.{nonce}.{mac}",
        "leading zero in the counter": f"{prefix}.{user_id}.0{counter}.{nonce}.{mac}",
        "fullwidth user id": f"{prefix}.{_fullwidth(user_id)}.{counter}.{nonce}.{mac}",
        "fullwidth counter": f"{prefix}.{user_id}.{_fullwidth(counter)}.{nonce}.{mac}",
        "Arabic-Indic counter": f"{prefix}.{user_id}.{_arabic_indic(counter)}.{nonce}.{mac}",
        "upper-case MAC": f"{prefix}.{user_id}.{counter}.{nonce}.{mac.upper()}",
        "fullwidth 3 anywhere": code.replace("3", "３") if "3" in code else code.replace(".", "。", 1),
    }


def test_the_grammar_accepts_one_spelling_only(li_ming: User) -> None:
    code = paycode_issue(user=li_ming).code
    canonical = paycode_parse(f"  {code}\r\n")  # a scanner's surrounding whitespace is not a respelling
    assert canonical.text == code
    for name, variant in respellings(code).items():
        with pytest.raises(PayCodeError):
            paycode_parse(variant)
            pytest.fail(f"accepted: {name}")


@pytest.mark.django_db
def test_http_a_code_pays_once_in_any_spelling(liu_cashier: User, li_ming: User, canteen: Merchant) -> None:
    fund(li_ming, 10_000)
    client = Client()
    client.force_login(liu_cashier)
    code = paycode_issue(user=li_ming).code
    statuses = []
    for i, variant in enumerate([code, *respellings(code).values()]):
        response = client.post(
            URL,
            {"merchant": "canteen", "amount_fen": 100, "code": variant},
            content_type="application/json",
            headers={"Idempotency-Key": f"respell-{i}"},
        )
        statuses.append(response.status_code)
    assert statuses[0] == 201
    assert all(s in (400, 402) for s in statuses[1:]), statuses
    assert Charge.objects.filter(user=li_ming).count() == 1 and wallet_balances(li_ming).cash_fen == 9_900


@pytest.mark.django_db(transaction=True)
def test_mqtt_a_code_pays_once_in_any_spelling(
    bridge: object, connect_device: Callable[..., SimDevice], site: Site, li_ming: User, canteen: Merchant
) -> None:
    fund(li_ming, 10_000)
    pos = connect_device(site, "pos")
    code = paycode_issue(user=li_ming).code
    answers: list[dict[str, Any]] = []
    for i, variant in enumerate([code, *respellings(code).values()]):
        event_id = pos.send("code_pay", {"code": variant, "amount_fen": 100, "merchant": "canteen", "order_ref": f"r-{i}"})
        answers.append(pos.wait_command(re=event_id, timeout=10))
    assert answers[0]["data"]["status"] == "paid"
    for answer in answers[1:]:
        assert answer["type"] == "error" or answer["data"]["status"] == "declined", answer
    assert Charge.objects.filter(user=li_ming).count() == 1 and wallet_balances(li_ming).cash_fen == 9_900


@pytest.mark.django_db
def test_card_payments_use_issued_cards_not_employee_numbers(
    liu_cashier: User, li_ming: User, zhang_li: User, canteen: Merchant
) -> None:
    fund(li_ming, 5_000)
    client = Client()
    client.force_login(liu_cashier)

    def pay(card: str, key: str) -> Any:
        body = {"merchant": "canteen", "amount_fen": 100, "card": card}
        return client.post(URL, body, content_type="application/json", headers={"Idempotency-Key": key})

    assert li_ming.employee_no
    colleague = pay(li_ming.employee_no, "emp")  # zhang_li knows li_ming's employee number
    assert colleague.status_code == 402 and colleague.json()["reason"] == "unknown_card"
    issued = credential_issue(user=li_ming, kind="card", code="04a1b2c3d4", actor="operator")
    assert pay("04A1B2C3D4", "card-1").status_code == 201
    assert pay("04a1b2c3d4", "card-2").status_code == 201  # the same card, its canonical form
    assert pay("０4A1B2C3D4", "card-3").json()["reason"] == "unknown_card"
    credential_revoke(credential=issued.credential, actor="operator")
    assert pay("04A1B2C3D4", "card-4").json()["reason"] == "credential_revoked"
    assert wallet_balances(li_ming).cash_fen == 4_800


@pytest.mark.django_db
def test_credential_lookup_is_canonical(li_ming: User) -> None:
    issued = credential_issue(user=li_ming, kind="qr", actor=li_ming)
    assert credential_user_for_code(kind="qr", code=issued.code).user == li_ming
    assert credential_user_for_code(kind="qr", code=f" {issued.code}\n").user == li_ming
    assert credential_user_for_code(kind="qr", code=issued.code + "x").reason == "invalid_qr"
    assert credential_user_for_code(kind="qr", code=issued.code.replace("SQ1", "ＳQ1")).reason == "invalid_qr"
    with pytest.raises(ValueError, match="already issued"):
        credential_issue(user=li_ming, kind="qr", code=issued.code, actor="operator")
