"""Real concurrency on PostgreSQL: threads and a killed process against real row locks."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.db import connection, connections

from canteen import ledger
from canteen.models import Charge, Merchant, Transaction
from canteen.services.charges import ChargeResult, charge_refund, wallet_charge
from canteen.services.wallet import wallet_topup_credit
from portal.models import User
from tests.canteen.conftest import fund, postgres_only
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), postgres_only]


def in_threads(n: int, fn: Callable[[int], object]) -> list[object]:
    barrier = threading.Barrier(n)

    def run(i: int) -> object:
        try:
            barrier.wait()
            return fn(i)
        finally:
            connections.close_all()  # each thread has its own connection

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(run, range(n)))


def test_fifty_concurrent_submissions_of_one_order_ref_charge_once(li_ming, canteen: Merchant) -> None:
    fund(li_ming, 10_000)
    results = in_threads(
        50, lambda i: wallet_charge(user=li_ming, merchant=canteen, amount_fen=1200, order_ref="lunch-1", method="face")
    )
    assert all(isinstance(r, ChargeResult) and r.status == "paid" for r in results)
    assert sum(1 for r in results if isinstance(r, ChargeResult) and not r.replay) == 1
    assert Charge.objects.filter(order_ref="lunch-1").count() == 1
    assert ledger.account_balance(ledger.user_accounts(li_ming).cash) == 8800
    assert ledger.ledger_check()["ok"]


def test_random_concurrent_charges_refunds_and_topups_keep_the_total(site, canteen: Merchant, supermarket: Merchant) -> None:
    """The Jepsen bank check: money is only moved, never made or lost, and no wallet dips below 0."""
    users: list[User] = [UserFactory(site=site) for _ in range(4)]  # type: ignore[misc]
    for user in users:
        fund(user, 3000)
    merchants = [canteen, supermarket]

    def worker(i: int) -> None:
        rng = random.Random(i)
        for step in range(25):
            user = rng.choice(users)
            op = rng.random()
            if op < 0.6:
                wallet_charge(
                    user=user,
                    merchant=rng.choice(merchants),
                    amount_fen=rng.randint(1, 900),
                    order_ref=f"w{i}-{step}",
                    method="code",
                )
            elif op < 0.85:
                charge = Charge.objects.filter(refunded_fen=0).order_by("?").first()
                if charge is not None:
                    try:
                        charge_refund(charge=charge, amount_fen=rng.randint(1, charge.amount_fen), reason="test", actor=None)
                    except Exception as exc:  # exceeding what is left is the expected refusal
                        assert "exceeds_paid" in str(exc)
            else:
                wallet_topup_credit(user=user, amount_fen=rng.randint(1, 500), source_key=f"t{i}-{step}", description="top")

    in_threads(8, worker)
    report = ledger.ledger_check()
    assert report["ok"], report
    assert report["entries_total_fen"] == 0
    for charge in Charge.objects.all():
        assert charge.refunded_fen <= charge.amount_fen
        assert charge.amount_fen == charge.subsidy_fen + charge.cash_fen
    assert Transaction.objects.count() > 50


KILLED_CHILD = """
import sys, time, django
django.setup()
from django.db import transaction
from canteen.models import Merchant
from portal.models import User
from canteen.services.charges import wallet_charge_in_transaction
with transaction.atomic():
    result = wallet_charge_in_transaction(
        user=User.objects.get(username="li_ming"), merchant=Merchant.objects.get(pk=int(sys.argv[1])),
        amount_fen=700, order_ref="killed-1", method="face")
    print(result.status, flush=True)
    time.sleep(60)  # killed here: inside the transaction, after the ledger wrote its rows
"""


def test_a_process_killed_mid_payment_leaves_no_partial_transaction(li_ming, canteen: Merchant) -> None:
    fund(li_ming, 1000)
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
    }
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED_CHILD, str(canteen.pk)], env=env, stdout=subprocess.PIPE, cwd=settings.BASE_DIR
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == b"paid"  # it charged, uncommitted
    child.send_signal(signal.SIGKILL)
    child.wait(10)
    assert not Transaction.objects.filter(idempotency_key__endswith=":killed-1").exists()
    assert not Charge.objects.filter(order_ref="killed-1").exists()
    assert ledger.account_balance(ledger.user_accounts(li_ming).cash) == 1000
    # The row locks died with the connection: the same order is payable now, exactly once.
    result = wallet_charge(user=li_ming, merchant=canteen, amount_fen=700, order_ref="killed-1", method="face")
    assert result.status == "paid" and not result.replay and result.balance_fen == 300
    assert ledger.ledger_check()["ok"]
