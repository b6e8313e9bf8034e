"""Reads of the parking app, scoped to what the caller may see (their site, their own rows)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from building.models import Site
from building.parking.models import ChargeSession, Lot, ParkingSession, ParkingSpace, Passage, Vehicle
from portal.models import User

# A sensor heard from within this many heartbeat intervals is believed; silent longer, its space
# is unknown (never free: a dead sensor over a parked car must not send a driver there).
SILENT_AFTER_HEARTBEATS = 3
MIN_SILENT_S = 120


def space_state(space: ParkingSpace, at: datetime) -> str:
    """free | occupied | unknown."""
    sensor = space.sensor
    if sensor is None or space.occupied is None or sensor.last_seen_at is None or not sensor.is_active:
        return "unknown"
    window = timedelta(seconds=max(MIN_SILENT_S, SILENT_AFTER_HEARTBEATS * sensor.heartbeat_interval_s))
    if at - sensor.last_seen_at > window:
        return "unknown"
    return "occupied" if space.occupied else "free"


def _counts(states: list[tuple[ParkingSpace, str]]) -> dict[str, int]:
    out = {"total": len(states), "free": 0, "occupied": 0, "unknown": 0}
    for _space, state in states:
        out[state] += 1
    return out


def lots_state(*, site: Site, at: datetime | None = None) -> list[dict[str, Any]]:
    """Each car park of the site: code, name, total, free, occupied, unknown, per floor and kind."""
    at = at or timezone.now()
    out = []
    spaces = ParkingSpace.objects.filter(site=site).select_related("sensor", "floor", "lot").order_by("lot__code", "code")
    by_lot: dict[int, list[tuple[ParkingSpace, str]]] = {}
    for space in spaces:
        by_lot.setdefault(space.lot_id, []).append((space, space_state(space, at)))
    for lot in Lot.objects.filter(site=site).order_by("code"):
        states = by_lot.get(lot.pk, [])
        floors: dict[str, list[tuple[ParkingSpace, str]]] = {}
        kinds: dict[str, list[tuple[ParkingSpace, str]]] = {}
        for space, state in states:
            floors.setdefault(space.floor.name if space.floor else "", []).append((space, state))
            kinds.setdefault(space.kind, []).append((space, state))
        out.append(
            {
                "code": lot.code,
                "name": lot.name,
                **_counts(states),
                "floors": [{"floor": name, **_counts(items)} for name, items in floors.items()],
                "kinds": {kind: _counts(items) for kind, items in kinds.items()},
            }
        )
    return out


def lot_for_user(*, user: User, code: str) -> Lot | None:
    return Lot.objects.filter(site=user.site, code=code).select_related("tariff").first()


def vehicles_of(user: User) -> QuerySet[Vehicle]:
    return Vehicle.objects.filter(owner=user).order_by("plate")


def sessions_of(user: User, limit: int = 50) -> list[ParkingSession]:
    """My parking: my cars' visits and my visitors' (I pay for them)."""
    return list(ParkingSession.objects.filter(payer=user).select_related("lot").order_by("-entered_at", "-id")[:limit])


def session_for_user(*, user: User, session_id: int) -> ParkingSession | None:
    return ParkingSession.objects.filter(pk=session_id, payer=user).select_related("lot__tariff").first()


def charges_of(user: User, limit: int = 20) -> list[ChargeSession]:
    return list(ChargeSession.objects.filter(user=user).select_related("charger").order_by("-started_at")[:limit])


def held_passages(*, site: Site, at: datetime | None = None, hours: int = 2) -> QuerySet[Passage]:
    """Cars held at a barrier lately and not let through since (by hand, or by a later read that
    opened: a host who topped up, a visitor whose window began): the guard's list."""
    at = at or timezone.now()
    let_through = Passage.objects.filter(
        camera=OuterRef("camera"), normalised=OuterRef("normalised"), action="open", at__gt=OuterRef("at")
    )
    return (
        Passage.objects.filter(site=site, action="hold", at__gte=at - timedelta(hours=hours))
        .exclude(Exists(let_through))
        .select_related("camera", "lot")
        .order_by("-at")
    )


def personal_data(user: User) -> dict[str, Any]:
    """What the car park holds about a person (PIPL export)."""
    return {
        "vehicles": [{"plate": v.plate, "kind": v.kind, "registered": v.created_at.isoformat()} for v in vehicles_of(user)],
        "sessions": [
            {
                "plate": s.plate,
                "entered": s.entered_at.isoformat() if s.entered_at else None,
                "left": s.exited_at.isoformat() if s.exited_at else None,
                "paid_fen": s.paid_fen,
            }
            for s in sessions_of(user, limit=1000)
        ],
        "charges": [
            {"started": c.started_at.isoformat(), "energy_wh": c.energy_wh, "fee_fen": c.fee_fen}
            for c in charges_of(user, limit=1000)
        ],
    }
