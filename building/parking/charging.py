"""EV charging: a person starts a charge (card or pay code), energy comes from the charger's
cumulative meter, the cost by the car park's tariff is paid from the wallet once at the stop.

A meter that reboots mid-session starts again from 0: a reading below the last one is a reset,
so the energy since then is the reading itself (never a negative delta, never counted twice)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction

from building.parking.barrier import lot_of
from building.parking.models import ChargeSession
from canteen import ledger
from canteen.ledger import LedgerError
from canteen.services.payer import payer_identify
from core.audit import audit_log
from devices.models import Device
from portal.models import User

LEDGER_KIND = "ev_charge"
REVENUE = "parking_revenue"
DEFAULT_KWH_FEN = 150


@dataclass(frozen=True)
class ChargeResult:
    action: str  # start | refuse | stopped
    reason: str
    session: ChargeSession | None = None

    def as_reply(self) -> dict[str, Any]:
        s = self.session
        return {
            "action": self.action,
            "session": s.pk if s else None,
            "energy_kwh": round(s.energy_wh / 1000, 3) if s else 0.0,
            "fee_fen": s.fee_fen if s else 0,
            "reason": self.reason,
        }


def _wh(kwh: float) -> int:
    return round(kwh * 1000)


def _person(charger: Device, card: str | None, qr: str | None, at: datetime) -> User | str:
    """Who starts the charge: the same identification as the tills (canteen.services.payer)."""
    if not qr and not card:
        return "no_person"
    payer = payer_identify(site=charger.site, at=at, code=qr or "", card="" if qr else (card or ""))
    if payer.user is None:
        return payer.reason
    if payer.user.site_id != charger.site_id:
        return "unknown_card"
    return payer.user


def charge_start(*, charger: Device, card: str | None, qr: str | None, meter_kwh: float, at: datetime) -> ChargeResult:
    # Busy first: a charger in use says so whoever asks (and spends no single-use pay code).
    if ChargeSession.objects.filter(charger=charger, state=ChargeSession.State.CHARGING).exists():
        return ChargeResult("refuse", "busy")
    person = _person(charger, card, qr, at)
    if isinstance(person, str):
        return ChargeResult("refuse", person)
    try:
        with transaction.atomic():
            session = ChargeSession.objects.create(
                site=charger.site, charger=charger, user=person, started_at=at, meter_last_wh=_wh(meter_kwh)
            )
    except IntegrityError:
        return ChargeResult("refuse", "busy")
    audit_log(action="parking.charge.start", actor=person, target=session, data={"charger": charger.device_id})
    return ChargeResult("start", "", session)


def _advance(session: ChargeSession, wh: int) -> None:
    if wh >= session.meter_last_wh:
        session.energy_wh += wh - session.meter_last_wh
    else:  # the meter restarted from 0 (reboot): what it shows now was used since then
        session.energy_wh += wh
        session.resets += 1
    session.meter_last_wh = wh


def _open(charger: Device) -> ChargeSession | None:
    return ChargeSession.objects.select_for_update().filter(charger=charger, state=ChargeSession.State.CHARGING).first()


def charge_reading(*, charger: Device, meter_kwh: float, at: datetime) -> None:
    """A meter reading during a charge (telemetry): needed to see a reset between start and stop."""
    session = _open(charger)
    if session is None or at < session.started_at:
        return
    _advance(session, _wh(meter_kwh))
    session.save(update_fields=["energy_wh", "meter_last_wh", "resets"])


def charge_stop(*, charger: Device, meter_kwh: float, at: datetime) -> ChargeResult:
    """Close the charger's session and pay it from the wallet, once (key per session)."""
    session = _open(charger)
    if session is None:
        last = ChargeSession.objects.filter(charger=charger).order_by("-started_at").first()
        return ChargeResult("stopped", "not_charging", last)
    _advance(session, _wh(meter_kwh))
    lot = lot_of(charger)
    kwh_fen = lot.tariff.kwh_fen if lot is not None else DEFAULT_KWH_FEN
    session.fee_fen = -(-session.energy_wh * kwh_fen // 1000)  # started fen rounded up
    session.stopped_at = at
    session.state = ChargeSession.State.PAID
    reason = ""
    if session.fee_fen > 0:
        try:
            with transaction.atomic():  # a refusal must not doom the dispatcher's transaction
                ledger.transaction_post(
                    kind=LEDGER_KIND,
                    key=f"ev:{session.pk}",
                    legs=[
                        (ledger.user_accounts(session.user).cash, -session.fee_fen),
                        (ledger.system_account(REVENUE), session.fee_fen),
                    ],
                    user=session.user,
                    description=f"充电 {session.energy_wh / 1000:.3f} kWh",
                    data={"charge_session": session.pk},
                    at=at,
                )
        except LedgerError as exc:
            session.state, reason = ChargeSession.State.UNPAID, exc.reason
    session.save()
    audit_log(
        action="parking.charge.stop",
        actor=session.user,
        target=session,
        data={"energy_wh": session.energy_wh, "fee_fen": session.fee_fen, "resets": session.resets, "state": session.state},
    )
    return ChargeResult("stopped", reason, session)
