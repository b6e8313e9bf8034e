"""Fees of priced slots (laundry, car wash): charged when booked, refunded once if cancelled in time."""

from __future__ import annotations

from django.utils.translation import gettext as _

from canteen import ledger
from portal.booking.errors import BookingError
from portal.booking.models import Booking

FEE_KIND = "booking_fee"
REFUND_KIND = "booking_refund"
REVENUE_ACCOUNT = "booking_revenue"


def fee_charge(booking: Booking) -> None:
    """Inside the booking's transaction: no booking without its payment, no payment without its booking."""
    cash = ledger.user_accounts(booking.user).cash
    try:
        ledger.transaction_post(
            kind=FEE_KIND,
            key=f"booking_fee:{booking.pk}",
            legs=[(cash, -booking.fee_fen), (ledger.system_account(REVENUE_ACCOUNT), booking.fee_fen)],
            user=booking.user,
            description=booking.resource.name,
            data={"booking": booking.pk},
        )
    except ledger.LedgerError as exc:
        if exc.reason in ("insufficient_funds", "frozen"):
            raise BookingError(
                "insufficient_funds",
                _("Your wallet balance is too low for this slot (¥%(fee).2f). Top up and try again.")
                % {"fee": booking.fee_fen / 100},
            ) from exc
        raise


def fee_refund(booking: Booking) -> None:
    """The key makes a second refund of one booking impossible, whoever asks and however often."""
    cash = ledger.user_accounts(booking.user).cash
    ledger.transaction_post(
        kind=REFUND_KIND,
        key=f"booking_refund:{booking.pk}",
        legs=[(ledger.system_account(REVENUE_ACCOUNT), -booking.fee_fen), (cash, booking.fee_fen)],
        user=booking.user,
        description=booking.resource.name,
        data={"booking": booking.pk},
    )
