"""Visitor invitations: a signed QR gate pass (security's visitor passes) and, with a plate, a
visitor-parking booking; the host hears when the visitor passes a gate."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.audit import audit_log
from portal.booking.errors import BookingError, invalid
from portal.booking.models import ACTIVE, Booking, Invitation, Resource, ResourceKind
from portal.booking.notify import notify
from portal.booking.plates import plate_problem
from portal.booking.rules import PAST_GRACE, aware, local
from portal.booking.services.bookings import booking_cancel_in_transaction, booking_create_in_transaction, plate_normalise
from portal.booking.services.writes import serialized_transaction
from portal.models import User
from security.models import AccessZone
from security.selectors import zones_for_host
from security.services.credentials import (
    VisitorPassError,
    visitor_pass_create_in_transaction,
    visitor_pass_max_span,
    visitor_pass_revoke_in_transaction,
)

log = logging.getLogger(__name__)
PHONE = re.compile(r"\+?[0-9][0-9 \-]{5,18}[0-9]")
LONGEST_VISIT = timedelta(days=7)


@dataclass(frozen=True)
class InvitationResult:
    invitation: Invitation
    qr: str  # the visitor's signed gate code (shown as a QR; only the pass is stored)


def _visitor_zone(host: User) -> AccessZone | None:
    """The site's main zone if the host may invite into it, else the first zone they may."""
    zones = zones_for_host(host)
    return zones.filter(code="main").first() or zones.order_by("pk").first()


def _pass_error(error: VisitorPassError, host: User) -> BookingError:
    """Security's reasons as sentences (the same sentences as security's own visitor page)."""
    if error.reason == "too_long":
        hours = int(visitor_pass_max_span(host).total_seconds() // 3600)
        return invalid("end", _("A pass can be valid for at most %(hours)d hours.") % {"hours": hours})
    if error.reason in ("not_allowed", "zone_not_allowed"):
        return BookingError("not_allowed", _("You can invite visitors only into areas you may enter yourself."))
    if error.reason == "no_name":
        return invalid("visitor_name", _("Enter the visitor's name."))
    if error.reason == "ends_in_past":
        return invalid("end", _("The pass would already be over. Choose a later end."))
    return invalid("end", _("The pass must end after it starts."))


def _parking_for(*, host: User, start: datetime, end: datetime, plate: str, name: str) -> Booking:
    """The first visitor-parking space free for the whole visit."""
    last: BookingError | None = None
    for resource in Resource.objects.filter(site_id=host.site_id or 0, kind=ResourceKind.VISITOR_PARKING, active=True).order_by(
        "code"
    ):
        try:
            return booking_create_in_transaction(user=host, resource=resource, start=start, end=end, title=name, plate=plate)
        except BookingError as error:
            if error.reason != "conflict":
                raise
            last = error
    raise BookingError("conflict", _("No visitor parking space is free for that time."), clashes=last.clashes if last else [])


def invitation_create(
    *,
    host: User,
    visitor_name: str,
    visitor_phone: str,
    start: datetime,
    end: datetime,
    plate: str | None = None,
    at: datetime | None = None,
) -> InvitationResult:
    now = at or timezone.now()
    start, end = aware(start), aware(end)
    name = visitor_name.strip()[:100]
    if not name:
        raise invalid("visitor_name", _("Give the visitor's name."))
    if not PHONE.fullmatch(visitor_phone.strip()):
        raise invalid("visitor_phone", _("Give the visitor's phone number."))
    if end <= start:
        raise invalid("end", _("The end must be after the start."))
    if start < now - PAST_GRACE:
        raise invalid("start", _("The start is in the past."))
    if end - start > LONGEST_VISIT:
        raise invalid("end", _("A visit lasts at most 7 days."))
    zone = _visitor_zone(host)
    if zone is None:
        raise BookingError("not_allowed", _("You can invite visitors only into areas you may enter yourself."))
    normalised = plate_normalise(plate)
    if normalised:
        # What a real plate looks like is contributed (building/parking registers GA 36-2018);
        # without a validator only the normalisation above applies.
        problem = plate_problem(plate or "")
        if problem:
            raise invalid("plate", problem)
    # One transaction: the pass, the parking space and the invitation (with the host's notice)
    # commit together or not at all; the notice's live push and any device command leave on commit.
    with serialized_transaction():
        try:
            issued = visitor_pass_create_in_transaction(
                host=host, visitor_name=name, zone=zone, valid_from=start, valid_until=end, at=now
            )
        except VisitorPassError as exc:  # security's own bounds on passes (who may invite, where, how long)
            raise _pass_error(exc, host) from exc
        parking = _parking_for(host=host, start=start, end=end, plate=normalised, name=name) if normalised else None
        invitation = Invitation.objects.create(
            site_id=host.site_id or 0,
            host=host,
            visitor_name=name,
            visitor_phone=visitor_phone.strip()[:20],
            start=start,
            end=end,
            plate=normalised,
            visitor_pass=issued.visitor_pass,
            parking=parking,
        )
        audit_log(
            action="booking.invitation.create",
            actor=host,
            target=invitation,
            data={"pass": issued.visitor_pass.pk, "parking": parking.pk if parking else None},
        )
        notify(
            user=host,
            kind="booking.visitor_invited",
            title=gettext_lazy("Visitor invited: %(name)s"),
            body=gettext_lazy("%(start)s – %(end)s. Send the pass to your visitor; you will hear when they arrive."),
            params={"name": name, "start": f"{local(start):%m-%d %H:%M}", "end": f"{local(end):%m-%d %H:%M}"},
            url=reverse("booking:invitations"),
            target=invitation,
        )
    return InvitationResult(invitation, issued.qr)


def invitation_cancel(*, invitation: Invitation, actor: User, reason: str = "", at: datetime | None = None) -> Invitation:
    """Call the visit off, in one transaction: security revokes the pass (the gates refuse it from
    now on), the visitor-parking booking (if any, still active) is cancelled through the engine and
    its space is free again, the invitation is marked cancelled and audited; nobody is notified.
    The host or the site manager (invitation_for_user scopes the lookup; security checks the pass
    again). A visitor who already arrived can still be cancelled until the end of the window (the
    pass stops opening gates for the rest of it); an invitation whose window is over cannot.
    Cancelling a cancelled invitation answers it unchanged."""
    now = at or timezone.now()
    with serialized_transaction():
        locked = Invitation.objects.select_for_update(of=("self",)).select_related("visitor_pass", "parking").get(
            pk=invitation.pk
        )
        if locked.cancelled_at is not None:
            return locked
        if locked.end <= now:
            raise BookingError("state", _("This visit is already over."))
        if not locked.visitor_pass.revoked:
            try:
                visitor_pass_revoke_in_transaction(visitor_pass=locked.visitor_pass, actor=actor)
            except VisitorPassError as exc:
                raise BookingError("not_allowed", _("Only the host or the site manager can cancel this invitation.")) from exc
        if locked.parking is not None and locked.parking.status in ACTIVE and locked.parking.end > now:
            booking_cancel_in_transaction(booking=locked.parking, actor=actor, reason="invitation cancelled", at=now)
        locked.cancelled_at = now
        locked.cancel_reason = reason.strip()[:200]
        locked.save(update_fields=["cancelled_at", "cancel_reason"])
        audit_log(
            action="booking.invitation.cancel",
            actor=actor,
            target=locked,
            data={"pass": locked.visitor_pass_id, "parking": locked.parking_id, "reason": locked.cancel_reason},
        )
    return locked


def invitation_release_for_revoked_pass(*, visitor_pass_id: int, at: datetime | None = None) -> Invitation | None:
    """A guard or manager revoked the pass on security's own page: the visit is off, so the
    invitation is marked cancelled and its visitor-parking space freed, as invitation_cancel would.
    Runs after the revoke committed (portal/booking/receivers.py); an invitation already cancelled
    (the usual way, which revokes the pass itself) or already over is left as it is."""
    now = at or timezone.now()
    with serialized_transaction():
        locked = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("parking")
            .filter(visitor_pass_id=visitor_pass_id, cancelled_at__isnull=True, end__gt=now)
            .first()
        )
        if locked is None:
            return None
        if locked.parking is not None and locked.parking.status in ACTIVE and locked.parking.end > now:
            booking_cancel_in_transaction(booking=locked.parking, actor="security", reason="visitor pass revoked", at=now)
        locked.cancelled_at = now
        locked.cancel_reason = "visitor pass revoked"
        locked.save(update_fields=["cancelled_at", "cancel_reason"])
        audit_log(action="booking.invitation.pass_revoked", actor="security", target=locked, data={"pass": visitor_pass_id})
    return locked


def visitor_arrival_record(*, visitor_pass_id: int, at: datetime) -> Invitation | None:
    """A gate opened for the pass: remember the first arrival and tell the host (once)."""
    with transaction.atomic(durable=True):
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("host")
            .filter(visitor_pass_id=visitor_pass_id)
            .first()
        )
        if invitation is None or invitation.arrived_at is not None:
            return invitation
        invitation.arrived_at = at
        invitation.save(update_fields=["arrived_at"])
        audit_log(action="booking.invitation.arrive", actor="gate", target=invitation)
        notify(
            user=invitation.host,
            kind="booking.visitor_arrived",
            title=gettext_lazy("Your visitor has arrived: %(name)s"),
            body=gettext_lazy("%(name)s came through the gate at %(at)s."),
            params={"name": invitation.visitor_name, "at": f"{local(at):%H:%M}"},
            url=reverse("booking:invitations"),
            target=invitation,
            dedupe_key=f"booking.visitor_arrived:{invitation.pk}",
        )
    return invitation
