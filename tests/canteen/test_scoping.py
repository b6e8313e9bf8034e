"""Canteen lookups are scoped to the caller's site: another site's charge or merchant is a 404,
never a fallback. Two sites, each with a merchant coded "canteen"."""

from __future__ import annotations

import pytest
from django.test import Client

from building.models import Site
from canteen import selectors
from canteen.models import Charge, Merchant, MerchantKind, TakeawayOrder
from canteen.services.charges import wallet_charge
from core.roles import CASHIER, STAFF
from portal.models import User
from tests.canteen.conftest import fund
from tests.factories import SiteFactory, persona

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_site() -> Site:
    created = SiteFactory()
    assert isinstance(created, Site)
    return created


@pytest.fixture
def other_canteen(other_site: Site) -> Merchant:
    return Merchant.objects.create(site=other_site, code="canteen", name="二号院食堂", kind=MerchantKind.CANTEEN)


@pytest.fixture
def other_charge(other_site: Site, other_canteen: Merchant) -> Charge:
    payer = persona(STAFF, "sun_other", "孙", "远", site=other_site)
    fund(payer, 1000)
    charge = wallet_charge(user=payer, merchant=other_canteen, amount_fen=800, order_ref="b-1", method="code").charge
    assert charge is not None
    return charge


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_cashier_gets_404_for_another_sites_charge_over_the_api(liu_cashier: User, other_charge: Charge) -> None:
    response = logged_in(liu_cashier).post(
        f"/api/canteen/charges/{other_charge.pk}/refunds/", {"amount_fen": 100, "reason": "x"}, content_type="application/json"
    )
    assert response.status_code == 404
    other_charge.refresh_from_db()
    assert other_charge.refunded_fen == 0


def test_a_cashier_gets_404_for_another_sites_charge_on_the_ops_page(liu_cashier: User, other_charge: Charge) -> None:
    response = logged_in(liu_cashier).post(f"/canteen/ops/charges/{other_charge.pk}/refund/", {"amount": "1", "reason": "x"})
    assert response.status_code == 404
    other_charge.refresh_from_db()
    assert other_charge.refunded_fen == 0


def test_a_receipt_of_another_site_is_404_even_for_a_reports_viewer(liu_cashier: User, other_charge: Charge) -> None:
    assert logged_in(liu_cashier).get(f"/canteen/receipts/{other_charge.pk}/").status_code == 404


def test_the_pos_api_does_not_fall_back_to_another_sites_merchant(
    liu_cashier: User, li_ming: User, other_canteen: Merchant
) -> None:
    from security.services.credentials import credential_issue

    fund(li_ming, 1000)
    card = credential_issue(user=li_ming, kind="card", code="0A1B2C3D", actor="test").code
    response = logged_in(liu_cashier).post(
        "/api/canteen/charges/",
        {"merchant": "canteen", "amount_fen": 100, "card": card},
        content_type="application/json",
        headers={"Idempotency-Key": "cross-1"},
    )
    assert response.status_code == 404
    assert not Charge.objects.exists()


def test_a_pickup_at_another_sites_window_is_404(liu_cashier: User, other_site: Site) -> None:
    window = Merchant.objects.create(site=other_site, code="takeaway", name="外卖", kind=MerchantKind.TAKEAWAY)
    response = logged_in(liu_cashier).post("/canteen/ops/pickup/", {"merchant": window.pk, "code": "123456"})
    assert response.status_code == 404
    assert not TakeawayOrder.objects.exists()


def test_the_selectors_see_only_the_callers_site(
    site: Site, li_ming: User, liu_cashier: User, canteen: Merchant, other_charge: Charge, other_canteen: Merchant
) -> None:
    fund(li_ming, 1000)
    mine = wallet_charge(user=li_ming, merchant=canteen, amount_fen=100, order_ref="a-1", method="code").charge
    assert mine is not None
    assert selectors.charge_for_user(user=li_ming, charge_id=mine.pk) == mine  # the payer's own receipt
    assert selectors.charge_for_user(user=li_ming, charge_id=other_charge.pk) is None
    assert selectors.charge_for_cashier(user=liu_cashier, charge_id=mine.pk) == mine
    assert selectors.charge_for_cashier(user=liu_cashier, charge_id=other_charge.pk) is None
    assert selectors.charge_for_cashier(user=li_ming, charge_id=mine.pk) is None  # a payer is no cashier
    assert selectors.merchant_for_user(user=liu_cashier, code="canteen") == canteen
    assert selectors.merchant_for_user(user=liu_cashier, merchant_id=other_canteen.pk) is None
    homeless = persona(CASHIER, "no_site", "无", "址", site=None)
    assert selectors.merchant_for_user(user=homeless, code="canteen") is None
    assert selectors.charge_for_cashier(user=homeless, charge_id=mine.pk) is None
