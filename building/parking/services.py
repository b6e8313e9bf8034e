"""Writes of the parking app besides the barrier (barrier.py) and chargers (charging.py):
vehicles, car parks and their spaces, sensor readings, the daily sweep."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from building.models import Floor, Site
from building.parking.models import Lot, ParkingSession, ParkingSpace, Tariff, Vehicle
from building.parking.plates import PlateError, validate
from core.audit import audit_log
from core.realtime import publish_on_commit, site_group
from devices.models import Device
from portal.models import User

MAX_VEHICLES_PER_PERSON = 5
LONG_OPEN = timedelta(hours=72)  # default of the sweep: a car parked three days is worth a look


class VehicleError(Exception):
    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


def vehicle_register(
    *, user: User | None, plate: str, kind: str = Vehicle.Kind.STAFF, label: str = "", site: Site | None = None
) -> Vehicle:
    """Register a plate to a person (several per person) or, with kind=official, to the agency.

    VehicleError: invalid (PlateError as `detail`: its code), taken, too_many, no_site."""
    try:
        normalised = validate(plate)
    except PlateError as exc:
        raise VehicleError("invalid", exc.code) from exc
    site = site or (user.site if user is not None else None)
    if site is None:
        raise VehicleError("no_site")
    if kind == Vehicle.Kind.STAFF and user is None:
        raise VehicleError("no_owner")
    with transaction.atomic(durable=True):
        if user is not None and Vehicle.objects.filter(owner=user).count() >= MAX_VEHICLES_PER_PERSON:
            raise VehicleError("too_many", str(MAX_VEHICLES_PER_PERSON))
        if Vehicle.objects.filter(site=site, plate=normalised).exists():
            raise VehicleError("taken", normalised)
        try:
            with transaction.atomic():
                vehicle = Vehicle.objects.create(site=site, plate=normalised, kind=kind, owner=user, label=label[:60])
        except IntegrityError as exc:  # registered concurrently
            raise VehicleError("taken", normalised) from exc
        audit_log(action="parking.vehicle.register", actor=user, target=vehicle, data={"plate": normalised, "kind": kind})
    return vehicle


def vehicle_remove(*, user: User, vehicle_id: int) -> None:
    """Remove one of the caller's own vehicles (another's: VehicleError not_found)."""
    with transaction.atomic(durable=True):
        vehicle = Vehicle.objects.select_for_update().filter(pk=vehicle_id, owner=user).first()
        if vehicle is None:
            raise VehicleError("not_found")
        audit_log(action="parking.vehicle.remove", actor=user, target=vehicle, data={"plate": vehicle.plate})
        vehicle.delete()


def tariff_ensure(*, site: Site, code: str, name: str, **rates: int) -> Tariff:
    tariff, _ = Tariff.objects.get_or_create(site=site, code=code, defaults={"name": name, **rates})
    return tariff


def lot_ensure(*, site: Site, code: str, name: str, tariff: Tariff, devices: Sequence[Device] = ()) -> Lot:
    lot, _ = Lot.objects.get_or_create(site=site, code=code, defaults={"name": name, "tariff": tariff})
    if devices:
        lot.devices.add(*devices)
    return lot


def space_ensure(
    *, lot: Lot, code: str, floor: Floor | None = None, kind: str = ParkingSpace.Kind.NORMAL, sensor: Device | None = None
) -> ParkingSpace:
    space, created = ParkingSpace.objects.get_or_create(
        lot=lot, code=code, defaults={"site": lot.site, "floor": floor, "kind": kind, "sensor": sensor}
    )
    if not created and sensor is not None and space.sensor_id != sensor.pk:
        space.sensor = sensor
        space.save(update_fields=["sensor"])
    return space


def space_occupancy_set(*, sensor: Device, occupied: bool, at: datetime) -> ParkingSpace | None:
    """A sensor's reading. Older than what we hold (a late retransmission): ignored. Runs inside
    the dispatcher's transaction; the live count goes out on commit."""
    space = ParkingSpace.objects.select_for_update(of=("self",)).filter(sensor=sensor).select_related("lot", "floor").first()
    if space is None:
        return None
    if space.sensed_at is not None and at < space.sensed_at:
        return space
    changed = space.occupied != occupied
    space.occupied, space.sensed_at = occupied, at
    space.save(update_fields=["occupied", "sensed_at"])
    if changed:
        publish_on_commit(
            site_group(sensor.site.code),
            {
                "type": "parking.occupancy",
                "lot": space.lot.code,
                "space": space.code,
                "floor": space.floor.name if space.floor else "",
                "occupied": occupied,
                "at": at.isoformat(),
            },
        )
    return space


def sessions_sweep(*, at: datetime | None = None, older_than: timedelta = LONG_OPEN) -> dict[str, Any]:
    """Flag open sessions older than `older_than` once (the daily beat task), for the guards."""
    at = at or timezone.now()
    flagged = []
    with transaction.atomic(durable=True):
        stale = ParkingSession.objects.select_for_update().filter(state=ParkingSession.State.OPEN, entered_at__lt=at - older_than)
        for session in stale:
            if "long_open" in session.flags:
                continue
            session.flags = [*session.flags, "long_open"]
            session.save(update_fields=["flags"])
            flagged.append(session.plate)
            publish_on_commit(
                site_group(session.site.code),
                {
                    "type": "parking.long_open",
                    "plate": session.plate,
                    "entered_at": session.entered_at.isoformat() if session.entered_at else None,
                },
            )
        if flagged:
            audit_log(action="parking.session.sweep", actor="scheduler", data={"flagged": flagged})
    return {"flagged": len(flagged)}


def session_pay(*, user: User, session_id: int, at: datetime | None = None) -> ParkingSession:
    """A host pays what their visitor's stay costs so far, now: the car then has the tariff's
    grace minutes to leave at no further cost. VehicleError(not_found | nothing_due) or
    canteen LedgerError (insufficient_funds, frozen)."""
    from building.parking.fees import due_fen, session_pay_from_wallet

    at = at or timezone.now()
    with transaction.atomic(durable=True):
        session = (
            ParkingSession.objects.select_for_update(of=("self",))
            .filter(pk=session_id, payer=user, state=ParkingSession.State.OPEN)
            .select_related("lot__tariff")
            .first()
        )
        if session is None:
            raise VehicleError("not_found")
        due = due_fen(session, session.lot.tariff, at)
        if due <= 0:
            raise VehicleError("nothing_due")
        session_pay_from_wallet(session=session, payer=user, amount_fen=due, at=at)
        session.fee_fen = session.paid_fen
        session.save(update_fields=["paid_fen", "paid_at", "payments", "fee_fen"])
        audit_log(action="parking.session.pay", actor=user, target=session, data={"amount_fen": due, "plate": session.plate})
    return session


def vehicle_ensure(*, site: Site, plate: str, kind: str, owner: User | None = None, label: str = "") -> Vehicle:
    """Setup path (seed_demo, fixtures): the vehicle with this plate, created if missing."""
    vehicle, _ = Vehicle.objects.get_or_create(
        site=site, plate=validate(plate), defaults={"kind": kind, "owner": owner, "label": label}
    )
    return vehicle
