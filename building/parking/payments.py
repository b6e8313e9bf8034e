"""A visitor pays their own parking fee by Alipay, without an account, once.

The pay page (`/parking/pay/`) finds the car's open session by its plate (or by the ticket link
the barrier shows, `/parking/pay/<ticket>/`), shows what a paper ticket would (plate, car park,
entry time, the fee due now) and opens an Alipay order of purpose "parking_fee" through canteen's
generic flow. Canteen calls `_on_paid` under the order's row lock when Alipay's verified notice
(or the query task) says it is paid: it posts the amount from the Alipay clearing account to
parking revenue (key "alipay:<out_trade_no>", once) and marks the session paid, so the car then
leaves within the tariff's grace minutes at no further cost.

An order remembers what the session had paid when it was opened (`reference`
"<session>:<paid_fen>"). If the session's paid sum has moved since (the host's wallet paid at the
exit, or a second order was paid first), the payment is refused and canteen refunds it in full
at Alipay: a retried or doubled payment never charges twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from building.parking.fees import LEDGER_KIND, REVENUE, Rates, due_fen, stay_fee
from building.parking.models import ParkingSession
from building.parking.plates import normalise
from canteen import ledger
from canteen.models import AccountKind, TopUp, Transaction
from canteen.services.alipay import PurposeRefused, TopUpError, TopUpStart, alipay_order_create, alipay_purpose_register
from core.audit import audit_log
from core.realtime import publish_on_commit, site_group

PURPOSE = "parking_fee"
_SALT = "parking.pay-ticket"
# Only sessions someone has to pay for are shown to an anonymous visitor: a staff or official car
# is "not found" there, so the page does not tell who is parked.
PAYING_KINDS = (ParkingSession.Kind.VISITOR, ParkingSession.Kind.OTHER)


class PayError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def ticket_for(session: ParkingSession) -> str:
    """The ticket in the pay link: the session id, signed (no guessing other sessions)."""
    return signing.Signer(salt=_SALT).sign(str(session.pk))


def pay_path(session: ParkingSession | None = None) -> str:
    """Where to pay: the ticket's own page, or the plate form."""
    if session is None:
        return reverse("parking:pay")
    return reverse("parking:pay_ticket", args=[ticket_for(session)])


def pay_url(session: ParkingSession) -> str:
    """The absolute pay link shown at the barrier (PARKING_PAY_BASE_URL, e.g. https://office.example)."""
    return f"{str(getattr(settings, 'PARKING_PAY_BASE_URL', '')).rstrip('/')}{pay_path(session)}"


@dataclass(frozen=True)
class Ticket:
    """What a paper ticket shows, and nothing else (no host, no kind)."""

    session_id: int
    ticket: str
    plate: str
    lot_name: str
    entered_at: datetime
    due_fen: int
    paid_fen: int
    leave_by: datetime | None  # paid: leave before this at no further cost
    open: bool
    grace_minutes: int


def _ticket(session: ParkingSession, at: datetime) -> Ticket:
    tariff = session.lot.tariff
    assert session.entered_at is not None
    due = due_fen(session, tariff, at) if session.state == ParkingSession.State.OPEN else 0
    leave_by = None
    if session.paid_at is not None and due == 0 and session.state == ParkingSession.State.OPEN:
        leave_by = session.paid_at + timedelta(minutes=tariff.grace_minutes)
    return Ticket(
        session.pk, ticket_for(session), session.plate, session.lot.name, session.entered_at, due, session.paid_fen, leave_by,
        session.state == ParkingSession.State.OPEN, tariff.grace_minutes,
    )  # fmt: skip


def ticket_for_plate(*, plate: str, at: datetime | None = None) -> Ticket | None:
    """The parked car with a fee under this plate (as typed: normalised, never corrected)."""
    at = at or timezone.now()
    normalised = normalise(plate)[:10]
    if not normalised or not normalised.isprintable():  # a NUL or control character is no plate (PostgreSQL refuses NUL)
        return None
    session = (
        ParkingSession.objects.filter(
            plate=normalised, state=ParkingSession.State.OPEN, kind__in=PAYING_KINDS, entered_at__isnull=False
        )
        .select_related("lot__tariff")
        .order_by("-entered_at")
        .first()
    )
    return _ticket(session, at) if session is not None else None


def _session_of(ticket: str) -> int | None:
    try:
        return int(signing.Signer(salt=_SALT).unsign(ticket))
    except (signing.BadSignature, ValueError):
        return None


def ticket_lookup(*, ticket: str, at: datetime | None = None) -> Ticket | None:
    """The session behind a ticket link (still shown after the car left: paid or not)."""
    session_id = _session_of(ticket)
    if session_id is None:
        return None
    session = (
        ParkingSession.objects.filter(pk=session_id, kind__in=PAYING_KINDS, entered_at__isnull=False)
        .select_related("lot__tariff")
        .first()
    )
    return _ticket(session, at or timezone.now()) if session is not None else None


def visitor_fee_order_create(*, ticket: str, return_url: str = "", at: datetime | None = None) -> TopUpStart:
    """Open an Alipay order for what the car owes now. PayError(not_found | nothing_due | gateway)."""
    at = at or timezone.now()
    session_id = _session_of(ticket)
    session = (
        ParkingSession.objects.filter(
            pk=session_id or 0, kind__in=PAYING_KINDS, state=ParkingSession.State.OPEN, entered_at__isnull=False
        )
        .select_related("lot__tariff")
        .first()
    )
    if session is None:
        raise PayError("not_found")
    due = due_fen(session, session.lot.tariff, at)
    if due <= 0:
        raise PayError("nothing_due")
    try:
        return alipay_order_create(
            purpose=PURPOSE,
            reference=f"{session.pk}:{session.paid_fen}",
            amount_fen=due,
            subject=f"停车费 {session.plate}",
            return_url=return_url,
            at=at,
        )
    except TopUpError as exc:
        raise PayError("gateway") from exc


def _on_paid(order: TopUp, at: datetime) -> Transaction:
    """Canteen's callback for a paid "parking_fee" order (under the order's row lock)."""
    try:
        session_id, paid_before = (int(part) for part in order.reference.split(":"))
    except ValueError as exc:
        raise PurposeRefused("bad_reference") from exc
    session = ParkingSession.objects.select_for_update(of=("self",)).select_related("lot__tariff").filter(pk=session_id).first()
    if session is None or session.entered_at is None:
        raise PurposeRefused("not_found")
    if session.paid_fen != paid_before:  # paid meanwhile (host's wallet, another order): give it back
        raise PurposeRefused("already_paid")
    amount = order.amount_fen
    # The amount is what was due when the order was opened. Paid later (an order left open for
    # hours, paid just before leaving), it does not buy a grace from now: it counts as paid then,
    # and the started hours since are due again.
    stay = (min(at, session.exited_at or at) - session.entered_at).total_seconds()
    covers_now = stay_fee(stay, Rates.of(session.lot.tariff)) <= paid_before + amount
    paid_at = at if covers_now else min(at, order.created_at)
    posted = ledger.transaction_post(
        kind=LEDGER_KIND,
        key=f"alipay:{order.out_trade_no}",
        legs=[(ledger.system_account(AccountKind.ALIPAY_CLEARING), -amount), (ledger.system_account(REVENUE), amount)],
        description=f"停车费 {session.plate}（支付宝）",
        data={"session": session.pk, "plate": session.plate, "out_trade_no": order.out_trade_no},
        at=at,
    )
    session.paid_fen = paid_before + amount
    session.paid_at = paid_at
    session.payments += 1
    session.fee_fen = max(session.fee_fen, session.paid_fen)
    if "unpaid" in session.flags and session.paid_fen >= session.fee_fen:
        session.flags = [f for f in session.flags if f != "unpaid"]
    session.save(update_fields=["paid_fen", "paid_at", "payments", "fee_fen", "flags"])
    audit_log(
        action="parking.session.pay_alipay",
        actor="alipay",
        target=session,
        data={"amount_fen": amount, "plate": session.plate, "out_trade_no": order.out_trade_no},
    )
    publish_on_commit(
        site_group(session.site.code),
        {"type": "parking.paid", "session": session.pk, "plate": session.plate, "fee_fen": amount, "via": "alipay"},
    )
    return posted.transaction


alipay_purpose_register(PURPOSE, _on_paid)
