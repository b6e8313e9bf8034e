"""The barrier: a camera's read -> open or hold, the session it opens or closes, the fee paid once.

Who opens: registered staff vehicles and official vehicles; a visitor whose plate is booked
(portal.booking, through visitors.py) inside the booking's window. Anything else is held and
shown on the panel; a guard may open by hand with a reason. Reads of one car at one camera
within DEBOUNCE are one passage (the later ones get the first answer again).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q

from building.parking import fees
from building.parking.models import Lot, ParkingSession, Passage, Vehicle
from building.parking.payments import pay_url
from building.parking.plates import Candidate, Match, MatchRule, decide, lookups, normalise
from building.parking.visitors import VisitorBooking, visitor_booking_for
from canteen.ledger import LedgerError
from core.audit import audit_log
from core.realtime import publish_on_commit, site_group
from devices.commands import command_send
from devices.models import Device
from portal.models import User

DEBOUNCE = timedelta(seconds=10)
# A car whose session closed this recently and reads again at the exit is the same car still at
# the barrier (it did not open, it backed up): let it out, charge nothing more.
RECENT_EXIT = timedelta(minutes=15)


def match_rule() -> MatchRule:
    return MatchRule(
        exact_min=float(getattr(settings, "PARKING_EXACT_MIN_CONFIDENCE", 0.6)),
        corrected_min=float(getattr(settings, "PARKING_CORRECTED_MIN_CONFIDENCE", 0.8)),
        province_tolerance=bool(getattr(settings, "PARKING_PROVINCE_TOLERANCE", False)),
    )


def lot_of(device: Device) -> Lot | None:
    """The car park a camera or charger serves: the one listing it, else the site's only one."""
    lot = Lot.objects.filter(devices=device).select_related("tariff").first()
    if lot is not None:
        return lot
    lots = list(Lot.objects.filter(site=device.site).select_related("tariff")[:2])
    return lots[0] if len(lots) == 1 else None


@dataclass
class Resolved:
    match: Match
    vehicle: Vehicle | None = None
    session: ParkingSession | None = None
    visitor: VisitorBooking | None = None


@dataclass
class _Known:
    vehicles: dict[str, Vehicle] = field(default_factory=dict)
    sessions: dict[str, ParkingSession] = field(default_factory=dict)
    visitors: dict[str, VisitorBooking] = field(default_factory=dict)

    def plates(self) -> set[str]:
        return set(self.vehicles) | set(self.sessions) | set(self.visitors)


def _known(lot: Lot, cands: list[Candidate], at: datetime, *, exit_: bool, visitors: bool = True) -> _Known:
    plates = [c.plate for c in cands]
    known = _Known(vehicles={v.plate: v for v in Vehicle.objects.filter(site=lot.site, plate__in=plates).select_related("owner")})
    if exit_:
        open_ = ParkingSession.objects.select_for_update().filter(lot=lot, plate__in=plates, state=ParkingSession.State.OPEN)
        known.sessions = {s.plate: s for s in open_.order_by("entered_at")}
    for plate in plates if visitors else ():
        if plate not in known.vehicles and plate not in known.sessions:
            booking = visitor_booking_for(site=lot.site, plate=plate, at=at)
            if booking is not None:
                known.visitors[plate] = booking
    return known


def plate_resolve(*, lot: Lot, raw: str, confidence: float, at: datetime, exit_: bool) -> Resolved:
    """Who the read is, under the confidence rule; the province guess only if nothing else fits."""
    rule = match_rule()
    direct, guesses = lookups(raw, rule=rule)
    known = _known(lot, direct, at, exit_=exit_)
    found = {c.plate: c.corrections for c in direct if c.plate in known.plates()}
    match = decide(raw, confidence, found, rule=rule)
    if not found and guesses:
        # Province guesses are checked against registered cars and parked sessions only: 30
        # booking look-ups per unknown car would be a query storm for a rarely used option.
        known = _known(lot, guesses, at, exit_=exit_, visitors=False)
        found = {c.plate: c.corrections for c in guesses if c.plate in known.plates()}
        match = decide(raw, confidence, found, rule=rule, province_used=True)
    if match.plate is None:
        return Resolved(match)
    p = match.plate
    return Resolved(match, known.vehicles.get(p), known.sessions.get(p), known.visitors.get(p))


@dataclass(frozen=True)
class Decision:
    action: str  # open | hold
    reason: str
    fee_fen: int = 0
    session: ParkingSession | None = None


def _entry(lot: Lot, who: Resolved, plate: str, at: datetime) -> Decision:
    if who.vehicle is None and who.visitor is None:
        return Decision("hold", who.match.reason)
    existing = ParkingSession.objects.filter(lot=lot, plate=plate, state=ParkingSession.State.OPEN).first()
    if existing is not None:  # its exit was never read: keep the first entry, flag it
        if "entered_twice" not in existing.flags:
            existing.flags = [*existing.flags, "entered_twice"]
            existing.save(update_fields=["flags"])
        return Decision("open", "already_parked", session=existing)
    if who.vehicle is not None:
        fields: dict[str, Any] = {"kind": who.vehicle.kind, "vehicle": who.vehicle, "payer": who.vehicle.owner}
    else:
        assert who.visitor is not None
        fields = {"kind": ParkingSession.Kind.VISITOR, "payer": who.visitor.host, "booking_id": who.visitor.booking_id}
    try:
        with transaction.atomic():  # one open session per car and car park (a database constraint)
            session = ParkingSession.objects.create(site=lot.site, lot=lot, plate=plate, entered_at=at, **fields)
    except IntegrityError:  # the same car read at another entry camera at this very moment
        session = ParkingSession.objects.get(lot=lot, plate=plate, state=ParkingSession.State.OPEN)
        return Decision("open", "already_parked", session=session)
    return Decision("open", str(fields["kind"]), session=session)


def _close(session: ParkingSession, at: datetime, *flags: str) -> None:
    session.state = ParkingSession.State.CLOSED
    session.exited_at = at
    session.flags = [*session.flags, *(f for f in flags if f not in session.flags)]
    session.save()


def _exit(lot: Lot, who: Resolved, plate: str, at: datetime) -> Decision:
    session = who.session
    if session is None:
        recent = (
            ParkingSession.objects.filter(
                lot=lot, plate=plate, state=ParkingSession.State.CLOSED, exited_at__gte=at - RECENT_EXIT
            )
            .order_by("-exited_at")
            .first()
        )
        if recent is not None and (who.match.plate is not None or recent.plate == plate):
            return Decision("open", "already_left", session=recent)
        if who.match.plate is None:
            return Decision("hold", who.match.reason)
        # A known car leaving with no entry on record (a missed read, a car in since before).
        if lot.exit_without_entry == Lot.NoEntry.HOLD:
            return Decision("hold", "no_entry")
        kind = who.vehicle.kind if who.vehicle else ParkingSession.Kind.VISITOR
        session = ParkingSession.objects.create(
            site=lot.site, lot=lot, plate=plate, kind=kind, vehicle=who.vehicle, payer=who.vehicle.owner if who.vehicle else None,
            booking_id=who.visitor.booking_id if who.visitor else None, state=ParkingSession.State.CLOSED, exited_at=at,
            flags=["exit_without_entry"],
        )  # fmt: skip
        return Decision("open", "no_entry", session=session)
    if session.kind in (ParkingSession.Kind.STAFF, ParkingSession.Kind.OFFICIAL):
        _close(session, at)
        return Decision("open", session.kind, session=session)
    due = fees.due_fen(session, lot.tariff, at)
    if due > 0:
        if session.payer is None:
            session.fee_fen = session.paid_fen + due
            session.save(update_fields=["fee_fen"])
            return Decision("hold", "payment_required", fee_fen=due, session=session)
        try:
            fees.session_pay_from_wallet(session=session, payer=session.payer, amount_fen=due, at=at)
        except LedgerError as exc:
            session.fee_fen = session.paid_fen + due
            session.save(update_fields=["fee_fen"])
            return Decision("hold", exc.reason, fee_fen=due, session=session)
    session.fee_fen = session.paid_fen
    _close(session, at)
    return Decision("open", "paid" if due > 0 or session.paid_fen > 0 else "free", fee_fen=due, session=session)


def _reply(passage: Passage) -> dict[str, Any]:
    reply = {
        "action": passage.action,
        "fee_fen": passage.fee_fen,
        "plate": passage.matched or passage.normalised,
        "reason": passage.reason,
    }
    if passage.action == "hold" and passage.fee_fen > 0 and passage.session is not None:
        # Held for a fee: where the driver pays, beside the unchanged reason code (the barrier's
        # display shows the link as text or a QR code): /parking/pay/<ticket>/.
        reply["pay_url"] = pay_url(passage.session)
    return reply


def _panel_event(passage: Passage, camera: Device, type_: str = "parking.passage") -> None:
    publish_on_commit(
        site_group(camera.site.code),
        {
            "type": type_,
            "passage": passage.pk,
            "camera": camera.name or camera.device_id,
            "direction": passage.direction,
            "plate": passage.matched or passage.normalised,
            "raw": passage.raw,
            "action": passage.action,
            "reason": passage.reason,
            "fee_fen": passage.fee_fen,
            "at": passage.at.isoformat(),
        },
    )


def passage_record(*, camera: Device, raw: str, confidence: float, direction: str, event_id: str, at: datetime) -> dict[str, Any]:
    """Decide one read; returns the `barrier` cmd data. Runs inside the dispatcher's transaction
    (the bridge's batch), so a failure anywhere leaves nothing half-written."""
    with transaction.atomic():
        normalised = normalise(raw)[:40]
        lot = lot_of(camera)
        if lot is None:
            passage = Passage.objects.create(
                site=camera.site, camera=camera, direction=direction, raw=raw[:40], normalised=normalised, match_reason="",
                confidence=confidence, action="hold", reason="no_car_park", event_id=event_id, at=at,
            )  # fmt: skip
            return _reply(passage)
        who = plate_resolve(lot=lot, raw=raw, confidence=confidence, at=at, exit_=direction == "out")
        plate = who.match.plate or normalised
        same = Q(normalised=normalised) | (Q(matched=who.match.plate) if who.match.plate else Q(pk__in=[]))
        earlier = (
            Passage.objects.select_for_update()
            .filter(same, camera=camera, direction=direction, at__gte=at - DEBOUNCE, at__lte=at + DEBOUNCE)
            .order_by("-at")
            .first()
        )
        if earlier is not None:
            earlier.repeats += 1
            earlier.save(update_fields=["repeats"])
            return _reply(earlier)
        decision = _entry(lot, who, plate, at) if direction == "in" else _exit(lot, who, plate, at)
        passage = Passage.objects.create(
            site=camera.site, lot=lot, camera=camera, direction=direction, raw=raw[:40], normalised=normalised,
            matched=who.match.plate or "", match_reason=who.match.reason, confidence=confidence, action=decision.action,
            reason=decision.reason, fee_fen=decision.fee_fen, session=decision.session, event_id=event_id, at=at,
        )  # fmt: skip
        _panel_event(passage, camera, "parking.held" if decision.action == "hold" else "parking.passage")
        return _reply(passage)


class BarrierError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def barrier_open_manual(*, actor: User, camera_id: int, reason: str, passage_id: int | None = None, at: datetime) -> Passage:
    """A guard opens a barrier by hand, with a reason: audited, the camera's barrier gets `open`.

    With a held passage: an entry starts a session (kind other, no payer); an exit closes the
    car's open session, flagged manual (and unpaid if a fee was due)."""
    reason = reason.strip()
    if not reason:
        raise BarrierError("reason_required")
    with transaction.atomic(durable=True):
        camera = Device.objects.filter(pk=camera_id, site=actor.site, kind="plate_camera").select_related("site").first()
        if camera is None:
            raise BarrierError("not_found")
        held = None
        if passage_id is not None:
            held = Passage.objects.select_for_update().filter(pk=passage_id, camera=camera).first()
            if held is None:
                raise BarrierError("not_found")
            if held.opened_by_id is not None or held.action == "open":
                raise BarrierError("already_open")
        lot = lot_of(camera)
        plate = (held.matched or held.normalised) if held else ""
        session = None
        if held is not None and lot is not None and plate:
            session = (
                ParkingSession.objects.select_for_update().filter(lot=lot, plate=plate, state=ParkingSession.State.OPEN).first()
            )
            if held.direction == "in" and session is None:
                session = ParkingSession.objects.create(
                    site=lot.site, lot=lot, plate=plate, kind=ParkingSession.Kind.OTHER, entered_at=at, flags=["manual"]
                )
            elif held.direction == "out" and session is not None:
                _close(session, at, "manual", *(("unpaid",) if session.fee_fen > session.paid_fen else ()))
        passage = held or Passage(
            site=camera.site,
            lot=lot,
            camera=camera,
            direction="",
            raw="",
            normalised="",
            match_reason="manual",
            confidence=0,
            at=at,
        )
        passage.action, passage.reason = "open", "manual"
        passage.opened_by, passage.manual_reason = actor, reason[:200]
        passage.session = session or passage.session
        passage.save()
        data = {"action": "open", "fee_fen": 0, "plate": plate, "reason": "manual"}
        command_send(
            site=camera.site.code, device=camera.device_id, type="barrier", data=data, re=held.event_id if held else None
        )
        audit_log(
            action="parking.barrier.open_manual",
            actor=actor,
            target=passage,
            data={"camera": camera.device_id, "plate": plate, "reason": reason[:200], "held": passage_id},
        )
        _panel_event(passage, camera, "parking.opened")
    return passage
