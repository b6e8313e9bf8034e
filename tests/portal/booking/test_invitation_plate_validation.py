"""An invitation's plate is checked by the validator building/parking contributes (GA 36-2018);
without one, booking keeps its own normalisation only."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from django.utils.translation import override

from building.models import Site
from portal.booking import plates
from portal.booking.models import Booking, Invitation, Resource
from portal.booking.services import BookingError
from portal.booking.services.visitors import invitation_create
from portal.models import User
from security.models import VisitorPass
from security.services import access_zone_ensure
from tests.portal.booking.conftest import api_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def zone(site: Site) -> None:
    access_zone_ensure(site=site, code="main", name="主楼", open_to_all_staff=True)


@pytest.fixture
def no_validators(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(plates, "_VALIDATORS", {})
    yield


def body(plate: str) -> dict[str, Any]:
    start = timezone.now() + timedelta(minutes=5)
    return {
        "visitor_name": "王先生",
        "visitor_phone": "13800138000",
        "start": start.isoformat(),
        "end": (start + timedelta(hours=2)).isoformat(),
        "plate": plate,
    }


def test_parking_registers_its_validator() -> None:
    assert "parking" in plates._VALIDATORS
    assert plates.plate_problem("京A12345") == ""
    with override("zh-hans"):
        assert plates.plate_problem("京AI2345")


@pytest.mark.parametrize("plate", ["京AO1234", "XX12345", "京A123", "京AI2345"])
def test_an_impossible_plate_is_a_400_on_the_plate_with_the_validators_chinese_sentence(
    site: Site, li_ming: User, parking: Resource, zone: None, plate: str
) -> None:
    response = api_for(li_ming).post(
        "/api/booking/invitations/", body(plate), content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 400, response.json()
    answer = response.json()
    assert answer["plate"] == [answer["detail"]]
    with override("zh-hans"):
        expected = plates.plate_problem(plate)
    assert answer["detail"] == expected and any("\u4e00" <= ch <= "\u9fff" for ch in expected)
    assert not Invitation.objects.exists() and not VisitorPass.objects.exists() and not Booking.objects.exists()


def test_the_page_shows_the_plate_error_on_the_form(site: Site, li_ming: User, parking: Resource, zone: None) -> None:
    day = timezone.localdate() + timedelta(days=1)
    response = api_for(li_ming).post(
        "/booking/visitors/",
        {
            "visitor_name": "王先生",
            "visitor_phone": "13800138000",
            "day": day.isoformat(),
            "start": "10:00",
            "end": "11:00",
            "plate": "京AO1234",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors.get("plate") == [plates.plate_problem("京AO1234")]
    assert not Invitation.objects.exists()


def test_a_real_plate_still_books_parking(site: Site, li_ming: User, parking: Resource, zone: None) -> None:
    response = api_for(li_ming).post("/api/booking/invitations/", body("粤Z1234港"), content_type="application/json")
    assert response.status_code == 201, response.json()
    assert Invitation.objects.get().parking is not None


def test_without_a_validator_only_the_normalisation_applies(
    site: Site, li_ming: User, parking: Resource, zone: None, no_validators: None
) -> None:
    assert plates.plate_problem("京AO1234") == ""
    response = api_for(li_ming).post("/api/booking/invitations/", body("京ao·1234"), content_type="application/json")
    assert response.status_code == 201, response.json()
    assert Invitation.objects.get().plate == "京AO1234"


def test_a_registered_validator_is_asked_with_what_was_typed(
    site: Site, li_ming: User, parking: Resource, zone: None, no_validators: None
) -> None:
    seen: list[str] = []

    def only_beijing(raw: str) -> str:
        seen.append(raw)
        return "" if raw.startswith("京") else "只接受京牌"

    plates.plate_validator_register("test", only_beijing)
    start = timezone.now() + timedelta(minutes=5)
    with pytest.raises(BookingError) as refused:
        invitation_create(
            host=li_ming,
            visitor_name="赵女士",
            visitor_phone="13900139000",
            start=start,
            end=start + timedelta(hours=1),
            plate="沪B12345",
        )
    assert refused.value.field == "plate" and refused.value.message == "只接受京牌"
    invitation_create(
        host=li_ming,
        visitor_name="赵女士",
        visitor_phone="13900139000",
        start=start,
        end=start + timedelta(hours=1),
        plate="京B12345",
    )
    assert seen == ["沪B12345", "京B12345"]
    # no plate: nobody is asked
    invitation_create(
        host=li_ming, visitor_name="钱先生", visitor_phone="13900139000", start=start, end=start + timedelta(hours=1)
    )
    assert len(seen) == 2
