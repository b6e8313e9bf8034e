"""Issue 9 item 3: visitor passes are a permission, bounded, audited, revocable and listed."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from building.models import Site
from core.models import AuditLog
from devices.models import Device
from portal.models import User
from security.models import AccessGroup, AccessZone, VisitorPass
from security.services.access import access_decide
from security.services.credentials import VisitorPassError, visitor_pass_create, visitor_pass_revoke
from tests.factories import device_factory

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def main(site: Site) -> AccessZone:
    return AccessZone.objects.create(site=site, code="main", name="主楼", open_to_all_staff=True)


@pytest.fixture
def vault(site: Site) -> AccessZone:
    return AccessZone.objects.create(site=site, code="vault", name="机要室")


def _create(host: User, zone: AccessZone, hours: float = 2, **kw: object) -> VisitorPass:
    issued = visitor_pass_create(
        host=host,
        visitor_name="王访客",
        zone=zone,
        valid_from=NOW,
        valid_until=NOW + timedelta(hours=hours),
        at=NOW - timedelta(minutes=5),
        **kw,
    )
    return issued.visitor_pass


def _reason(fn: object, *args: object, **kwargs: object) -> str:
    with pytest.raises(VisitorPassError) as caught:
        fn(*args, **kwargs)  # type: ignore[operator]
    return caught.value.reason


def test_a_contractor_cannot_issue_a_pass_nor_open_the_page(client: Client, zhao_contractor: User, main: AccessZone) -> None:
    AccessGroup.objects.create(site=main.site, code="c", name="c").members.add(zhao_contractor)
    assert _reason(_create, zhao_contractor, main) == "not_allowed"
    client.force_login(zhao_contractor)
    assert client.get("/access/visitors/").status_code == 403
    start = timezone.localtime() + timedelta(hours=1)
    body = {
        "visitor_name": "x",
        "zone": main.pk,
        "valid_from": f"{start:%Y-%m-%dT%H:%M}",
        "valid_until": f"{start:%Y-%m-%dT23:59}",
    }
    assert client.post("/access/visitors/", body).status_code == 403
    assert not VisitorPass.objects.exists()


def test_validity_is_bounded_24h_for_staff_7_days_for_managers(
    li_ming: User, wang_manager: User, main: AccessZone, settings: object
) -> None:
    assert _create(li_ming, main, hours=24).pk
    assert _reason(_create, li_ming, main, hours=24.5) == "too_long"
    assert _reason(_create, li_ming, main, hours=24 * 365 * 10) == "too_long"  # the attack run's ten years
    assert _create(wang_manager, main, hours=24 * 7).pk
    assert _reason(_create, wang_manager, main, hours=24 * 7 + 1) == "too_long"
    settings.VISITOR_PASS_MAX_HOURS = 4  # type: ignore[attr-defined]
    assert _reason(_create, li_ming, main, hours=5) == "too_long"


def test_only_into_the_hosts_zones(li_ming: User, chen_guard: User, main: AccessZone, vault: AccessZone) -> None:
    assert _reason(_create, li_ming, vault) == "zone_not_allowed"
    group = AccessGroup.objects.create(site=vault.site, code="v", name="机要")
    group.zones.add(vault)
    group.members.add(li_ming)
    assert _create(li_ming, vault).zone == vault
    assert _create(chen_guard, vault).zone == vault  # security may invite into any zone of the site


def test_every_pass_is_audited_and_revocable_by_host_and_guards_only(
    li_ming: User, zhang_li: User, chen_guard: User, main: AccessZone, site: Site
) -> None:
    visitor_pass = _create(li_ming, main)
    assert AuditLog.objects.filter(action="security.visitor_pass.create", target_id=str(visitor_pass.pk)).exists()
    assert _reason(visitor_pass_revoke, visitor_pass=visitor_pass, actor=zhang_li) == "not_allowed"
    visitor_pass_revoke(visitor_pass=visitor_pass, actor=chen_guard)
    assert AuditLog.objects.filter(action="security.visitor_pass.revoke", target_id=str(visitor_pass.pk)).exists()
    gate: Device = device_factory(site=site, kind="gate").device
    from security.services.credentials import visitor_qr

    decision = access_decide(device=gate, method="qr", code=visitor_qr(visitor_pass), at=NOW + timedelta(minutes=5))
    assert decision.log.reason == "pass_revoked"


def test_host_and_guards_see_the_list_and_revoke_from_it(
    client: Client, li_ming: User, zhang_li: User, chen_guard: User, main: AccessZone
) -> None:
    start = timezone.now() + timedelta(hours=1)
    mine = visitor_pass_create(
        host=li_ming, visitor_name="李的客人", zone=main, valid_from=start, valid_until=start + timedelta(hours=2)
    ).visitor_pass
    client.force_login(li_ming)
    assert "李的客人" in client.get("/access/visitors/").content.decode()
    client.force_login(zhang_li)
    assert "李的客人" not in client.get("/access/visitors/").content.decode()
    assert client.get("/access/visitors/all/").status_code == 403
    assert client.post(f"/access/visitors/{mine.pk}/revoke/").status_code == 404  # not theirs
    client.force_login(chen_guard)
    page = client.get("/access/visitors/all/").content.decode()
    assert "李的客人" in page and "李明" in page
    assert client.post(f"/access/visitors/{mine.pk}/revoke/", {"next": "list"}).status_code == 302
    mine.refresh_from_db()
    assert mine.revoked
