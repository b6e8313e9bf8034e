"""The cashier's web till charging a pay code through the POS services (real services, real DB)."""

from __future__ import annotations

import pytest
from django.test import Client

from canteen.models import Charge, Merchant
from canteen.selectors import wallet_balances
from canteen.services.paycode import paycode_issue
from portal.models import User
from tests.canteen.conftest import fund

pytestmark = pytest.mark.django_db


def login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_till_charges_a_pay_code_once_and_shows_the_receipt(li_ming: User, liu_cashier: User, canteen: Merchant) -> None:
    fund(li_ming, 5000)
    cashier = login(liu_cashier)
    page = cashier.get("/canteen/ops/till/")
    assert page.status_code == 200 and 'for="till-code"' in page.content.decode()
    order_ref = page.context["order_ref"]
    sale = {"merchant": canteen.pk, "amount": "12.50", "code": paycode_issue(user=li_ming).code, "order_ref": order_ref}
    paid = cashier.post("/canteen/ops/till/", sale)
    assert paid.status_code == 302
    charge = Charge.objects.get(order_ref=order_ref)
    assert paid["Location"] == f"/canteen/receipts/{charge.pk}/"
    assert charge.amount_fen == 1250 and charge.user == li_ming
    receipt = cashier.get(paid["Location"]).content.decode()
    assert "¥12.50" in receipt and "李明" in receipt
    again = cashier.post("/canteen/ops/till/", sale)  # a double submit of the same sale
    assert again.status_code == 302 and Charge.objects.filter(user=li_ming).count() == 1
    assert wallet_balances(li_ming).spendable_fen == 5000 - 1250


def test_a_declined_sale_says_why_in_chinese(li_ming: User, liu_cashier: User, canteen: Merchant) -> None:
    cashier = login(liu_cashier)
    sale = {"merchant": canteen.pk, "amount": "15", "code": paycode_issue(user=li_ming).code}
    poor = cashier.post("/canteen/ops/till/", sale)
    html = poor.content.decode()
    assert poor.status_code == 400 and "余额不足" in html and "insufficient_funds" not in html
    assert 'value="15"' in html  # the amount stays for the next try
    nobody = cashier.post("/canteen/ops/till/", {"merchant": canteen.pk, "amount": "15"})
    assert "付款码" in nobody.content.decode() and "no_payer" not in nobody.content.decode()
    garbage = cashier.post("/canteen/ops/till/", {"merchant": canteen.pk, "amount": "15", "code": "hello"})
    assert "不是有效的付款码" in garbage.content.decode()
    assert not Charge.objects.exists()


def test_only_cashiers_and_managers_open_the_till(li_ming: User, canteen: Merchant) -> None:
    assert login(li_ming).get("/canteen/ops/till/").status_code == 403


def test_the_till_charges_a_face_photo(li_ming: User, liu_cashier: User, canteen: Merchant) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.security.faces_helpers import GATE_A, enrolled, photo

    enrolled(li_ming)
    fund(li_ming, 3000)
    cashier = login(liu_cashier)
    picture = SimpleUploadedFile("face.jpg", photo(GATE_A), content_type="image/jpeg")
    paid = cashier.post("/canteen/ops/till/", {"merchant": canteen.pk, "amount": "15", "photo": picture})
    assert paid.status_code == 302
    charge = Charge.objects.get(user=li_ming)
    assert charge.method == "face" and charge.amount_fen == 1500
