"""Cancelling a visitor invitation: the pass stops opening the gate, the parking space is free
again, only the host (or the site manager) may, and twice is fine."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from building.models import Site
from core.audit import AuditLog
from portal.booking.models import Booking, Invitation, Resource
from portal.booking.selectors import visitor_parking_booking_for_plate
from portal.booking.services import BookingError, booking_create
from portal.booking.services.visitors import invitation_cancel
from portal.models import User
from security.models import VisitorPass
from security.services import access_zone_ensure
from security.services.access import access_decide
from security.services.credentials import visitor_pass_revoke, visitor_pass_revoke_in_transaction
from tests.factories import device_factory
from tests.portal.booking.conftest import api_for

pytestmark = pytest.mark.django_db


def invite(client: Any, start: Any, plate: str = "京A12345") -> dict[str, Any]:
    response = client.post(
        "/api/booking/invitations/",
        {
            "visitor_name": "王先生",
            "visitor_phone": "13800138000",
            "start": start.isoformat(),
            "end": (start + timedelta(hours=3)).isoformat(),
            "plate": plate,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture
def gate(site: Site) -> Any:
    access_zone_ensure(site=site, code="main", name="主楼", open_to_all_staff=True)
    return device_factory(site=site, kind="gate").device


def test_a_cancelled_invitation_closes_the_gate_and_frees_the_parking_space(
    site: Site, li_ming: User, zhang_li: User, parking: Resource, gate: Any
) -> None:
    start = timezone.now() + timedelta(minutes=5)
    client = api_for(li_ming)
    created = invite(client, start)
    invitation_id = created["invitation"]["id"]
    assert access_decide(device=gate, method="qr", code=created["qr"], at=start).reply["decision"] == "open"

    response = client.post(
        f"/api/booking/invitations/{invitation_id}/cancel/", {"reason": "会议取消"}, content_type="application/json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["cancelled_at"] is not None

    decision = access_decide(device=gate, method="qr", code=created["qr"], at=start + timedelta(minutes=1))
    assert decision.reply["decision"] != "open"
    invitation = Invitation.objects.select_related("parking", "visitor_pass").get(pk=invitation_id)
    assert invitation.visitor_pass.revoked and invitation.cancel_reason == "会议取消"
    assert invitation.parking is not None and invitation.parking.status == "cancelled"
    assert visitor_parking_booking_for_plate(site=site, plate="京A12345", at=start + timedelta(hours=1)) is None
    # the space is free again: someone else books the same slot
    taken = booking_create(
        user=zhang_li, resource=parking, start=start, end=start + timedelta(hours=3), title="x", plate="沪B12345"
    )
    assert taken.status == "confirmed"
    actions = set(AuditLog.objects.values_list("action", flat=True))
    assert {"booking.invitation.cancel", "security.visitor_pass.revoke", "booking.booking.cancel"} <= actions
    # nobody is told
    assert not li_ming.notifications.filter(kind__contains="cancel").exists()


def test_cancelling_twice_answers_the_same_and_writes_nothing_more(
    site: Site, li_ming: User, parking: Resource, gate: Any
) -> None:
    client = api_for(li_ming)
    invitation_id = invite(client, timezone.now() + timedelta(minutes=5))["invitation"]["id"]
    first = client.post(f"/api/booking/invitations/{invitation_id}/cancel/")
    audits = AuditLog.objects.count()
    second = client.post(f"/api/booking/invitations/{invitation_id}/cancel/")
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert AuditLog.objects.count() == audits


def test_someone_elses_invitation_is_a_404_and_stays(
    site: Site, li_ming: User, zhang_li: User, parking: Resource, gate: Any
) -> None:
    created = invite(api_for(li_ming), timezone.now() + timedelta(minutes=5))
    invitation_id = created["invitation"]["id"]
    assert api_for(zhang_li).post(f"/api/booking/invitations/{invitation_id}/cancel/").status_code == 404
    assert api_for(zhang_li).post(f"/booking/visitors/{invitation_id}/cancel/").status_code == 404
    assert api_for(zhang_li).post("/api/booking/invitations/nope/cancel/").status_code == 404
    invitation = Invitation.objects.get(pk=invitation_id)
    assert invitation.cancelled_at is None and not invitation.visitor_pass.revoked


def test_the_site_manager_may_cancel(site: Site, li_ming: User, wang_manager: User, parking: Resource, gate: Any) -> None:
    invitation_id = invite(api_for(li_ming), timezone.now() + timedelta(minutes=5))["invitation"]["id"]
    response = api_for(wang_manager).post(f"/api/booking/invitations/{invitation_id}/cancel/")
    assert response.status_code == 200, response.json()
    assert VisitorPass.objects.get(invitation__pk=invitation_id).revoked


def test_an_arrived_visitor_can_be_cancelled_for_the_rest_of_the_window_but_not_after(
    site: Site, li_ming: User, parking: Resource, gate: Any, django_capture_on_commit_callbacks: Any
) -> None:
    start = timezone.now() + timedelta(minutes=5)
    created = invite(api_for(li_ming), start, plate="")
    with django_capture_on_commit_callbacks(execute=True):
        access_decide(device=gate, method="qr", code=created["qr"], at=start + timedelta(minutes=1))
    invitation = Invitation.objects.get(pk=created["invitation"]["id"])
    assert invitation.arrived_at is not None and invitation.parking is None
    invitation_cancel(invitation=invitation, actor=li_ming, at=start + timedelta(hours=1))
    assert (
        access_decide(device=gate, method="qr", code=created["qr"], at=start + timedelta(hours=1, minutes=1)).reply["decision"]
        != "open"
    )

    other = Invitation.objects.get(pk=invite(api_for(li_ming), start, plate="京B12345")["invitation"]["id"])
    with pytest.raises(BookingError) as over:
        invitation_cancel(invitation=other, actor=li_ming, at=start + timedelta(hours=3))
    assert over.value.reason == "state"
    other.refresh_from_db()
    assert other.cancelled_at is None


def test_the_page_has_a_confirmed_cancel_button_and_cancels(site: Site, li_ming: User, parking: Resource, gate: Any) -> None:
    client = api_for(li_ming)
    invitation_id = invite(client, timezone.now() + timedelta(minutes=5))["invitation"]["id"]
    page = client.get("/booking/visitors/").content.decode()
    assert f'action="/booking/visitors/{invitation_id}/cancel/"' in page and "data-confirm=" in page
    response = client.post(f"/booking/visitors/{invitation_id}/cancel/", follow=True)
    assert response.status_code == 200
    assert Invitation.objects.get(pk=invitation_id).cancelled_at is not None
    assert 'data-testid="invitation-cancelled"' in response.content.decode()
    held = Invitation.objects.get(pk=invitation_id).parking
    assert held is not None and Booking.objects.get(pk=held.pk).status == "cancelled"


@pytest.mark.django_db(transaction=True)
def test_the_in_transaction_steps_refuse_to_run_alone_and_securitys_revoke_keeps_its_behaviour(site: Site, li_ming: User) -> None:
    from security.services.credentials import visitor_pass_create

    zone = access_zone_ensure(site=site, code="main", name="主楼", open_to_all_staff=True)
    start = timezone.now() + timedelta(hours=1)
    issued = visitor_pass_create(
        host=li_ming, visitor_name="钱先生", zone=zone, valid_from=start, valid_until=start + timedelta(hours=1)
    )
    with pytest.raises(RuntimeError):
        visitor_pass_revoke_in_transaction(visitor_pass=issued.visitor_pass, actor=li_ming)
    visitor_pass_revoke(visitor_pass=issued.visitor_pass, actor=li_ming)
    assert VisitorPass.objects.get(pk=issued.visitor_pass.pk).revoked


def test_a_pass_revoked_on_securitys_page_calls_the_visit_off(
    site: Site,
    li_ming: User,
    chen_guard: User,
    zhang_li: User,
    parking: Resource,
    gate: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """The guard revokes the pass where guards do (security's visitor page): the invitation is marked
    cancelled and its parking space freed, as if the host had cancelled it."""
    start = timezone.now() + timedelta(minutes=5)
    created = invite(api_for(li_ming), start)
    invitation_id = created["invitation"]["id"]
    with django_capture_on_commit_callbacks(execute=True):
        visitor_pass_revoke(visitor_pass=VisitorPass.objects.get(invitation__pk=invitation_id), actor=chen_guard)

    invitation = Invitation.objects.select_related("parking").get(pk=invitation_id)
    assert invitation.cancelled_at is not None and invitation.cancel_reason == "visitor pass revoked"
    assert invitation.parking is not None and invitation.parking.status == "cancelled"
    taken = booking_create(
        user=zhang_li, resource=parking, start=start, end=start + timedelta(hours=3), title="x", plate="沪B12345"
    )
    assert taken.status == "confirmed"
    assert AuditLog.objects.filter(action="booking.invitation.pass_revoked").count() == 1
