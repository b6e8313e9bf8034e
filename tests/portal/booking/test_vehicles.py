"""Official vehicles: department head, then the vehicle office; reject, ask again; the trip record."""

from __future__ import annotations

import pytest

from building.models import Site
from portal.booking.models import Booking, Resource
from portal.booking.models.bookings import Stage
from portal.booking.services.resources import approver_ensure
from portal.models import Department, User
from tests.factories import DepartmentFactory, UserFactory
from tests.portal.booking.conftest import api_for, at, day_ahead

pytestmark = pytest.mark.django_db


def test_approve_reject_reapprove_and_a_backwards_odometer_is_refused(
    site: Site, li_ming: User, wang_manager: User, vehicle: Resource
) -> None:
    bureau: Department = DepartmentFactory(site=site)  # type: ignore[assignment]
    division: Department = DepartmentFactory(site=site, parent=bureau)  # type: ignore[assignment]
    li_ming.department = division
    li_ming.save()
    approver_ensure(user=wang_manager, role=Stage.DEPARTMENT_HEAD, department=bureau)
    office: User = UserFactory(site=site, roles=["staff"])  # type: ignore[assignment]
    approver_ensure(user=office, role=Stage.VEHICLE_OFFICE)
    day = day_ahead(3)
    body = {"resource": vehicle.pk, "start": at(day, 9).isoformat(), "end": at(day, 17).isoformat(), "title": "赴市政府开会"}
    created = api_for(li_ming).post("/api/booking/bookings/", body, content_type="application/json")
    assert created.status_code == 201 and created.json()["status"] == "pending"
    pk = created.json()["id"]
    assert wang_manager.notifications.filter(kind="booking.approval_needed").count() == 1

    def act(user: User, action: str, **data: object) -> tuple[int, dict]:
        response = api_for(user).post(f"/api/booking/bookings/{pk}/{action}/", data, content_type="application/json")
        return response.status_code, response.json()

    assert act(office, "approve")[0] == 403  # not the office's turn yet
    assert act(li_ming, "approve")[0] == 403  # nobody approves their own request
    code, state = act(wang_manager, "approve")
    assert code == 200 and state["status"] == "pending" and state["stage"] == "vehicle_office"
    assert office.notifications.filter(kind="booking.approval_needed").count() == 1
    code, problem = act(office, "reject")
    assert code == 400 and "reason" in problem
    code, state = act(office, "reject", reason="车辆保养")
    assert code == 200 and state["status"] == "rejected"
    assert li_ming.notifications.filter(kind="booking.rejected", body__contains="车辆保养").count() == 1
    assert act(office, "approve")[0] == 409  # a rejected request is not approved behind the requester's back

    code, state = act(li_ming, "resubmit")
    assert code == 200 and state["status"] == "pending" and state["stage"] == "department_head"
    assert act(wang_manager, "approve")[1]["stage"] == "vehicle_office"
    code, state = act(office, "approve")
    assert code == 200 and state["status"] == "confirmed"
    assert li_ming.notifications.filter(kind="booking.approved").count() == 1

    code, problem = act(li_ming, "trip", odometer_start_km=990, odometer_end_km=1100)
    assert code == 400 and "odometer_start_km" in problem
    code, problem = act(li_ming, "trip", odometer_start_km=1000, odometer_end_km=999)
    assert code == 400 and "odometer_end_km" in problem
    code, trip = act(li_ming, "trip", odometer_start_km=1000, odometer_end_km=1120)
    assert code == 201 and trip["cost_fen"] == 120 * 120
    vehicle.refresh_from_db()
    assert vehicle.odometer_km == 1120 and Booking.objects.get(pk=pk).status == "completed"


def test_without_a_department_head_the_vehicle_office_decides_alone(site: Site, li_ming: User, vehicle: Resource) -> None:
    office: User = UserFactory(site=site, roles=["staff"])  # type: ignore[assignment]
    approver_ensure(user=office, role=Stage.VEHICLE_OFFICE)
    day = day_ahead(3)
    body = {"resource": vehicle.pk, "start": at(day, 9).isoformat(), "end": at(day, 12).isoformat(), "title": "接站"}
    pk = api_for(li_ming).post("/api/booking/bookings/", body, content_type="application/json").json()["id"]
    assert Booking.objects.get(pk=pk).stage == "vehicle_office"
    response = api_for(office).post(f"/api/booking/bookings/{pk}/approve/", {}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "confirmed"


def test_the_api_lists_what_waits_for_each_approver_and_a_days_slots(
    site: Site, li_ming: User, wang_manager: User, vehicle: Resource
) -> None:
    from datetime import time

    from portal.booking.services.resources import resource_ensure

    office: User = UserFactory(site=site, roles=["staff"])  # type: ignore[assignment]
    approver_ensure(user=office, role=Stage.VEHICLE_OFFICE)
    day = day_ahead(3)
    body = {"resource": vehicle.pk, "start": at(day, 9).isoformat(), "end": at(day, 12).isoformat(), "title": "接站"}
    pk = api_for(li_ming).post("/api/booking/bookings/", body, content_type="application/json").json()["id"]
    assert [b["id"] for b in api_for(office).get("/api/booking/approvals/").json()] == [pk]
    assert api_for(li_ming).get("/api/booking/approvals/").json() == []
    washer = resource_ensure(
        site=site, kind="laundry", code="w1", name="1号", slot_minutes=60, opens_at=time(7), closes_at=time(23)
    )
    slots = api_for(li_ming).get(f"/api/booking/resources/{washer.pk}/slots/", {"date": f"{day:%Y-%m-%d}"}).json()
    assert len(slots) == 16 and all(s["free"] for s in slots)
    assert api_for(li_ming).get(f"/api/booking/resources/{washer.pk}/slots/", {"date": "9999-12-31"}).status_code == 400


def test_the_vehicle_office_never_approves_its_own_car_nor_another_sites(site: Site, vehicle: Resource) -> None:
    from tests.factories import SiteFactory

    office: User = UserFactory(site=site, roles=["staff"])  # type: ignore[assignment]
    approver_ensure(user=office, role=Stage.VEHICLE_OFFICE)
    colleague: User = UserFactory(site=site, roles=["staff"])  # type: ignore[assignment]
    approver_ensure(user=colleague, role=Stage.VEHICLE_OFFICE)
    elsewhere: User = UserFactory(site=SiteFactory(), roles=["staff"])  # type: ignore[assignment]
    approver_ensure(user=elsewhere, role=Stage.VEHICLE_OFFICE)  # no department: their own site's office
    day = day_ahead(4)
    body = {"resource": vehicle.pk, "start": at(day, 9).isoformat(), "end": at(day, 12).isoformat(), "title": "自用"}
    pk = api_for(office).post("/api/booking/bookings/", body, content_type="application/json").json()["id"]

    def approve(user: User) -> int:
        return api_for(user).post(f"/api/booking/bookings/{pk}/approve/", {}, content_type="application/json").status_code

    assert not elsewhere.notifications.filter(kind="booking.approval_needed").exists()
    assert not office.notifications.filter(kind="booking.approval_needed").exists()
    assert approve(elsewhere) in (403, 404) and approve(office) == 403
    assert approve(colleague) == 200 and Booking.objects.get(pk=pk).status == "confirmed"
