"""Parcel lockers: the front desk registers a parcel into a free compartment, its owner gets a
pickup code; the code typed on the locker opens the door (MQTT `pickup` -> cmd `open`), and so
does the owner's face (MQTT `face` -> cmd `open` per waiting parcel) for people who consented."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.audit import audit_log
from devices.commands import command_send
from devices.models import Device
from portal.booking.errors import BookingError, invalid
from portal.booking.models import Compartment, Parcel
from portal.booking.notify import notify
from portal.models import User
from security.faces.api import face_person
from security.faces.engine import Analysis

REMIND_AFTER = timedelta(hours=24)
OVERDUE_AFTER = timedelta(hours=72)


def compartments_ensure(*, locker: Device, codes: list[str]) -> list[Compartment]:
    if locker.kind != "locker":
        raise invalid("locker", _("This device is not a parcel locker."))
    with transaction.atomic():
        return [Compartment.objects.get_or_create(locker=locker, code=code)[0] for code in codes]


def _free_compartment(locker: Device) -> Compartment | None:
    busy = Parcel.objects.filter(compartment__locker=locker, state=Parcel.State.WAITING).values("compartment_id")
    return Compartment.objects.filter(locker=locker).exclude(pk__in=busy).order_by("code").first()


def _new_code(locker: Device) -> str:
    taken = set(Parcel.objects.filter(compartment__locker=locker, state=Parcel.State.WAITING).values_list("code", flat=True))
    while True:
        code = f"{secrets.randbelow(1_000_000):06d}"
        if code not in taken:
            return code


def parcel_register(
    *, recipient: User, locker: Device, actor: User, carrier: str = "", tracking_no: str = "", at: datetime | None = None
) -> Parcel:
    """A free compartment is assigned and opened for the desk; the owner is notified with the code."""
    now = at or timezone.now()
    if locker.kind != "locker" or locker.site_id != recipient.site_id:
        raise invalid("locker", _("Choose a parcel locker of this site."))
    try:
        with transaction.atomic(durable=True):
            compartment = _free_compartment(locker)
            if compartment is None:
                raise BookingError("state", _("This locker is full."))
            parcel = Parcel.objects.create(
                site_id=locker.site_id,
                recipient=recipient,
                compartment=compartment,
                carrier=carrier.strip()[:50],
                tracking_no=tracking_no.strip()[:50],
                code=_new_code(locker),
                registered_by=actor,
                registered_at=now,
            )
            audit_log(action="booking.parcel.register", actor=actor, target=parcel, data={"compartment": str(compartment)})
            command_send(
                site=locker.site.code, device=locker.device_id, type="open", data={"compartment": compartment.code}, re=None
            )
            notify(
                user=recipient,
                kind="booking.parcel_arrived",
                title=gettext_lazy("A parcel is waiting for you: code %(code)s"),
                body=gettext_lazy("Locker %(locker)s, compartment %(compartment)s. Type the code on the locker."),
                params={"code": parcel.code, "locker": locker.name or locker.device_id, "compartment": compartment.code},
                url=reverse("booking:parcels"),
                target=parcel,
            )
    except IntegrityError as exc:  # the same compartment taken by a concurrent registration
        raise BookingError("state", _("That compartment was just taken; try again.")) from exc
    return parcel


@dataclass(frozen=True)
class Pickup:
    parcel: Parcel | None
    reason: str = ""


def parcel_pickup(*, locker: Device, code: str, at: datetime | None = None) -> Pickup:
    """The code typed on the locker: the parcel is closed and its compartment opens."""
    now = at or timezone.now()
    with transaction.atomic():
        parcel = (
            Parcel.objects.select_for_update()
            .select_related("compartment", "recipient")
            .filter(compartment__locker=locker, code=code.strip(), state=Parcel.State.WAITING)
            .first()
        )
        if parcel is None:
            audit_log(
                action="booking.parcel.pickup_refused", actor=locker.device_id, target=locker, data={"reason": "unknown_code"}
            )
            return Pickup(None, "unknown_code")
        parcel.state, parcel.picked_up_at = Parcel.State.PICKED_UP, now
        parcel.save(update_fields=["state", "picked_up_at"])
        audit_log(action="booking.parcel.pickup", actor=parcel.recipient, target=parcel)
    return Pickup(parcel)


# What the locker's screen is told when a face does not open anything. A face whose person has
# withdrawn consent (or was deactivated) reads as unknown: the locker learns nothing about them.
FACE_REASONS = {
    "unknown": "unknown_face",
    "inactive": "unknown_face",
    "no_consent": "unknown_face",
    "no_face": "no_face",
    "multiple_faces": "multiple_faces",
    "bad_image": "bad_image",
    "too_small": "face_too_small",
    "busy": "busy_retry",
}


def face_liveness_ok(liveness: float | None) -> bool:
    """A locker that reports liveness must reach LOCKER_FACE_LIVENESS_MIN (a photo held up to the
    camera opens nothing); one without a liveness sensor reports null."""
    return liveness is None or liveness >= float(getattr(settings, "LOCKER_FACE_LIVENESS_MIN", 0.5))


@dataclass(frozen=True)
class FacePickup:
    parcels: list[Parcel]  # oldest first; empty: refused, see `reason`
    reason: str = ""


def parcels_pickup_by_face(
    *,
    locker: Device,
    image: bytes = b"",
    analysis: Analysis | None = None,
    liveness: float | None = None,
    at: datetime | None = None,
) -> FacePickup:
    """The face at the locker: every parcel waiting there for that person is closed and its
    compartment opened (the first in the answer, the others as their own `open` cmds, on commit).
    Only a consenting, active person is recognised (security.faces.api.face_person); the pickup
    code keeps working for everyone. A step of the bridge's transaction (non-durable)."""
    now = at or timezone.now()

    def refused(reason: str) -> FacePickup:
        audit_log(action="booking.parcel.pickup_refused", actor=locker.device_id, target=locker, data={"reason": reason})
        return FacePickup([], reason)

    if not face_liveness_ok(liveness):
        return refused("liveness")
    found = face_person(site=locker.site, image=image, analysis=analysis)
    if found.user is None:
        return refused(FACE_REASONS.get(found.reason, "unknown_face"))
    with transaction.atomic():
        parcels = list(
            Parcel.objects.select_for_update()
            .select_related("compartment", "recipient")
            .filter(compartment__locker=locker, recipient=found.user, state=Parcel.State.WAITING)
            .order_by("registered_at", "pk")
        )
        if not parcels:
            return refused("no_parcels")
        for parcel in parcels:
            parcel.state, parcel.picked_up_at = Parcel.State.PICKED_UP, now
            parcel.save(update_fields=["state", "picked_up_at"])
            audit_log(action="booking.parcel.pickup", actor=parcel.recipient, target=parcel, data={"method": "face"})
        for parcel in parcels[1:]:  # the first one is the answer to the event
            command_send(
                site=locker.site.code,
                device=locker.device_id,
                type="open",
                data={"compartment": parcel.compartment.code},
                re=None,
            )
    return FacePickup(parcels)


def compartment_door_set(*, locker: Device, compartment: str, state: str) -> Compartment | None:
    with transaction.atomic():
        found = Compartment.objects.select_for_update().filter(locker=locker, code=compartment).first()
        if found is not None:
            found.door_open = state == "opened"
            found.save(update_fields=["door_open"])
    return found


def parcels_remind(*, at: datetime | None = None) -> int:
    """Waiting a day: a reminder (once a day); waiting three days: flagged overdue to the front desk."""
    now = at or timezone.now()
    touched = 0
    with transaction.atomic(durable=True):
        for parcel in (
            Parcel.objects.select_for_update()
            .select_related("recipient", "registered_by", "compartment__locker")
            .filter(state=Parcel.State.WAITING, registered_at__lte=now - REMIND_AFTER)
        ):
            if parcel.reminded_at is None or parcel.reminded_at <= now - REMIND_AFTER:
                parcel.reminded_at = now
                notify(
                    user=parcel.recipient,
                    kind="booking.parcel_reminder",
                    title=gettext_lazy("Reminder: your parcel is still waiting (code %(code)s)"),
                    params={"code": parcel.code},
                    url=reverse("booking:parcels"),
                    target=parcel,
                    dedupe_key=f"booking.parcel_reminder:{parcel.pk}:{now:%Y%m%d}",
                )
                touched += 1
            if not parcel.overdue and parcel.registered_at <= now - OVERDUE_AFTER:
                parcel.overdue = True
                notify(
                    user=parcel.registered_by,
                    kind="booking.parcel_overdue",
                    title=gettext_lazy("Overdue parcel for %(who)s"),
                    params={"who": parcel.recipient},
                    url=reverse("booking:front_desk"),
                    target=parcel,
                    dedupe_key=f"booking.parcel_overdue:{parcel.pk}",
                )
                touched += 1
            parcel.save(update_fields=["reminded_at", "overdue"])
    return touched
