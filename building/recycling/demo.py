"""Demo data: a recycling station with compartments, the rate table, a points shop, a few drops."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction

from building.recycling.categories import CATEGORIES, DEFAULT_RATES
from building.recycling.models import Good, Rate, RecyclingBin
from building.recycling.services.drops import DropInput, drop_record
from core.registry import DemoContext
from devices.models import Device
from devices.services import device_create
from portal.models import User
from security.models import Credential
from security.services.credentials import credential_issue, credential_user_for_code

BIN_ID = "recycle-1"
GOODS = [("环保购物袋", 30, 100), ("抽纸 3 包", 80, 50), ("洗洁精 1.5kg", 150, 30), ("保温杯", 600, 10)]
# (person, hours ago, category, grams): a month of sorting, one heavy drop waiting for review.
DROPS = [
    ("staff", 2, "paper", 3200),
    ("staff", 26, "plastic", 800),
    ("staff", 50, "kitchen", 1500),
    ("staff2", 3, "metal", 1200),
    ("staff2", 30, "glass", 2500),
    ("staff2", 75, "other", 900),
    ("manager", 5, "textile", 2000),
    ("manager", 8, "paper", 25_000),
]


def _card(user: Any) -> str:
    code = f"DE{user.pk:08X}"  # a card UID: 10 hex digits (EM4100 size)
    if credential_user_for_code(kind=Credential.Kind.CARD, code=code).credential is None:
        credential_issue(user=user, kind=Credential.Kind.CARD, code=code, actor="seed_demo")
    return code


def _drops_record(device_pk: int, user_pks: dict[str, int], now: Any) -> None:
    """The demo drops, by card, as the bin would send them (once per event id)."""
    device = Device.objects.get(pk=device_pk)
    users = {u.pk: u for u in User.objects.filter(pk__in=user_pks.values())}
    for i, (username, hours, category, grams) in enumerate(DROPS):
        user = users.get(user_pks.get(username, 0))
        if user is None:
            continue
        code = _card(user)
        entry = DropInput(
            event_id=f"demo-{i}", method="card", category=category, weight_g=grams, at=now - timedelta(hours=hours), code=code
        )
        drop_record(device=device, drop=entry, received_at=now)


def demo_ensure(ctx: DemoContext) -> dict[str, Any]:
    site = ctx.site
    # The demo bin holds the demo drops; its password is not printed (seed_demo's output is the
    # same every run): a bin to play with over MQTT is added with `device_add --kind recycling_bin`.
    device = Device.objects.filter(site=site, device_id=BIN_ID).first()
    if device is None:
        device = device_create(
            site=site, kind="recycling_bin", device_id=BIN_ID, name="1号楼分类回收站", actor="seed_demo"
        ).device
    RecyclingBin.objects.get_or_create(device=device, defaults={"site": site, "categories": list(CATEGORIES)})
    for category in CATEGORIES:
        Rate.objects.get_or_create(site=site, category=category, defaults={"points_per_kg": DEFAULT_RATES[category]})
    for name, points, stock in GOODS:
        Good.objects.get_or_create(site=site, name=name, defaults={"points": points, "stock": stock})
    # Issuing a card is a top-level (durable) service, so the cards and the drops are recorded
    # once seed_demo's own transaction has committed.
    user_pks = {name: u.pk for name, u in ctx.users.items()}
    device_pk, now = device.pk, ctx.now
    transaction.on_commit(lambda: _drops_record(device_pk, user_pks, now))
    return {"recycling_bin": BIN_ID}
