"""Demo data of the canteen: merchants and menus, POS terminals, funded wallets and a few days of sales."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from building.models import Space
from canteen.models import Charge, Merchant
from canteen.services.charges import charge_refund, wallet_charge
from canteen.services.setup import canteen_demo_ensure
from canteen.services.wallet import subsidy_grant_month, wallet_adjust
from core.registry import DemoContext
from devices.services import device_demo_ensure

POS = [
    ("pos-canteen-1", "食堂收银台1", "canteen"),
    ("pos-canteen-2", "食堂收银台2", "canteen"),
    ("pos-market-1", "超市收银台", "shop"),
]
HISTORY_DAYS = 3
DINERS = ("staff", "staff2", "manager", "guard", "cashier")


def demo_ensure(ctx: DemoContext) -> dict[str, object]:
    site = ctx.site
    out: dict[str, object] = {"canteen": canteen_demo_ensure(site=site)}
    for device_id, name, space_code in POS:
        device_demo_ensure(
            site=site, kind="pos", device_id=device_id, name=name, space=Space.objects.filter(site=site, code=space_code).first()
        )
    out["pos_terminals"] = len(POS)
    # Sales go through the real (durable) money services, so after seed_demo's transaction.
    transaction.on_commit(lambda: ctx.out.update(_sales(ctx)))
    return out


def _sales(ctx: DemoContext) -> dict[str, object]:
    if not Charge.objects.filter(merchant__site=ctx.site, order_ref__startswith="demo-").exists():  # once, on the first start
        _history(ctx)
        subsidy_grant_month(at=ctx.now)  # this month's meal subsidy, as the monthly beat task grants it
    return {"sales": Charge.objects.filter(merchant__site=ctx.site).count()}


def _history(ctx: DemoContext) -> None:
    canteen = Merchant.objects.get(site=ctx.site, code="canteen")
    market = Merchant.objects.get(site=ctx.site, code="market")
    zone = timezone.get_current_timezone()
    today = timezone.localdate(ctx.now)
    diners = [ctx.users[name] for name in DINERS if name in ctx.users]
    first = datetime.combine(today - timedelta(days=HISTORY_DAYS + 1), time(8, 0), tzinfo=zone)
    for user in diners:
        wallet_adjust(user=user, amount_fen=30000, reason="演示：开户充值", actor="seed", at=first)
    lunch = None
    for back in range(HISTORY_DAYS, 0, -1):
        day = today - timedelta(days=back)
        for n, user in enumerate(diners):
            at = datetime.combine(day, time(12, 2 + 3 * n), tzinfo=zone)
            method = "face" if n % 2 else "code"
            paid = wallet_charge(
                user=user, merchant=canteen, amount_fen=1500, order_ref=f"demo-{day}-{user.username}-lunch", method=method, at=at
            )
            lunch = lunch or paid.charge
            if n % 2 == 0:
                shop = datetime.combine(day, time(15, 10 + n), tzinfo=zone)
                wallet_charge(
                    user=user,
                    merchant=market,
                    amount_fen=650 + 200 * n,
                    order_ref=f"demo-{day}-{user.username}-shop",
                    method="code",
                    at=shop,
                )
    cashier = ctx.users.get("cashier")
    if lunch is not None:
        charge_refund(
            charge=lunch, amount_fen=500, reason="少打一份菜", actor=cashier, at=lunch.created_at + timedelta(minutes=20)
        )
