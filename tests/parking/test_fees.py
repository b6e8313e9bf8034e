"""The demo tariff, the `parking_fee` command and paying a visitor's stay ahead of leaving."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from building.models import Site
from building.parking.fees import Rates, due_fen, stay_fee
from building.parking.models import Lot, ParkingSession
from building.parking.services import VehicleError, session_pay, tariff_ensure
from canteen.ledger import LedgerError
from canteen.models import Transaction
from canteen.selectors import wallet_balances
from portal.models import User
from tests.canteen.conftest import fund

TABLE = [(0, 0), (30, 0), (31, 500), (60, 500), (61, 1000), (1440, 4000), (1450, 4500), (1570, 5500), (2 * 1440 + 61, 9000)]


@pytest.mark.parametrize(("minutes", "fen"), TABLE)
def test_demo_tariff(minutes: int, fen: int) -> None:
    assert stay_fee(minutes * 60) == fen


def test_seconds_past_the_free_period_start_an_hour() -> None:
    assert stay_fee(30 * 60 + 1) == 500
    assert stay_fee(60 * 60 + 1) == 1000


@pytest.mark.django_db
@pytest.mark.parametrize(("minutes", "fen"), TABLE)
def test_parking_fee_command(minutes: int, fen: int, lot: Lot, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("parking_fee", "--minutes", str(minutes))
    assert json.loads(capsys.readouterr().out) == {"fee_fen": fen}


@pytest.mark.django_db
def test_parking_fee_command_uses_the_lots_tariff(lot: Lot, site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    dear = tariff_ensure(site=site, code="dear", name="贵", hour_fen=800, free_minutes=0)
    Lot.objects.create(site=site, code="p2", name="地面", tariff=dear)
    call_command("parking_fee", "--minutes", "61", "--lot", "p2")
    assert json.loads(capsys.readouterr().out) == {"fee_fen": 1600}
    with pytest.raises(CommandError):
        call_command("parking_fee", "--minutes", "61", "--lot", "nope")


@pytest.mark.django_db
def test_a_host_pays_ahead_and_the_car_has_fifteen_minutes(lot: Lot, li_ming: User, zhang_li: User) -> None:
    fund(li_ming, 3000)
    now = timezone.now()
    session = ParkingSession.objects.create(
        site=lot.site, lot=lot, plate="沪C12345", kind="visitor", payer=li_ming, entered_at=now - timedelta(minutes=90)
    )
    with pytest.raises(VehicleError):
        session_pay(user=zhang_li, session_id=session.pk, at=now)  # not hers: not found
    session_pay(user=li_ming, session_id=session.pk, at=now)
    session.refresh_from_db()
    assert (session.paid_fen, wallet_balances(li_ming).cash_fen) == (1000, 2000)
    assert due_fen(session, lot.tariff, now + timedelta(minutes=15)) == 0  # within the grace
    assert due_fen(session, lot.tariff, now + timedelta(minutes=16)) == 0  # 106 min: still the 2 hours paid
    assert due_fen(session, lot.tariff, now + timedelta(minutes=31)) == 500  # 121 min: a third hour started
    with pytest.raises(VehicleError) as nothing:
        session_pay(user=li_ming, session_id=session.pk, at=now + timedelta(minutes=5))
    assert nothing.value.reason == "nothing_due"
    session_pay(user=li_ming, session_id=session.pk, at=now + timedelta(minutes=40))
    session.refresh_from_db()
    assert session.paid_fen == 1500 and Transaction.objects.filter(kind="parking_fee").count() == 2


@pytest.mark.django_db
def test_paying_with_too_little_money_changes_nothing(lot: Lot, li_ming: User) -> None:
    now = timezone.now()
    session = ParkingSession.objects.create(
        site=lot.site, lot=lot, plate="沪C12345", kind="visitor", payer=li_ming, entered_at=now - timedelta(minutes=90)
    )
    with pytest.raises(LedgerError):
        session_pay(user=li_ming, session_id=session.pk, at=now)
    session.refresh_from_db()
    assert session.paid_fen == 0 and not Transaction.objects.filter(kind="parking_fee").exists()


def test_rates_default_is_the_demo_tariff() -> None:
    assert Rates() == Rates(30, 500, 4000)


@pytest.mark.django_db
def test_my_parking_page_lists_my_visitor_and_pays_ahead(lot: Lot, li_ming: User) -> None:
    from django.test import Client

    fund(li_ming, 3000)
    now = timezone.now()
    ParkingSession.objects.create(
        site=lot.site,
        lot=lot,
        plate="京A10234",
        kind="staff",
        payer=li_ming,
        entered_at=now - timedelta(hours=3),
        exited_at=now - timedelta(hours=1),
        state="closed",
    )
    visit = ParkingSession.objects.create(
        site=lot.site, lot=lot, plate="沪C12345", kind="visitor", payer=li_ming, entered_at=now - timedelta(minutes=90)
    )
    client = Client()
    client.force_login(li_ming)
    page = client.get("/parking/").content.decode()
    assert "沪C12345" in page and f"/parking/sessions/{visit.pk}/pay/" in page and "<td>120</td>" in page
    done = client.post(f"/parking/sessions/{visit.pk}/pay/", follow=True).content.decode()
    assert "15" in done  # "... within 15 minutes at no further cost"
    visit.refresh_from_db()
    assert visit.paid_fen == 1000 and wallet_balances(li_ming).cash_fen == 2000
