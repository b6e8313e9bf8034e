"""POS terminals end to end: SimDevice -> broker -> bridge -> dispatch -> charge -> `payment` cmd."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable
from typing import Any

import jsonschema
import pytest

from building.models import Site
from canteen.models import Charge, Merchant
from canteen.selectors import wallet_balances
from canteen.services.paycode import paycode_issue
from devices.schemas import schemas
from devices.simulator import SimDevice
from portal.models import User
from security.services.faces import face_consent_give, face_enrol
from tests.canteen.conftest import fund
from tests.security.faces_helpers import ENROL_A, GATE_A, GATE_STRANGER, photo

pytestmark = pytest.mark.django_db(transaction=True)


def pay(pos: SimDevice, type_: str, data: dict[str, Any], timeout: float = 10) -> dict[str, Any]:
    event_id = pos.send(type_, data)
    cmd = pos.wait_command(re=event_id, timeout=timeout)
    assert cmd["type"] in ("payment", "error"), cmd
    if cmd["type"] == "payment":
        jsonschema.validate(cmd, schemas()["cmd payment"])
    return cmd


def test_code_pay_charges_once_per_order_ref_and_conflicts_on_another_amount(
    bridge: object, connect_device: Callable[..., SimDevice], site: Site, li_ming: User, canteen: Merchant
) -> None:
    fund(li_ming, 2000)
    pos = connect_device(site, "pos")
    data = {"code": paycode_issue(user=li_ming).code, "amount_fen": 1500, "merchant": "canteen", "order_ref": "o-1"}
    first = pay(pos, "code_pay", data)
    assert first["data"] == {"status": "paid", "balance_fen": 500, "reason": ""}
    retry = pay(pos, "code_pay", data)  # a new event id, the same order: answered, not charged
    assert retry["data"] == first["data"]
    conflict = pay(pos, "code_pay", {**data, "amount_fen": 1600})
    assert conflict["data"]["status"] == "declined" and conflict["data"]["reason"] == "conflict"
    assert Charge.objects.filter(order_ref="o-1").count() == 1 and wallet_balances(li_ming).cash_fen == 500


def test_code_pay_declines_readably_and_bad_data_gets_an_error(
    bridge: object, connect_device: Callable[..., SimDevice], site: Site, li_ming: User, canteen: Merchant
) -> None:
    pos = connect_device(site, "pos")
    code = paycode_issue(user=li_ming).code
    poor = pay(pos, "code_pay", {"code": code, "amount_fen": 100, "merchant": "canteen", "order_ref": "o-2"})
    assert poor["data"] == {"status": "declined", "balance_fen": 0, "reason": "insufficient_funds"}
    forged = pay(pos, "code_pay", {"code": code[:-2] + "zz", "amount_fen": 100, "merchant": "canteen", "order_ref": "o-3"})
    assert forged["data"]["reason"] == "bad_code"
    bad = pay(pos, "code_pay", {"code": code, "amount_fen": "1.5", "merchant": "canteen", "order_ref": "o-4"})
    assert bad["type"] == "error" and "bad_data" in bad["data"]["reason"]


def test_face_pay_with_real_photos(
    bridge: object, connect_device: Callable[..., SimDevice], site: Site, li_ming: User, canteen: Merchant
) -> None:
    face_consent_give(user=li_ming)
    face_enrol(user=li_ming, image=photo(ENROL_A), actor=li_ming)
    fund(li_ming, 3000)
    pos = connect_device(site, "pos")

    def face(name: str, ref: str) -> dict[str, Any]:
        image = base64.b64encode(photo(name)).decode()
        return pay(pos, "face_pay", {"image": image, "amount_fen": 1200, "merchant": "canteen", "order_ref": ref}, timeout=30)

    assert face(GATE_A, "lunch-a")["data"] == {"status": "paid", "balance_fen": 1800, "reason": ""}
    stranger = face(GATE_STRANGER, f"lunch-{uuid.uuid4().hex[:6]}")
    assert stranger["data"]["status"] == "declined" and stranger["data"]["reason"] == "unknown_face"
    assert Charge.objects.get(order_ref="lunch-a").user == li_ming
    # The recognition ran before the bridge's transaction (no row lock held during ~100 ms of CPU).
    from canteen.handlers import prepare_face_pay
    from devices.registry import route_for

    route = route_for(channel="event", kind="pos", msg_type="face_pay")
    assert route is not None and route.prepare is prepare_face_pay


def test_takeaway_pickup_by_face_at_the_window(site: Site, li_ming: User, liu_cashier: User, takeaway: Merchant) -> None:
    from datetime import timedelta

    from django.test import Client
    from django.utils import timezone

    from canteen.models import Dish, TakeawayOrder
    from canteen.services.shop import takeaway_order_place
    from tests.security.faces_helpers import HOPPER

    face_consent_give(user=li_ming)
    face_enrol(user=li_ming, image=photo(ENROL_A), actor=li_ming)
    fund(li_ming, 5000)
    dish = Dish.objects.create(merchant=takeaway, name="盒饭", price_fen=2000)
    order = takeaway_order_place(
        user=li_ming, merchant=takeaway, items=[(dish.pk, 1)], slot_start=timezone.now() + timedelta(hours=1)
    )
    cashier = Client()
    cashier.force_login(liu_cashier)
    from django.core.files.uploadedfile import SimpleUploadedFile

    def show(name: str) -> None:
        upload = SimpleUploadedFile("face.jpg", photo(name), content_type="image/jpeg")
        cashier.post("/canteen/ops/pickup/", {"merchant": takeaway.pk, "photo": upload})

    show(HOPPER)  # a stranger gets nothing
    order.refresh_from_db()
    assert order.status == TakeawayOrder.Status.PAID
    show(GATE_A)
    order.refresh_from_db()
    assert order.status == TakeawayOrder.Status.PICKED_UP
