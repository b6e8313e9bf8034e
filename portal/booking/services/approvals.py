"""Official vehicles: the approval chain (the requester's department head, then the vehicle
office) and the trip record on return."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.audit import audit_log
from portal.booking.categories import manages_kind
from portal.booking.errors import BookingError, invalid
from portal.booking.models import Approval, Approver, Booking, ResourceKind, Status, Trip
from portal.booking.models.bookings import Stage
from portal.booking.notify import notify
from portal.booking.rules import local
from portal.booking.services.writes import conflict_for, write
from portal.models import User


def _department_heads(user: User) -> list[User]:
    if user.department is None:
        return []
    chain = [user.department, *user.department.ancestors()]
    for department in chain:  # the nearest department with a head decides
        heads = [
            a.user for a in Approver.objects.select_related("user").filter(role=Stage.DEPARTMENT_HEAD, department=department)
        ]
        heads = [h for h in heads if h.pk != user.pk and h.is_active]
        if heads:
            return heads
    return []


def first_stage(user: User) -> str:
    """A requester without a department head (or who heads it) goes straight to the vehicle office."""
    return Stage.DEPARTMENT_HEAD if _department_heads(user) else Stage.VEHICLE_OFFICE


def approvers_of(booking: Booking) -> list[User]:
    if booking.status != Status.PENDING:
        return []
    if booking.stage == Stage.DEPARTMENT_HEAD:
        return _department_heads(booking.user)
    if booking.stage == Stage.VEHICLE_OFFICE:
        # The vehicle office of the booking's site (an approver without a department belongs to
        # their own site), and never the requester: nobody approves their own car.
        rows = Approver.objects.select_related("user").filter(role=Stage.VEHICLE_OFFICE, user__is_active=True)
        here = Q(department__site=booking.site_id) | Q(department__isnull=True, user__site=booking.site_id)
        return [a.user for a in rows.filter(here).exclude(user=booking.user_id)]
    return []


def approvers_notify(booking: Booking) -> None:
    from django.urls import reverse

    for approver in approvers_of(booking):
        notify(
            user=approver,
            kind="booking.approval_needed",
            title=gettext_lazy("Vehicle request to approve: %(who)s"),
            body=gettext_lazy("%(vehicle)s, %(start)s – %(end)s: %(title)s"),
            params={
                "who": booking.user,
                "vehicle": booking.resource.name,
                "title": booking.title,
                "start": f"{local(booking.start):%m-%d %H:%M}",
                "end": f"{local(booking.end):%m-%d %H:%M}",
            },
            url=reverse("booking:office", args=["vehicles"]),
            target=booking,
        )


def _locked_pending(booking: Booking, actor: User) -> Booking:
    locked = Booking.objects.select_for_update(of=("self",)).select_related("resource", "user").get(pk=booking.pk)
    if locked.status != Status.PENDING:
        raise BookingError(
            "state", _("This request is %(status)s, not awaiting approval.") % {"status": locked.get_status_display()}
        )
    if actor.pk not in {u.pk for u in approvers_of(locked)}:
        raise BookingError("not_allowed", _("You are not the approver of this step."))
    return locked


def booking_approve(*, booking: Booking, actor: User, reason: str = "", at: datetime | None = None) -> Booking:
    from portal.booking.services.bookings import my_bookings_url

    now = at or timezone.now()
    with transaction.atomic(durable=True):
        locked = _locked_pending(booking, actor)
        Approval.objects.create(booking=locked, stage=locked.stage, approver=actor, approved=True, reason=reason[:200], at=now)
        if locked.stage == Stage.DEPARTMENT_HEAD:
            locked.stage = Stage.VEHICLE_OFFICE
        else:
            locked.stage, locked.status = Stage.NONE, Status.CONFIRMED
        locked.save(update_fields=["stage", "status", "updated_at"])
        audit_log(action="booking.booking.approve", actor=actor, target=locked, data={"stage": locked.stage})
        if locked.status == Status.CONFIRMED:
            notify(
                user=locked.user,
                kind="booking.approved",
                title=gettext_lazy("Vehicle approved: %(vehicle)s"),
                body=gettext_lazy("%(start)s: %(title)s"),
                url=my_bookings_url(locked),
                target=locked,
                params={"vehicle": locked.resource.name, "start": f"{local(locked.start):%m-%d %H:%M}", "title": locked.title},
            )
        else:
            approvers_notify(locked)
    return locked


def booking_reject(*, booking: Booking, actor: User, reason: str, at: datetime | None = None) -> Booking:
    from portal.booking.services.bookings import my_bookings_url

    if not reason.strip():
        raise invalid("reason", _("Say why the request is rejected."))
    now = at or timezone.now()
    with transaction.atomic(durable=True):
        locked = _locked_pending(booking, actor)
        Approval.objects.create(booking=locked, stage=locked.stage, approver=actor, approved=False, reason=reason[:200], at=now)
        locked.status, locked.stage, locked.reason = Status.REJECTED, Stage.NONE, reason.strip()[:200]
        locked.save(update_fields=["stage", "status", "reason", "updated_at"])
        audit_log(action="booking.booking.reject", actor=actor, target=locked, data={"reason": reason[:200]})
        notify(
            user=locked.user,
            kind="booking.rejected",
            title=gettext_lazy("Vehicle request rejected: %(vehicle)s"),
            body=gettext_lazy("Reason: %(reason)s"),
            url=my_bookings_url(locked),
            target=locked,
            params={"vehicle": locked.resource.name, "reason": locked.reason},
        )
    return locked


def booking_resubmit(*, booking: Booking, actor: User, at: datetime | None = None) -> Booking:
    """The requester asks again after a rejection: the chain starts over, if the slot is still free."""
    now = at or timezone.now()
    if booking.user_id != actor.pk:
        raise BookingError("not_allowed", _("Only the requester can ask again."))

    def resubmit() -> Booking:
        locked = Booking.objects.select_for_update(of=("self",)).select_related("resource", "user").get(pk=booking.pk)
        if locked.status != Status.REJECTED:
            raise BookingError("state", _("Only a rejected request can be submitted again."))
        if locked.start <= now:
            raise BookingError("state", _("This trip has already started."))
        error = conflict_for(locked.resource, [(locked.start, locked.end)], exclude=locked.pk)
        if error is not None:
            raise error
        locked.status, locked.stage, locked.reason = Status.PENDING, first_stage(locked.user), ""
        locked.save(update_fields=["stage", "status", "reason", "updated_at"])
        audit_log(action="booking.booking.resubmit", actor=actor, target=locked)
        approvers_notify(locked)
        return locked

    return write(resubmit, resource=booking.resource, ranges=[(booking.start, booking.end)], exclude=booking.pk)


def trip_record(
    *,
    booking: Booking,
    actor: User,
    odometer_start_km: int,
    odometer_end_km: int,
    cost_fen: int | None = None,
    at: datetime | None = None,
) -> Trip:
    """On return: the odometer never goes backwards (not within the trip, not below the vehicle's
    last reading); the cost is given or the vehicle's rate per km."""
    now = at or timezone.now()
    with transaction.atomic(durable=True):
        locked = Booking.objects.select_for_update(of=("self",)).select_related("resource").get(pk=booking.pk)
        if locked.resource.kind != ResourceKind.VEHICLE:
            raise BookingError("state", _("Trips are recorded for vehicles only."))
        if locked.status != Status.CONFIRMED:
            raise BookingError("state", _("Only an approved trip can be recorded."))
        if actor.pk not in (locked.user_id, locked.resource.driver_id) and not manages_kind(actor, ResourceKind.VEHICLE):
            raise BookingError("not_allowed", _("Only the requester, the driver or the vehicle office records the trip."))
        vehicle = type(locked.resource).objects.select_for_update().get(pk=locked.resource_id)
        if odometer_start_km < vehicle.odometer_km:
            raise invalid(
                "odometer_start_km",
                _("The odometer cannot go backwards: the vehicle last read %(km)d km.") % {"km": vehicle.odometer_km},
            )
        if odometer_end_km < odometer_start_km:
            raise invalid("odometer_end_km", _("The odometer on return cannot be below the reading at departure."))
        if cost_fen is not None and cost_fen < 0:
            raise invalid("cost_fen", _("The cost cannot be negative."))
        cost = cost_fen if cost_fen is not None else (odometer_end_km - odometer_start_km) * vehicle.cost_per_km_fen
        trip = Trip.objects.create(
            booking=locked,
            odometer_start_km=odometer_start_km,
            odometer_end_km=odometer_end_km,
            cost_fen=cost,
            recorded_by=actor,
            recorded_at=now,
        )
        vehicle.odometer_km = odometer_end_km
        vehicle.save(update_fields=["odometer_km"])
        locked.status = Status.COMPLETED
        locked.save(update_fields=["status", "updated_at"])
        audit_log(
            action="booking.trip.record",
            actor=actor,
            target=trip,
            data={"km": odometer_end_km - odometer_start_km, "cost_fen": cost},
        )
    return trip
