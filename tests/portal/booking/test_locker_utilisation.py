"""The lockers category's week: compartment-hours held by parcels per locker, and the parcels
registered / picked up / gone overdue; the week is [Monday 00:00, next Monday 00:00) in Asia/Shanghai."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from building.models import Site
from devices.models import Device
from devices.services import device_create
from portal.booking.models import Parcel
from portal.booking.rules import TZ
from portal.booking.selectors import locker_utilisation_for_user
from portal.booking.services.lockers import compartments_ensure, parcel_pickup, parcel_register
from portal.booking.services.resources import office_categories_set
from portal.models import User
from tests.factories import SiteFactory, UserFactory
from tests.portal.booking.conftest import api_for

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 11, 16)
SINCE = datetime(2026, 11, 16, tzinfo=TZ)  # Sunday 16:00 UTC
UNTIL = SINCE + timedelta(days=7)


def manager_of(site: Site, *categories: str) -> User:
    user: User = UserFactory(site=site, roles=["staff"])  # type: ignore[assignment]
    office_categories_set(user=user, categories=list(categories), actor="test")
    return User.objects.get(pk=user.pk)  # a fresh object: no cached permissions


def locker_of(site: Site, device_id: str, name: str, codes: list[str]) -> Device:
    locker = device_create(site=site, kind="locker", device_id=device_id, name=name).device
    compartments_ensure(locker=locker, codes=codes)
    return locker


def parcel(locker: Device, who: User, desk: User, *, registered: datetime, picked: datetime | None = None) -> Parcel:
    made = parcel_register(recipient=who, locker=locker, actor=desk, at=registered)
    if picked is not None:
        assert parcel_pickup(locker=locker, code=made.code, at=picked).parcel is not None
    return made


@pytest.fixture
def week_of_parcels(site: Site, li_ming: User, chen_guard: User) -> Device:
    """A week with its edge cases, on a locker of three compartments (504 compartment-hours)."""
    locker = locker_of(site, "locker-1", "1号快递柜", ["A01", "A02", "A03"])
    # Waiting since Monday 00:00 (the week's first instant): the whole week, 168 h; overdue Thursday.
    parcel(locker, li_ming, chen_guard, registered=SINCE)
    # Monday 10:00-12:00: 2 h.
    parcel(locker, li_ming, chen_guard, registered=SINCE + timedelta(hours=10), picked=SINCE + timedelta(hours=12))
    # Sunday 23:00 before the week, picked Monday 01:00: 1 h here, registered in the week before.
    parcel(locker, li_ming, chen_guard, registered=SINCE - timedelta(hours=1), picked=SINCE + timedelta(hours=1))
    # Sunday 23:00 of the week, picked next Monday 00:30: 1 h here, picked up in the next week.
    parcel(locker, li_ming, chen_guard, registered=UNTIL - timedelta(hours=1), picked=UNTIL + timedelta(minutes=30))
    # Registered exactly at the week's end (Monday 00:00 Shanghai = Sunday 16:00 UTC): the next week's.
    parcel(locker, li_ming, chen_guard, registered=datetime(2026, 11, 22, 16, tzinfo=UTC), picked=UNTIL + timedelta(hours=2))
    # Its 72 hours ran out exactly at the week's start, picked Monday 01:00: overdue in this week, 1 h.
    parcel(locker, li_ming, chen_guard, registered=SINCE - timedelta(hours=72), picked=SINCE + timedelta(hours=1))
    return locker


def test_the_figures_of_a_week(site: Site, wang_manager: User, week_of_parcels: Device) -> None:
    after = UNTIL + timedelta(days=10)
    [row] = locker_utilisation_for_user(wang_manager, week_start=MONDAY, now=after)
    assert row.locker == week_of_parcels and row.name == "1号快递柜"
    assert row.compartments == 3 and row.capacity_hours == 504.0
    assert row.occupied_hours == 168 + 2 + 1 + 1 + 0 + 1
    assert row.percent == round(100 * 173 / 504)  # 34
    assert (row.registered, row.picked_up, row.overdue) == (3, 3, 2)

    # The next week starts where this one ended: the parcel of Monday 00:00 belongs to it.
    [following] = locker_utilisation_for_user(wang_manager, week_start=MONDAY + timedelta(days=7), now=after)
    assert following.registered == 1 and following.picked_up == 2
    assert following.occupied_hours == 0.5 + 2 + 168  # the late pickup, the edge parcel, the waiting one

    # Seen on Wednesday 00:00: the waiting parcel counts until now and is not overdue yet.
    [midweek] = locker_utilisation_for_user(wang_manager, week_start=MONDAY, now=SINCE + timedelta(days=2))
    assert midweek.occupied_hours == 48 + 2 + 1 + 1 + 1
    assert midweek.overdue == 1


def test_a_small_week_two_compartment_hours(site: Site, li_ming: User, chen_guard: User) -> None:
    locker = locker_of(site, "locker-2", "", ["B01"])
    parcel(locker, li_ming, chen_guard, registered=SINCE + timedelta(hours=10), picked=SINCE + timedelta(hours=12))
    [row] = locker_utilisation_for_user(chen_guard, week_start=MONDAY, now=UNTIL)
    assert row.name == "locker-2"  # no name: the device id
    assert (row.occupied_hours, row.capacity_hours, row.percent) == (2.0, 168.0, 1)
    assert (row.registered, row.picked_up, row.overdue) == (1, 1, 0)
    [empty] = locker_utilisation_for_user(chen_guard, week_start=MONDAY - timedelta(days=7), now=UNTIL)
    assert (empty.occupied_hours, empty.registered, empty.picked_up, empty.overdue) == (0.0, 0, 0, 0)


def test_only_the_callers_site_and_only_the_lockers_category(
    site: Site, li_ming: User, wang_manager: User, week_of_parcels: Device
) -> None:
    elsewhere = SiteFactory()
    assert isinstance(elsewhere, Site)
    locker_of(elsewhere, "locker-9", "别处的快递柜", ["Z01"])
    assert [r.locker for r in locker_utilisation_for_user(wang_manager, week_start=MONDAY)] == [week_of_parcels]
    assert [r.locker for r in locker_utilisation_for_user(manager_of(site, "lockers"), week_start=MONDAY)] == [week_of_parcels]
    assert locker_utilisation_for_user(manager_of(site, "rooms"), week_start=MONDAY) == []
    assert locker_utilisation_for_user(li_ming, week_start=MONDAY) == []


def test_the_page_for_the_front_desk_and_the_site_manager(
    site: Site, li_ming: User, wang_manager: User, week_of_parcels: Device
) -> None:
    elsewhere = SiteFactory()
    assert isinstance(elsewhere, Site)
    locker_of(elsewhere, "locker-9", "别处的快递柜", ["Z01"])
    url = "/booking/office/lockers/utilisation/"
    desk = api_for(manager_of(site, "lockers"))
    assert f'href="{url}"' in desk.get("/booking/desk/").content.decode()  # the desk links to it
    page = desk.get(url, {"week": "2026-11-18"})  # a Wednesday: its week
    assert page.status_code == 200
    html = page.content.decode()
    assert "2026-11-16" in html and "1号快递柜" in html and "别处的快递柜" not in html
    row = html.split(f'id="locker-{week_of_parcels.pk}"')[1].split("</tr>")[0]
    assert 'data-testid="occupied">173.0<' in row and "34%" in row
    assert 'data-testid="registered">3<' in row and 'data-testid="picked-up">3<' in row and 'data-testid="overdue">2<' in row
    assert 'data-testid="utilisation-chart"' in html and "booking/utilisation.js" in html
    chart = json.loads(html.split('<script id="utilisation-data" type="application/json">')[1].split("</script>")[0])
    assert chart == {"names": ["1号快递柜"], "percent": [34]}
    assert "?week=2026-11-09" in html and "?week=2026-11-23" in html

    manager = api_for(wang_manager)
    assert manager.get(url, {"week": "2026-11-16"}).status_code == 200
    assert manager.get(url, {"week": "not-a-date"}).status_code == 200  # this week
    assert api_for(manager_of(site, "rooms")).get(url).status_code == 403
    assert api_for(li_ming).get(url).status_code == 403


def test_the_page_without_lockers_says_so(site: Site, wang_manager: User) -> None:
    html = api_for(wang_manager).get("/booking/office/lockers/utilisation/").content.decode()
    assert 'data-testid="empty"' in html and 'data-testid="locker-utilisation"' not in html
