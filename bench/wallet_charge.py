"""Wallet charge benchmark: the charge service into one hot merchant, beside raw SQL, in one run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/so_canteen .venv/bin/python bench/wallet_charge.py \
        [--workers 8] [--charges 4000] [--users 200]

N worker processes (each its own database connection) pay M charges in total, each a random
payer of U funded staff into ONE merchant, through canteen.services.charges.wallet_charge
(subsidy-then-cash split, row locks in pk order, idempotency check, balanced entries, the
Charge row). The same load then runs as the baseline: raw SQL, per payment one guarded
UPDATE of the payer's balance + INSERT of the transaction + INSERT of its two entries, in one
transaction each. It prints charges/s and p50/p95 latency of both and the ratio, then runs
the ledger check. Never asserts a time.

Database: DJANGO_SETTINGS_MODULE=config.settings.test, so a fresh test_<name> database from
DATABASE_URL is created and dropped (SQLite otherwise, which serialises writers: not the point).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: make the project importable
from bench.common import setup_django  # noqa: E402


def service_worker(args: tuple[int, int, list[int], int, str]) -> list[float]:
    index, count, user_ids, merchant_id, run = args
    from django.db import connection

    from canteen.models import Merchant
    from canteen.services.charges import wallet_charge
    from portal.models import User

    connection.close()  # never share the parent's socket
    rng = random.Random(index)
    merchant = Merchant.objects.get(pk=merchant_id)
    users = {u.pk: u for u in User.objects.filter(pk__in=user_ids)}
    latencies = []
    for i in range(count):
        user = users[rng.choice(user_ids)]
        t0 = time.perf_counter()
        result = wallet_charge(
            user=user, merchant=merchant, amount_fen=rng.randint(100, 1500), order_ref=f"{run}-{index}-{i}", method="code"
        )
        latencies.append(time.perf_counter() - t0)
        assert result.paid, result
    connection.close()
    return latencies


def raw_worker(args: tuple[int, int, list[int], int, str]) -> list[float]:
    """The floor: what one payment costs in SQL with nothing around it."""
    index, count, account_ids, merchant_account_id, run = args
    from django.db import connection, transaction
    from django.utils import timezone

    connection.close()
    rng = random.Random(index)
    latencies = []
    with connection.cursor() as cur:
        for i in range(count):
            account, amount = rng.choice(account_ids), rng.randint(100, 1500)
            t0 = time.perf_counter()
            with transaction.atomic():
                cur.execute(
                    "UPDATE canteen_account SET balance_fen = balance_fen - %s WHERE id = %s AND balance_fen >= %s",
                    [amount, account, amount],
                )
                assert cur.rowcount == 1
                cur.execute(
                    "INSERT INTO canteen_transaction (kind, idempotency_key, description, data, created_at) "
                    "VALUES ('charge', %s, '', '{}', %s) RETURNING id",
                    [f"raw:{run}-{index}-{i}", timezone.now()],
                )
                txn_id = cur.fetchone()[0]
                cur.execute(
                    "INSERT INTO canteen_entry (transaction_id, account_id, amount_fen) VALUES (%s, %s, %s), (%s, %s, %s)",
                    [txn_id, account, -amount, txn_id, merchant_account_id, amount],
                )
            latencies.append(time.perf_counter() - t0)
    connection.close()
    return latencies


def phase(name: str, fn, jobs: list, total: int) -> tuple[float, float, float]:
    ctx = mp.get_context("fork")
    t0 = time.perf_counter()
    with ctx.Pool(len(jobs)) as pool:
        results = pool.map(fn, jobs)
    elapsed = time.perf_counter() - t0
    lat = sorted(x for r in results for x in r)
    rate = total / elapsed
    p50 = statistics.median(lat) * 1000
    p95 = lat[int(len(lat) * 0.95) - 1] * 1000
    print(f"{name:<28} {rate:8.0f} charges/s   p50 {p50:6.2f} ms   p95 {p95:6.2f} ms   ({total} in {elapsed:.2f} s)")
    return rate, p50, p95


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workers", type=int, default=8)
    ap.add_argument("--charges", type=int, default=4000)
    ap.add_argument("--users", type=int, default=200)
    args = ap.parse_args(argv)
    setup_django("wallet")
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    from building.models import Site
    from canteen import ledger
    from canteen.models import Merchant, MerchantKind
    from canteen.services.wallet import wallet_adjust
    from portal.models import User

    old = setup_databases(verbosity=0, interactive=False, serialized_aliases=set())
    try:
        site = Site.objects.create(code=f"b{uuid.uuid4().hex[:8]}", name="bench")
        merchant = Merchant.objects.create(site=site, code="hot", name="一食堂", kind=MerchantKind.CANTEEN)
        users = [User.objects.create(username=f"bench{i}", site=site) for i in range(args.users)]
        budget = 1500 * args.charges  # nobody runs dry: both phases must only pay
        for user in users:
            wallet_adjust(user=user, amount_fen=budget, reason="bench funding", actor="bench")
        user_ids = [u.pk for u in users]
        cash_ids = [ledger.user_accounts(u).cash.pk for u in users]
        merchant_account = ledger.merchant_account(merchant).pk
        per = [args.charges // args.workers + (1 if i < args.charges % args.workers else 0) for i in range(args.workers)]
        connection.close()
        print(f"database: {connection.vendor} · {args.workers} worker processes · {args.charges} charges · {args.users} payers")
        run = uuid.uuid4().hex[:6]
        raw = phase(
            "baseline: raw SQL", raw_worker, [(i, n, cash_ids, merchant_account, run) for i, n in enumerate(per)], args.charges
        )
        svc = phase(
            "wallet_charge service", service_worker, [(i, n, user_ids, merchant.pk, run) for i, n in enumerate(per)], args.charges
        )
        print(f"ratio service/baseline: {svc[0] / raw[0]:.2f} (throughput), p95 {svc[2] / raw[2]:.2f}x")
        report = ledger.ledger_check()
        # The raw phase writes no Charge rows but balanced entries; the cached balances still match.
        print(f"ledger_check ok={report['ok']} transactions={report['transactions']} total={report['entries_total_fen']}")
        return 0 if report["ok"] else 1
    finally:
        connection.close()
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    sys.exit(main())
