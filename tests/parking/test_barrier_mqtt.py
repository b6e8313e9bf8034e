"""Plate cameras end to end: SimDevice -> broker -> bridge -> dispatch -> barrier -> `barrier` cmd."""

from __future__ import annotations

from datetime import timedelta

import jsonschema
import pytest
from django.utils import timezone

from building.models import Site
from building.parking import payments
from building.parking.models import Lot, ParkingSession, Passage, Vehicle
from building.parking.services import vehicle_register
from building.parking.visitors import VisitorBooking
from canteen.models import Transaction
from canteen.selectors import wallet_balances
from core.models import AuditLog
from devices.schemas import schemas
from devices.simulator import SimDevice
from portal.models import User
from tests.canteen.conftest import fund
from tests.helpers import eventually
from tests.parking.conftest import invite, read

pytestmark = pytest.mark.django_db(transaction=True)


def test_unknown_plate_is_held_and_logged(camera: SimDevice, site: Site) -> None:
    answer = read(camera, "京B99999")
    assert answer == {"action": "hold", "fee_fen": 0, "plate": "京B99999", "reason": "unknown"}
    jsonschema.validate(camera.commands[-1], schemas()["cmd barrier"])
    passage = Passage.objects.get(raw="京B99999")
    assert (passage.action, passage.matched, passage.match_reason) == ("hold", "", "unknown")
    assert not ParkingSession.objects.exists()


def test_registered_plate_read_with_an_o_for_a_0_opens(camera: SimDevice, li_ming: User) -> None:
    vehicle_register(user=li_ming, plate="京A10234")
    answer = read(camera, "京a1O234", confidence=0.9)
    assert answer == {"action": "open", "fee_fen": 0, "plate": "京A10234", "reason": "staff"}
    passage = Passage.objects.get()
    assert (passage.raw, passage.normalised, passage.matched, passage.match_reason) == (
        "京a1O234",
        "京A1O234",
        "京A10234",
        "lookalike",
    )
    session = ParkingSession.objects.get()
    assert (session.plate, session.kind, session.state, session.payer) == ("京A10234", "staff", "open", li_ming)
    out = read(camera, "京A10234", "out")
    assert out["action"] == "open" and out["fee_fen"] == 0
    session.refresh_from_db()
    assert session.state == "closed" and session.exited_at is not None


def test_a_plate_one_character_away_is_held(camera: SimDevice, li_ming: User) -> None:
    vehicle_register(user=li_ming, plate="京AD12345")
    assert read(camera, "京AD12346", confidence=0.99)["action"] == "hold"
    assert read(camera, "京AD12345", confidence=0.99)["action"] == "open"  # the test can tell them apart


def test_new_energy_plate_with_a_separator_opens_and_official_cars_open(camera: SimDevice, li_ming: User, site: Site) -> None:
    vehicle_register(user=li_ming, plate="粤BD12345")
    vehicle_register(user=None, site=site, plate="京A00001", kind=Vehicle.Kind.OFFICIAL)
    assert read(camera, "粤B·D12345") == {"action": "open", "fee_fen": 0, "plate": "粤BD12345", "reason": "staff"}
    assert read(camera, "京A 00001")["reason"] == "official"


def test_low_confidence_is_held(camera: SimDevice, li_ming: User) -> None:
    vehicle_register(user=li_ming, plate="京A10234")
    assert read(camera, "京A10234", confidence=0.3)["reason"] == "low_confidence"


def test_reads_within_ten_seconds_are_one_passage(camera: SimDevice, li_ming: User) -> None:
    vehicle_register(user=li_ming, plate="京A10234")
    now = timezone.now()
    first = read(camera, "京A10234", at=now)
    again = read(camera, "京A1O234", at=now + timedelta(seconds=4), confidence=0.9)
    assert again == first
    assert Passage.objects.count() == 1 and Passage.objects.get().repeats == 1
    assert ParkingSession.objects.count() == 1


def test_visitor_opens_in_the_window_only_and_the_host_pays_once(
    camera: SimDevice, li_ming: User, fake_bookings: dict[str, VisitorBooking]
) -> None:
    fund(li_ming, 5000)
    now = timezone.now()
    invite(fake_bookings, li_ming, "沪C12345", now - timedelta(hours=2), now + timedelta(hours=2))
    invite(fake_bookings, li_ming, "沪C55555", now + timedelta(hours=3), now + timedelta(hours=5))
    assert read(camera, "沪C55555", at=now)["action"] == "hold"  # invited, but not yet
    entered = now - timedelta(minutes=61)
    assert read(camera, "沪C12345", at=entered) == {"action": "open", "fee_fen": 0, "plate": "沪C12345", "reason": "visitor"}
    out = read(camera, "沪C12345", "out", at=now)
    assert out == {"action": "open", "fee_fen": 1000, "plate": "沪C12345", "reason": "paid"}  # 61 min: two started hours
    repeat = read(camera, "沪C12345", "out", at=now + timedelta(seconds=3))  # the same passage
    assert repeat == out
    later = read(camera, "沪C12345", "out", at=now + timedelta(seconds=40))  # backed up, read again
    assert later == {"action": "open", "fee_fen": 0, "plate": "沪C12345", "reason": "already_left"}
    assert Transaction.objects.filter(kind="parking_fee").count() == 1
    assert wallet_balances(li_ming).cash_fen == 4000
    session = ParkingSession.objects.get(plate="沪C12345")
    assert (session.paid_fen, session.fee_fen, session.payer, session.booking_id) == (1000, 1000, li_ming, 1)


def test_visitor_whose_host_cannot_pay_is_held_with_the_fee(
    camera: SimDevice, li_ming: User, fake_bookings: dict[str, VisitorBooking]
) -> None:
    now = timezone.now()
    invite(fake_bookings, li_ming, "沪C12345", now - timedelta(hours=3), now + timedelta(hours=1))
    read(camera, "沪C12345", at=now - timedelta(hours=2, minutes=30))
    out = read(camera, "沪C12345", "out", at=now)
    session = ParkingSession.objects.get(plate="沪C12345")
    pay_here = f"/parking/pay/{payments.ticket_for(session)}/"  # the cmd tells the driver where to pay
    assert out == {"action": "hold", "fee_fen": 1500, "plate": "沪C12345", "reason": "insufficient_funds", "pay_url": pay_here}
    assert not Transaction.objects.filter(kind="parking_fee").exists()


def test_exit_with_no_entry_opens_flagged_or_holds_per_lot(camera: SimDevice, li_ming: User, lot: Lot) -> None:
    vehicle_register(user=li_ming, plate="京A10234")
    now = timezone.now()
    assert read(camera, "京A10234", "out", at=now) == {"action": "open", "fee_fen": 0, "plate": "京A10234", "reason": "no_entry"}
    assert ParkingSession.objects.get().flags == ["exit_without_entry"]
    lot.exit_without_entry = Lot.NoEntry.HOLD
    lot.save()
    ParkingSession.objects.all().delete()
    assert read(camera, "京A10234", "out", at=now + timedelta(minutes=20))["action"] == "hold"
    assert read(camera, "京Z77777", "out", at=now + timedelta(minutes=21))["action"] == "hold"  # unknown: held, no crash


def test_guard_opens_a_held_car_by_hand_with_a_reason(camera: SimDevice, chen_guard: User, client: object) -> None:
    from django.test import Client

    assert isinstance(client, Client)
    read(camera, "京B99999")
    held = Passage.objects.get()
    client.force_login(chen_guard)
    page = client.get("/parking/guard/")
    assert page.status_code == 200 and "京B99999" in page.content.decode()
    refused = client.post("/parking/guard/open/", {"camera": held.camera_id, "passage": held.pk, "reason": " "}, follow=True)
    assert "原因" in refused.content.decode() or "reason" in refused.content.decode()
    done = client.post("/parking/guard/open/", {"camera": held.camera_id, "passage": held.pk, "reason": "送货车辆"})
    assert done.status_code == 302
    opened = eventually(
        lambda: [c for c in camera.commands if c.get("re") == held.event_id and c["data"]["action"] == "open"], timeout=10
    )
    assert opened[0]["data"] == {"action": "open", "fee_fen": 0, "plate": "京B99999", "reason": "manual"}
    held.refresh_from_db()
    assert (held.action, held.opened_by, held.manual_reason) == ("open", chen_guard, "送货车辆")
    assert AuditLog.objects.filter(action="parking.barrier.open_manual", actor=chen_guard).count() == 1
    session = ParkingSession.objects.get()
    assert (session.kind, session.flags) == ("other", ["manual"])


def test_bad_data_gets_an_error_cmd(camera: SimDevice) -> None:
    cmd = camera.request("plate", {"plate": "京A10234", "confidence": 2, "direction": "in"}, timeout=10)
    assert cmd["type"] == "error" and "confidence" in cmd["data"]["reason"]


def test_held_cars_and_free_spaces_show_on_the_panel(camera: SimDevice, chen_guard: User, lot: Lot) -> None:
    from django.test import Client

    from building.parking.services import space_ensure

    space_ensure(lot=lot, code="P01")
    read(camera, "京B99999")
    client = Client()
    client.force_login(chen_guard)
    state = client.get("/security/panel/state.json").json()
    lines = state["sections"]["parking"]
    assert any("地下停车场" in line and "1" in line for line in lines)
    assert any("京B99999" in line for line in lines)
    vehicle_register(user=chen_guard, plate="京B99999")  # registered meanwhile: the next read opens
    assert read(camera, "京B99999", at=timezone.now() + timedelta(seconds=15))["action"] == "open"
    later = client.get("/security/panel/state.json").json()["sections"]["parking"]
    assert not any("京B99999" in line for line in later)  # no longer held
    assert client.get("/security/panel/").status_code == 200  # the page renders with the section
