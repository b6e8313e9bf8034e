"""Humane sentences for the reasons services give (pages never show a code)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

DROP_REASONS = {
    "ok": _("Points credited."),
    "daily_cap": _("Today's points limit is reached; the drop still counts for the recycling rate."),
    "no_points_for_category": _("This category earns no points."),
    "too_light": _("Too light to earn points (under 20 g)."),
    "held_for_review": _("Waiting for a manager to check it."),
    "rejected_by_review": _("Not credited after review."),
    "wrong_compartment": _("Dropped in the wrong compartment."),
    "credential_revoked": _("This card or QR code is no longer valid."),
    "credential_expired": _("This card or QR code is no longer valid."),
}

REDEEM_REASONS = {
    "not_found": _("This item is not available."),
    "out_of_stock": _("This item is out of stock."),
    "not_enough_points": _("You do not have enough points for this."),
    "bad_quantity": _("Choose a quantity between 1 and 20."),
    "frozen": _("Your account is frozen. Ask the canteen office."),
}

REVIEW_REASONS = {
    "not_found": _("No such drop."),
    "not_held": _("This drop was already reviewed."),
}


def drop_reason(code: str) -> str:
    return str(DROP_REASONS.get(code, _("Not credited: the person was not recognised.")))


def redeem_reason(code: str) -> str:
    return str(REDEEM_REASONS.get(code, _("The exchange could not be made.")))


def review_reason(code: str) -> str:
    return str(REVIEW_REASONS.get(code, _("The review could not be saved.")))
