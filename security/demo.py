"""Demo data of access control: the main zone, its gates, staff cards and a few days of passages."""

from __future__ import annotations

import zlib
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from building.models import Site, Space
from core.registry import DemoContext
from devices.services import device_demo_ensure
from security.models import AccessLog, Credential, Gate
from security.services import access_zone_ensure
from security.services.access import access_decide
from security.services.credentials import code_hash, credential_issue, legacy_code_hash

GATES = [
    ("gate-lobby-1", "主楼大厅闸机1", "lobby"),
    ("gate-lobby-2", "主楼大厅闸机2", "lobby"),
    ("gate-canteen", "食堂门禁", "canteen"),
]
HISTORY_DAYS = 3


def demo_card(employee_no: str) -> str:
    """The card UID the demo gives each employee (manage.py simulate swipes them): 8 hex digits, as a reader sends."""
    return format(zlib.crc32(f"demo-card:{employee_no}".encode()), "08X")


def demo_ensure(ctx: DemoContext) -> dict[str, object]:
    site = ctx.site
    zone = access_zone_ensure(site=site, code="main", name="主楼", open_to_all_staff=True)
    gates = []
    for device_id, name, space_code in GATES:
        space = Space.objects.filter(site=site, code=space_code).first()
        gate = device_demo_ensure(site=site, kind="gate", device_id=device_id, name=name, space=space)
        Gate.objects.get_or_create(device=gate, defaults={"zone": zone})
        gates.append(gate)
    people = [u for u in ctx.users.values() if u.employee_no]
    # Cards and history go through the real (durable) services, so after seed_demo's transaction.
    transaction.on_commit(lambda: ctx.out.update(_cards_and_history(site, gates, people, now=ctx.now)))
    return {"zone": zone.code, "gates": len(gates)}


def _cards_and_history(site: Site, gates: list, people: list, *, now: datetime) -> dict[str, object]:
    for user in people:
        card = demo_card(user.employee_no)
        # a card of a database seeded before the keyed hash is still stored with the plain one
        if not Credential.objects.filter(code_sha256__in=(code_hash(card), legacy_code_hash(card))).exists():
            credential_issue(user=user, kind=Credential.Kind.CARD, code=card, actor="seed")
    if not AccessLog.objects.filter(site=site).exists():  # history once, on the first start
        _history(gates, [demo_card(u.employee_no) for u in people], now=now)
    return {"access_records": AccessLog.objects.filter(site=site).count()}


def _history(gates: list, cards: list[str], *, now: datetime) -> None:
    """Arrivals around 08:30 and departures around 17:40 for the past days, a stranger's card now and then."""
    today = timezone.localdate(now)
    zone = timezone.get_current_timezone()
    lobby = gates[0]
    # Offsets by timedelta, wrapped: any number of demo people gets a plausible time.
    for back in range(HISTORY_DAYS, 0, -1):
        day = today - timedelta(days=back)
        for n, card in enumerate(cards):
            arrive = datetime.combine(day, time(8, 10), tzinfo=zone) + timedelta(minutes=4 * n % 50)
            access_decide(device=gates[n % 2], method="card", code=card, direction="in", at=arrive)
            lunch = datetime.combine(day, time(11, 50), tzinfo=zone) + timedelta(minutes=n % 40)
            access_decide(device=gates[2], method="card", code=card, direction="in", at=lunch)
            leave = datetime.combine(day, time(17, 35), tzinfo=zone) + timedelta(minutes=3 * n % 60)
            access_decide(device=gates[n % 2], method="card", code=card, direction="out", at=leave)
        stranger = datetime.combine(day, time(9, 17), tzinfo=zone)
        access_decide(device=lobby, method="card", code=f"0BADCAD{back}", direction="in", at=stranger)  # nobody's card
