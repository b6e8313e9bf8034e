"""Recycling bins end to end: SimDevice -> real broker -> bridge -> dispatch -> drop -> `points` cmd."""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from building.models import Site
from building.recycling import identify
from building.recycling.models import Drop, Rate
from building.recycling.panels import bins_section
from building.recycling.services.drops import ReviewError, drop_review
from canteen.ledger import ledger_check
from canteen.models import Transaction
from canteen.selectors import wallet_balances
from devices.simulator import SimDevice
from portal.models import User
from security.faces.api import face_analyse
from security.monitoring.models import Alarm
from security.services.credentials import credential_issue
from security.services.faces import face_consent_give, face_consent_withdraw, face_enrol
from tests.building.recycling.conftest import drop
from tests.security.faces_helpers import ENROL_A, GATE_A, GATE_STRANGER, photo

pytestmark = pytest.mark.django_db(transaction=True)
CARD = {"card": "04A1B2C3D4"}


def points(user: User) -> int:
    return wallet_balances(user).points


@pytest.fixture
def card_li(li_ming: User) -> dict[str, str]:
    credential_issue(user=li_ming, kind="card", code=CARD["card"], actor="operator")
    return CARD


def test_drops_by_face_card_and_qr_credit_the_right_person(
    bridge: object,
    connect_device: Callable[..., SimDevice],
    site: Site,
    li_ming: User,
    zhang_li: User,
    wang_manager: User,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    in_transaction: list[bool] = []

    def watched(**kwargs: Any) -> Any:  # recognition must run before the message's transaction
        in_transaction.append(connection.in_atomic_block)
        return face_analyse(**kwargs)

    monkeypatch.setattr(identify, "face_analyse", watched)
    face_consent_give(user=li_ming)
    face_enrol(user=li_ming, image=photo(ENROL_A), actor=li_ming)
    credential_issue(user=zhang_li, kind="card", code="0A0B0C0D0E", actor="operator")
    qr = credential_issue(user=wang_manager, kind="qr", actor="operator").code
    Rate.objects.create(site=site, category="paper", points_per_kg=10)
    bin_ = connect_device(site, "recycling_bin")

    face = base64.b64encode(photo(GATE_A)).decode()
    cmd = drop(bin_, {"face": face}, "paper", 2500, timeout=30)
    assert cmd["type"] == "points" and cmd["data"] == {"awarded": 25, "total": 25, "reason": "ok"}
    assert drop(bin_, {"card": "0A0B0C0D0E"}, "metal", 1000)["data"] == {"awarded": 20, "total": 20, "reason": "ok"}
    assert drop(bin_, {"qr": qr}, "glass", 2000)["data"] == {"awarded": 10, "total": 10, "reason": "ok"}
    assert (points(li_ming), points(zhang_li), points(wang_manager)) == (25, 20, 10)
    assert Drop.objects.get(user=li_ming).method == "face" and Drop.objects.get(user=wang_manager).method == "qr"

    stranger = drop(bin_, {"face": base64.b64encode(photo(GATE_STRANGER)).decode()}, "paper", 1000, timeout=30)
    assert stranger["data"] == {"awarded": 0, "total": 0, "reason": "unknown_face"}
    assert drop(bin_, {"card": "FFFFFFFF00"}, "paper", 1000)["data"]["reason"] == "unknown_card"
    # Consent withdrawn: the face is not identified any more; the card path remains.
    face_consent_withdraw(user=li_ming, actor=li_ming)
    assert drop(bin_, {"face": face}, "paper", 1000, timeout=30)["data"]["awarded"] == 0
    assert points(li_ming) == 25 and ledger_check()["ok"]
    assert in_transaction == [False, False, False]  # the bridge's prepare step, three face drops


def test_the_same_event_five_times_credits_once(
    bridge: object, connect_device: Callable[..., SimDevice], site: Site, li_ming: User, card_li: dict[str, str]
) -> None:
    bin_ = connect_device(site, "recycling_bin")
    answers = [drop(bin_, card_li, "plastic", 1500, msg_id="bin-evt-1") for _ in range(5)]
    assert all(a["data"] == {"awarded": 30, "total": 30, "reason": "ok"} for a in answers)
    assert points(li_ming) == 30
    assert Drop.objects.count() == 1 and Transaction.objects.filter(kind="recycling_award").count() == 1


def test_bad_category_and_negative_weight_get_error(
    bridge: object, connect_device: Callable[..., SimDevice], site: Site, li_ming: User, card_li: dict[str, str]
) -> None:
    bin_ = connect_device(site, "recycling_bin")
    unknown = drop(bin_, card_li, "electronics", 1000)
    assert unknown["type"] == "error" and "data.category" in unknown["data"]["reason"]
    negative = drop(bin_, card_li, "paper", -5)
    assert negative["type"] == "error" and "data.weight_g" in negative["data"]["reason"]
    two_ways = drop(bin_, {"card": "x", "qr": "y"}, "paper", 100)
    assert two_ways["type"] == "error" and "data.user" in two_ways["data"]["reason"]
    assert Drop.objects.count() == 0 and points(li_ming) == 0


def test_light_drops_award_nothing_and_heavy_ones_wait_for_review(
    bridge: object,
    connect_device: Callable[..., SimDevice],
    site: Site,
    li_ming: User,
    wang_manager: User,
    card_li: dict[str, str],
) -> None:
    bin_ = connect_device(site, "recycling_bin")
    assert drop(bin_, card_li, "paper", 5)["data"] == {"awarded": 0, "total": 0, "reason": "too_light"}
    assert Drop.objects.get(weight_g=5).status == Drop.Status.TOO_LIGHT
    held = drop(bin_, card_li, "paper", 30_000)
    assert held["data"] == {"awarded": 0, "total": 0, "reason": "held_for_review"}
    unsure = drop(bin_, card_li, "paper", 1000, confidence=0.3)
    assert unsure["data"]["reason"] == "held_for_review"
    heavy, doubtful = Drop.objects.get(weight_g=30_000), Drop.objects.get(confidence=0.3)
    assert heavy.status == doubtful.status == Drop.Status.HELD and points(li_ming) == 0

    approved = drop_review(drop_id=heavy.pk, actor=wang_manager, approve=True, note="one big box of files")
    assert approved.status == Drop.Status.AWARDED and approved.points == 200  # 30 kg x 10/kg, capped at 200 a day
    with pytest.raises(ReviewError):
        drop_review(drop_id=heavy.pk, actor=wang_manager, approve=True)  # approve credits once
    rejected = drop_review(drop_id=doubtful.pk, actor=wang_manager, approve=False)
    assert rejected.status == Drop.Status.REJECTED and rejected.points == 0
    assert points(li_ming) == 200 and Transaction.objects.filter(kind="recycling_award").count() == 1


def test_daily_cap_and_an_offline_buffer_replayed_at_the_bins_timestamps(
    bridge: object, connect_device: Callable[..., SimDevice], site: Site, li_ming: User, card_li: dict[str, str]
) -> None:
    bin_ = connect_device(site, "recycling_bin")
    # All of "today" on one local day even when the test runs across midnight (Asia/Shanghai):
    # one minute past today's midnight is never further ahead than the bin clock skew allowed.
    today = timezone.make_aware(datetime.combine(timezone.localdate(), time(0, 1)))
    yesterday = today - timedelta(days=1)
    # Today: 3 x 8 kg of paper = 3 x 80 points, the cap (200) cuts the third to 40.
    assert [drop(bin_, card_li, "paper", 8000, ts=today)["data"]["awarded"] for _ in range(3)] == [80, 80, 40]
    capped = drop(bin_, card_li, "paper", 8000, ts=today)
    assert capped["data"] == {"awarded": 0, "total": 200, "reason": "daily_cap"}
    # Yesterday's buffer, replayed now (twice): yesterday's own cap, once, at yesterday's time.
    for _ in range(2):
        answers = [
            drop(bin_, card_li, "paper", 1000, msg_id=f"buffered-{i}", ts=yesterday + timedelta(minutes=i)) for i in range(3)
        ]
    assert [a["data"]["awarded"] for a in answers] == [10, 10, 10]
    assert points(li_ming) == 230
    replayed = Transaction.objects.get(idempotency_key__endswith=":buffered-1")
    assert abs((replayed.created_at - (yesterday + timedelta(minutes=1))).total_seconds()) < 1
    assert Drop.objects.filter(event_id__startswith="buffered-").count() == 3 and ledger_check()["ok"]


def test_fill_level_raises_full_and_emptying_closes_it(
    bridge: object, connect_device: Callable[..., SimDevice], site: Site
) -> None:
    bin_ = connect_device(site, "recycling_bin")
    bin_.send("fill", {"percent": 95.5}, channel="telemetry")
    ping = bin_.request("ping")  # the bridge handles a device's messages in order
    assert ping["type"] == "pong"
    alarm = Alarm.objects.get(site=site, source="recycling_full")
    assert alarm.is_open and alarm.data["percent"] == 95.5
    assert any("96%" in line for line in bins_section(site, timezone.now()))  # the panel's bins section
    bin_.send("fill", {"percent": 5}, channel="telemetry")
    bin_.request("ping")
    alarm.refresh_from_db()
    assert not alarm.is_open
    bad = bin_.wait_command(re=bin_.send("fill", {"percent": 150}, channel="telemetry"))  # validated: `error`
    assert bad["type"] == "error" and "data.percent" in bad["data"]["reason"]


def test_done_when_a_face_drop_is_credited_once_spent_at_the_supermarket_and_counted_for_the_department(
    bridge: object, connect_device: Callable[..., SimDevice], site: Site, li_ming: User, liu_cashier: User, wang_manager: User
) -> None:
    from django.test import Client

    from canteen.models import Merchant, MerchantKind, Product
    from canteen.services.paycode import paycode_issue
    from canteen.services.wallet import wallet_adjust
    from tests.factories import DepartmentFactory

    li_ming.department = DepartmentFactory(site=site, name="办公室")  # type: ignore[assignment]
    li_ming.save()
    face_consent_give(user=li_ming)
    face_enrol(user=li_ming, image=photo(ENROL_A), actor=li_ming)
    wallet_adjust(user=li_ming, amount_fen=1000, reason="test funding", actor="test")
    market = Merchant.objects.create(site=site, code="market", name="机关超市", kind=MerchantKind.SUPERMARKET)
    Product.objects.create(merchant=market, barcode="690002", name="全麦面包", price_fen=650, stock=5)
    bin_ = connect_device(site, "recycling_bin")

    face = {"face": base64.b64encode(photo(GATE_A)).decode()}
    answers = [drop(bin_, face, "paper", 10_000, msg_id="paper-by-face", timeout=30) for _ in range(2)]
    assert [a["data"] for a in answers] == [{"awarded": 100, "total": 100, "reason": "ok"}] * 2

    cashier = Client()
    cashier.force_login(liu_cashier)
    body = {"merchant": "market", "code": paycode_issue(user=li_ming).code, "lines": [{"barcode": "690002", "qty": 1}]}
    paid = cashier.post(
        "/api/recycling/checkout/", {**body, "order_ref": "pos-1", "points": 100}, content_type="application/json"
    )
    assert paid.status_code == 201 and paid.json()["points_fen"] == 100 and paid.json()["wallet_fen"] == 550
    assert wallet_balances(li_ming).points == 0 and wallet_balances(li_ming).cash_fen == 450

    manager = Client()
    manager.force_login(wang_manager)
    report = manager.get("/recycling/report/").content.decode()
    assert 'data-department="办公室"' in report and 'data-rate="100.0"' in report
