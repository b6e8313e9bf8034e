"""Reason codes of the parking services as sentences people read (never a code on a page)."""

from __future__ import annotations

from django.utils.translation import gettext as _


def message_for(reason: str) -> str:
    messages = {
        # plates (plates.PlateError codes)
        "empty": _("Enter a plate number."),
        "length": _("A plate has 7 characters, or 8 for a new-energy vehicle (for example 京A12345 or 京AD12345)."),
        "province": _("A plate starts with a province character such as 京, 沪 or 粤."),
        "authority": _("The second character of a plate is a letter (A to Z, never I)."),
        "i_or_o": _("Plate numbers never contain the letters I or O: did you mean the digits 1 or 0?"),
        "new_energy": _(
            "An 8-character new-energy plate has D or F right after the letter (small cars) or at the end (large vehicles)."
        ),
        "serial": _("The last five characters of a plate are digits and letters only."),
        # vehicles
        "invalid": _("This is not a valid plate number."),
        "taken": _("This plate is already registered."),
        "too_many": _("You have registered as many vehicles as allowed; remove one first."),
        "no_site": _("Your account belongs to no site; ask the administrator."),
        "no_owner": _("A staff vehicle needs an owner."),
        "not_found": _("Not found."),
        "nothing_due": _("Nothing to pay at the moment."),
        "gateway": _("Alipay could not be reached. Please try again in a moment."),
        # payments (canteen ledger reasons)
        "insufficient_funds": _("Your wallet balance is too low; top up first."),
        "frozen": _("Your wallet is frozen; contact the canteen office."),
        # visitors
        "no_booking_engine": _("Visitor invitations are not available yet."),
        "no_visitor_parking": _("There is no visitor parking to book on this site."),
        "bad_window": _("The visit must end after it starts."),
        "conflict": _("No visitor parking space is free for that time."),
        # barrier
        "reason_required": _("Give a reason for opening the barrier by hand."),
        "already_open": _("This car was already let through."),
    }
    return messages.get(reason, _("That did not work. Please try again or ask the front desk."))


def barrier_reason(reason: str) -> str:
    """Why a barrier opened or held, for the guard's list and my history."""
    labels = {
        "staff": _("staff vehicle"),
        "official": _("official vehicle"),
        "visitor": _("invited visitor"),
        "unknown": _("not registered"),
        "ambiguous": _("several registered plates fit the read"),
        "low_confidence": _("read not clear enough"),
        "payment_required": _("fee to pay"),
        "insufficient_funds": _("host's wallet too low"),
        "frozen": _("host's wallet frozen"),
        "no_entry": _("no entry on record"),
        "no_car_park": _("camera not assigned to a car park"),
        "manual": _("opened by hand"),
        "paid": _("fee paid"),
        "free": _("no fee"),
        "already_left": _("already let out"),
        "already_parked": _("already parked"),
    }
    return str(labels.get(reason, reason))
