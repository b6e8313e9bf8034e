"""What a stay costs (pure) and paying it once through the ledger."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction

from building.parking.models import ParkingSession, Tariff
from canteen import ledger
from canteen.ledger import LedgerError
from portal.models import User

DAY_S = 24 * 3600
HOUR_S = 3600
LEDGER_KIND = "parking_fee"
REVENUE = "parking_revenue"


@dataclass(frozen=True)
class Rates:
    free_minutes: int = 30
    hour_fen: int = 500
    day_cap_fen: int = 4000

    @classmethod
    def of(cls, tariff: Tariff) -> Rates:
        return cls(tariff.free_minutes, tariff.hour_fen, tariff.day_cap_fen)


def stay_fee(seconds: float, rates: Rates = Rates()) -> int:
    """Fen for a stay of `seconds`: free up to the free period; otherwise every started hour from
    arrival, capped per full 24 hours from arrival; the remainder the same way, no second free
    period (61 min -> 1000, 24 h 10 min -> 4500, 26 h 10 min -> 5500)."""
    if seconds <= rates.free_minutes * 60:
        return 0
    days, rest = divmod(int(-(-seconds // 1)), DAY_S)  # whole seconds, rounded up
    started_hours = -(-rest // HOUR_S)
    return days * rates.day_cap_fen + min(started_hours * rates.hour_fen, rates.day_cap_fen)


def due_fen(session: ParkingSession, tariff: Tariff, at: datetime) -> int:
    """What is still owed if the car leaves at `at`: nothing within the grace after paying."""
    if session.entered_at is None:
        return 0
    if session.paid_at is not None and at - session.paid_at <= timedelta(minutes=tariff.grace_minutes):
        return 0
    total = stay_fee((at - session.entered_at).total_seconds(), Rates.of(tariff))
    return max(0, total - session.paid_fen)


def session_pay_from_wallet(*, session: ParkingSession, payer: User, amount_fen: int, at: datetime) -> None:
    """Move `amount_fen` from the payer's cash wallet to parking revenue, once.

    The key names the session and the total it brings the paid sum to, so a repeated exit or a
    retried payment of the same amount posts nothing new. The caller holds the session row lock.
    Raises LedgerError (insufficient_funds, frozen) before writing anything."""
    if amount_fen <= 0:
        return
    total = session.paid_fen + amount_fen
    cash = ledger.user_accounts(payer).cash
    # A savepoint of our own: a refusal raised inside the ledger's block would otherwise doom the
    # caller's whole transaction (the barrier answers "hold" and must still commit the passage).
    with transaction.atomic():
        posted = ledger.transaction_post(
            kind=LEDGER_KIND,
            key=f"parking:{session.pk}:{total}",
            legs=[(cash, -amount_fen), (ledger.system_account(REVENUE), amount_fen)],
            user=payer,
            description=f"停车费 {session.plate}",  # statements are shown in Chinese
            data={"session": session.pk, "plate": session.plate},
            at=at,
        )
    if posted.created:
        session.paid_fen = total
        session.paid_at = at
        session.payments += 1


__all__ = ["LedgerError", "Rates", "due_fen", "session_pay_from_wallet", "stay_fee"]
