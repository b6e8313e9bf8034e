"""An invitation (visitor pass + parking + the host's notice) commits or rolls back as one; its
live push leaves only after the commit."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from building.models import Site
from portal.booking.models import Booking, Invitation, Resource
from portal.booking.services import BookingError, booking_create
from portal.booking.services import visitors as visitors_service
from portal.booking.services.visitors import invitation_create
from portal.models import User
from portal.notifications.models import Notification
from security.models import VisitorPass
from security.services import access_zone_ensure
from security.services.credentials import visitor_pass_create, visitor_pass_create_in_transaction

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def pushes(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict[str, Any], bool]]:
    """Every realtime push: (group, event, whether a transaction was still open when it left)."""
    import core.realtime

    sent: list[tuple[str, dict[str, Any], bool]] = []
    monkeypatch.setattr(
        core.realtime, "_group_send", lambda group, event: sent.append((group, event, connection.in_atomic_block))
    )
    return sent


def invite(host: User, start: Any, plate: str | None = "京B99999") -> Any:
    return invitation_create(
        host=host, visitor_name="赵女士", visitor_phone="13900139000", start=start, end=start + timedelta(hours=1), plate=plate
    )


def test_a_parking_clash_leaves_no_pass_no_booking_no_notice(
    site: Site, li_ming: User, zhang_li: User, parking: Resource, pushes: list[Any]
) -> None:
    access_zone_ensure(site=site, code="main", name="主楼", open_to_all_staff=True)
    start = timezone.now() + timedelta(hours=1)
    taken = booking_create(user=zhang_li, resource=parking, start=start, end=start + timedelta(hours=2), title="x", plate="沪B1")
    pushes.clear()
    with pytest.raises(BookingError) as refused:
        invite(li_ming, start)
    assert refused.value.reason == "conflict"
    assert not VisitorPass.objects.exists() and not Invitation.objects.exists()
    assert list(Booking.objects.values_list("pk", flat=True)) == [taken.pk]
    assert not Notification.objects.filter(user=li_ming).exists()
    assert pushes == []


def test_a_failure_after_the_notice_rolls_the_notice_back_and_nothing_is_pushed(
    site: Site, li_ming: User, parking: Resource, pushes: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    access_zone_ensure(site=site, code="main", name="主楼", open_to_all_staff=True)
    real_notify = visitors_service.notify

    def notify_then_fail(**kwargs: Any) -> None:
        real_notify(**kwargs)
        assert Notification.objects.filter(user=li_ming).count() == 1  # written, not yet committed
        raise RuntimeError("boom")

    monkeypatch.setattr(visitors_service, "notify", notify_then_fail)
    with pytest.raises(RuntimeError):
        invite(li_ming, timezone.now() + timedelta(hours=1))
    assert not VisitorPass.objects.exists() and not Invitation.objects.exists() and not Booking.objects.exists()
    assert not Notification.objects.filter(user=li_ming).exists()
    assert pushes == []


def test_the_invitation_commits_as_one_and_pushes_after_the_commit(
    site: Site, li_ming: User, parking: Resource, pushes: list[Any]
) -> None:
    from core.realtime import user_group

    access_zone_ensure(site=site, code="main", name="主楼", open_to_all_staff=True)
    result = invite(li_ming, timezone.now() + timedelta(hours=1))
    invitation = Invitation.objects.get(pk=result.invitation.pk)
    assert invitation.visitor_pass.revoked is False and invitation.parking is not None
    assert invitation.parking.plate == "京B99999" and result.qr
    note = Notification.objects.get(user=li_ming, kind="booking.visitor_invited")
    assert "赵女士" in note.title and note.url == "/booking/visitors/"
    mine = [(event, open_tx) for group, event, open_tx in pushes if group == user_group(li_ming.pk)]
    assert len(mine) == 1 and mine[0][1] is False  # one push, after the commit


def test_securitys_services_keep_their_behaviour(site: Site, li_ming: User) -> None:
    zone = access_zone_ensure(site=site, code="main", name="主楼", open_to_all_staff=True)
    start = timezone.now() + timedelta(hours=1)
    args: dict[str, Any] = {
        "host": li_ming,
        "visitor_name": "钱先生",
        "zone": zone,
        "valid_from": start,
        "valid_until": start + timedelta(hours=2),
    }
    issued = visitor_pass_create(**args)  # an entry point: commits on return
    assert VisitorPass.objects.filter(pk=issued.visitor_pass.pk).exists()
    with pytest.raises(RuntimeError):
        visitor_pass_create_in_transaction(**args)  # the step refuses to run alone
