"""Vehicles (command, pages), the visitor-pass API without the booking engine, the guard's rights,
the daily sweep, seed_demo, and 1,000 near-miss pairs through the database path."""

from __future__ import annotations

import json
import random
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from building.models import Site
from building.parking.barrier import plate_resolve
from building.parking.models import Lot, ParkingSession, Vehicle
from building.parking.services import sessions_sweep, vehicle_register
from portal.models import User
from tests.parking.nearmiss import near_miss, noisy, plates

pytestmark = pytest.mark.django_db


def test_vehicle_register_command(li_ming: User, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("vehicle_register", "li_ming", "京a·10234")
    assert json.loads(capsys.readouterr().out) == {"user": "li_ming", "plate": "京A10234"}
    with pytest.raises(CommandError) as bad:
        call_command("vehicle_register", "li_ming", "京A1234O")
    assert "i_or_o" in str(bad.value)
    with pytest.raises(CommandError):
        call_command("vehicle_register", "li_ming", "京A10234")  # taken
    with pytest.raises(CommandError):
        call_command("vehicle_register", "nobody", "京A10235")


def test_my_vehicles_page_registers_several_and_explains_refusals(li_ming: User, zhang_li: User, lot: Lot) -> None:
    client = Client()
    client.force_login(li_ming)
    assert client.get("/parking/").status_code == 200
    client.post("/parking/vehicles/", {"plate": "京A10234", "label": "白色"})
    client.post("/parking/vehicles/", {"plate": "京AD12345"})
    assert sorted(Vehicle.objects.filter(owner=li_ming).values_list("plate", flat=True)) == ["京A10234", "京AD12345"]
    refused = client.post("/parking/vehicles/", {"plate": "京A1234O"}, follow=True).content.decode()
    assert "字母 I 或 O" in refused or "letters I or O" in refused
    assert "i_or_o" not in refused  # never a code on a page
    taken = client.post("/parking/vehicles/", {"plate": "京A10234"}, follow=True).content.decode()
    assert "已登记" in taken or "already registered" in taken
    hers = vehicle_register(user=zhang_li, plate="沪B12345")
    client.post(f"/parking/vehicles/{hers.pk}/remove/")
    assert Vehicle.objects.filter(pk=hers.pk).exists()  # another's car: not found, not removed
    mine = Vehicle.objects.get(plate="京AD12345")
    client.post(f"/parking/vehicles/{mine.pk}/remove/")
    assert not Vehicle.objects.filter(pk=mine.pk).exists()


def test_pages_need_the_right_role(li_ming: User, zhao_contractor: User, chen_guard: User, lot: Lot) -> None:
    client = Client()
    client.force_login(li_ming)
    assert client.get("/parking/guard/").status_code == 403  # staff cannot open barriers
    client.force_login(zhao_contractor)
    assert client.get("/parking/").status_code == 403
    assert client.get("/api/parking/lots/").status_code == 403
    client.force_login(chen_guard)
    assert client.get("/parking/guard/").status_code == 200


def test_sweep_flags_long_open_sessions_once(lot: Lot) -> None:
    now = timezone.now()
    old = ParkingSession.objects.create(
        site=lot.site, lot=lot, plate="京A10234", kind="staff", entered_at=now - timedelta(days=4)
    )
    ParkingSession.objects.create(site=lot.site, lot=lot, plate="京A10235", kind="staff", entered_at=now - timedelta(hours=1))
    assert sessions_sweep(at=now) == {"flagged": 1}
    assert sessions_sweep(at=now) == {"flagged": 0}
    old.refresh_from_db()
    assert old.flags == ["long_open"]


def test_seed_demo_creates_a_car_park_with_spaces_and_the_demo_tariff(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("seed_demo", "--password", "pw")
    out = json.loads(capsys.readouterr().out)
    assert out["parking"] == {"lot": "p1", "spaces": 24, "tariff": "demo"}
    lot = Lot.objects.get(site__code="demo", code="p1")
    assert (lot.tariff.free_minutes, lot.tariff.hour_fen, lot.tariff.day_cap_fen) == (30, 500, 4000)
    call_command("parking_fee", "--minutes", "1570")
    assert json.loads(capsys.readouterr().out) == {"fee_fen": 5500}


def test_1000_near_miss_pairs_through_the_database_give_no_false_open(site: Site, lot: Lot) -> None:
    registered = plates(1000, seed=5)
    Vehicle.objects.bulk_create([Vehicle(site=site, plate=p, kind="official") for p in registered])
    rng = random.Random(6)
    false_opens, own_opens = 0, 0
    known = set(registered)
    now = timezone.now()
    for plate in registered:
        neighbour = near_miss(plate, rng)
        if neighbour in known:
            continue
        got = plate_resolve(lot=lot, raw=noisy(neighbour, rng), confidence=0.99, at=now, exit_=False)
        false_opens += got.match.plate == plate
        own = plate_resolve(lot=lot, raw=noisy(plate, rng), confidence=0.99, at=now, exit_=False)
        own_opens += own.vehicle is not None and own.vehicle.plate == plate
    assert false_opens == 0
    assert own_opens == 1000


def test_every_parking_model_has_a_working_admin_page(lot: Lot) -> None:
    from django.apps import apps
    from django.contrib import admin
    from django.urls import reverse

    from tests.factories import UserFactory

    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    assert isinstance(root, User)
    client = Client()
    client.force_login(root)
    for model in apps.get_app_config("parking").get_models():
        assert admin.site.is_registered(model), model
        url = reverse(f"admin:parking_{model._meta.model_name}_changelist")
        assert client.get(url).status_code == 200, url
    add = reverse("admin:parking_vehicle_add")
    form = {"site": lot.site_id, "plate": "京a·00001", "kind": "official", "label": "公务用车"}
    refused = client.post(add, {**form, "plate": "京A0000O"})
    assert refused.status_code == 200 and not Vehicle.objects.exists()  # the form again, with the reason
    assert client.post(add, form).status_code == 302
    assert Vehicle.objects.get().plate == "京A00001"


def test_province_tolerance_is_a_setting_off_by_default(site: Site, lot: Lot, settings: object) -> None:
    Vehicle.objects.create(site=site, plate="京A10234", kind="official")
    now = timezone.now()
    assert plate_resolve(lot=lot, raw="冀A10234", confidence=0.95, at=now, exit_=False).vehicle is None
    settings.PARKING_PROVINCE_TOLERANCE = True  # type: ignore[attr-defined]
    got = plate_resolve(lot=lot, raw="冀A10234", confidence=0.95, at=now, exit_=False)
    assert got.vehicle is not None and got.match.reason == "province"
    Vehicle.objects.create(site=site, plate="沪A10234", kind="official")
    assert plate_resolve(lot=lot, raw="冀A10234", confidence=0.95, at=now, exit_=False).match.reason == "ambiguous"


def test_personal_data_lists_my_vehicles_and_visits(li_ming: User, lot: Lot) -> None:
    from building.parking.selectors import personal_data

    vehicle_register(user=li_ming, plate="京A10234")
    ParkingSession.objects.create(
        site=lot.site, lot=lot, plate="京A10234", kind="staff", payer=li_ming, entered_at=timezone.now()
    )
    data = personal_data(li_ming)
    assert [v["plate"] for v in data["vehicles"]] == ["京A10234"] and len(data["sessions"]) == 1


def test_the_api_takes_a_bearer_token(li_ming: User, lot: Lot) -> None:
    from tests.factories import PASSWORD

    issued = Client().post("/api/auth/token/", {"username": "li_ming", "password": PASSWORD}, content_type="application/json")
    assert issued.status_code == 201
    api = Client(HTTP_AUTHORIZATION=f"Bearer {issued.json()['token']}")
    lots = api.get("/api/parking/lots/")
    assert lots.status_code == 200 and lots.json()[0]["code"] == "p1"
    assert Client().get("/api/parking/lots/").status_code == 401
