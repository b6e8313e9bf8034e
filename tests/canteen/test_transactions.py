"""Transaction intent is explicit: entry-point services are durable, the nested variants say so
in their name and refuse to run alone, and the ledger's lock helpers need a transaction."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from canteen import ledger
from canteen.models import Charge, Merchant
from canteen.services.charges import charge_refund, wallet_charge, wallet_charge_in_transaction
from canteen.services.shop import supermarket_checkout
from canteen.services.wallet import wallet_adjust
from portal.models import User
from tests.canteen.conftest import fund


@pytest.mark.django_db
def test_an_entry_point_refuses_to_run_inside_someone_elses_transaction(
    li_ming: User, canteen: Merchant, supermarket: Merchant
) -> None:
    fund(li_ming, 500)  # directly inside the test's own transaction: allowed (Django marks it)
    with transaction.atomic(), pytest.raises(RuntimeError, match="durable"):
        wallet_charge(user=li_ming, merchant=canteen, amount_fen=100, order_ref="o-1", method="code")
    paid = wallet_charge(user=li_ming, merchant=canteen, amount_fen=100, order_ref="o-2", method="code")
    assert paid.paid
    with transaction.atomic(), pytest.raises(RuntimeError, match="durable"):
        charge_refund(charge=paid.charge, amount_fen=100, reason="wrong dish", actor=None)  # type: ignore[arg-type]
    with transaction.atomic(), pytest.raises(RuntimeError, match="durable"):
        wallet_adjust(user=li_ming, amount_fen=1, reason="x", actor="test")
    with transaction.atomic(), pytest.raises(RuntimeError, match="durable"):
        supermarket_checkout(merchant=supermarket, user=li_ming, lines=[("690", 1)], order_ref="o-3", method="code")


@pytest.mark.django_db
def test_the_nested_variant_runs_inside_the_callers_transaction_and_a_decline_keeps_it_usable(
    li_ming: User, canteen: Merchant
) -> None:
    fund(li_ming, 100)
    with transaction.atomic():
        declined = wallet_charge_in_transaction(user=li_ming, merchant=canteen, amount_fen=101, order_ref="n-1", method="code")
        assert (declined.status, declined.reason) == ("declined", "insufficient_funds")
        paid = wallet_charge_in_transaction(user=li_ming, merchant=canteen, amount_fen=100, order_ref="n-2", method="code")
        assert paid.paid
    assert Charge.objects.filter(order_ref="n-2").count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_nested_variant_and_the_lock_helpers_refuse_to_run_outside_a_transaction(li_ming: User, canteen: Merchant) -> None:
    cash = ledger.user_accounts(li_ming).cash
    with pytest.raises(RuntimeError, match="transaction"):
        wallet_charge_in_transaction(user=li_ming, merchant=canteen, amount_fen=1, order_ref="x", method="code")
    with pytest.raises(RuntimeError, match="transaction"):
        ledger.accounts_lock([cash])
    with pytest.raises(RuntimeError, match="transaction"):
        ledger.user_accounts_lock(li_ming)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="lock_timeout needs PostgreSQL")
@pytest.mark.django_db
def test_the_lock_helpers_bound_the_wait_for_a_row_lock(li_ming: User) -> None:
    with transaction.atomic():
        ledger.user_accounts_lock(li_ming)
        with connection.cursor() as cursor:
            cursor.execute("SHOW lock_timeout")
            assert cursor.fetchone() == ("5s",)
