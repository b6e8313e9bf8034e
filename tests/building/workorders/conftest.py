from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from building.models import Site, Space
from building.workorders.calendar_seed import calendar_seed
from building.workorders.categories import Category as C
from building.workorders.models import Company, WorkCalendarDay
from building.workorders.services.companies import company_ensure, company_member_ensure, contract_ensure
from portal.models import User
from tests.factories import BuildingFactory, FloorFactory, SpaceFactory, persona


def jpeg(width: int = 800, height: int = 600, color: str = "red", exif_orientation: int | None = None) -> SimpleUploadedFile:
    image = Image.new("RGB", (width, height), color)
    out = BytesIO()
    if exif_orientation:
        exif = Image.Exif()
        exif[0x0112] = exif_orientation
        image.save(out, "JPEG", exif=exif)
    else:
        image.save(out, "JPEG")
    return SimpleUploadedFile("photo.jpg", out.getvalue(), content_type="image/jpeg")


@pytest.fixture
def sun_contractor(site: Site) -> User:
    return persona("contractor", "sun_contractor", "孙", "师傅", site=site)


@pytest.fixture
def companies(site: Site, zhao_contractor: User, sun_contractor: User, wang_manager: User) -> tuple[Company, Company]:
    """A: plumbing and electrical (赵师傅); B: network and furniture (孙师傅)."""
    a = company_ensure(site=site, code="a", name="甲物业", manager=zhao_contractor)
    b = company_ensure(site=site, code="b", name="乙服务", manager=sun_contractor)
    company_member_ensure(company=a, user=zhao_contractor)
    company_member_ensure(company=b, user=sun_contractor)
    contract_ensure(company=a, categories=[C.PLUMBING, C.ELECTRICAL], valid_from=date(2024, 1, 1), monthly_fee_fen=1_000_000)
    contract_ensure(company=b, categories=[C.NETWORK, C.FURNITURE], valid_from=date(2024, 1, 1), monthly_fee_fen=500_000)
    return a, b


@pytest.fixture
def room(site: Site) -> Space:
    space = SpaceFactory(floor=FloorFactory(building=BuildingFactory(site=site)), code="r301", name="301室")
    assert isinstance(space, Space)
    return space


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Messages asserted in English: the Chinese catalogue (locale/pending/workorders.json) is
    merged later by the lead; a test checks the Chinese sentences are there."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def official_calendar(request: pytest.FixtureRequest) -> None:
    """The calendar rows come from a data migration; a transactional test (the browser) flushes
    them, so put them back for whichever test runs next."""
    if request.node.get_closest_marker("django_db") is None and not {"db", "transactional_db"} & set(request.fixturenames):
        return
    request.getfixturevalue("db")
    if not WorkCalendarDay.objects.exists():
        calendar_seed(WorkCalendarDay)
