"""What each canteen service error reason means, said to the person in front of the screen."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from portal.reasons import Reasons, humane

CANTEEN_REASONS: Reasons = {
    # ledger / charges
    "insufficient_funds": _("Your balance is too low. Top up the wallet, then try again."),
    "frozen": _("This wallet is frozen. Please ask the canteen office."),
    "conflict": _("This payment was already made with different details. Check the receipt before paying again."),
    "code_used": _("This pay code has already been used. Show a fresh code."),
    "code_expired": _("This pay code has expired. Show a fresh code."),
    "bad_code": _("This is not a valid pay code. Scan it again."),
    "unknown_user": _("This pay code belongs to nobody here."),
    "unknown_card": _("This card is not known. Ask the canteen office."),
    "merchant_closed": _("This counter is closed now."),
    "bad_amount": _("Enter a valid amount."),
    "unbalanced": _("The booking did not add up and was not made. Please tell the office."),
    "reason_required": _("Please say why."),
    # refunds
    "exceeds_paid": _("That is more than can still be refunded for this payment."),
    # shop and takeaway
    "empty_order": _("Choose at least one dish."),
    "empty_cart": _("The cart is empty."),
    "bad_item": _("A dish in the order is no longer on the menu. Please order again."),
    "bad_quantity": _("A quantity is not valid."),
    "unknown_product": _("A product is not known at this till."),
    "out_of_stock": _("Sold out: a product in the order is no longer in stock."),
    "wrong_merchant": _("This counter does not sell that."),
    "slot_passed": _("That pickup time has passed. Choose a later one."),
    "no_code": _("No pickup code is free right now. Please try again in a minute."),
    "no_identity": _("Enter the pickup code or take a photo of the customer."),
    "no_order": _("No paid order is waiting for this code or person."),
    # faces at the till
    "unknown_face": _("The face is not recognised. Use the pay code instead."),
    "no_face": _("No face found in the photo. Take it again, facing the camera."),
    "multiple_faces": _("More than one face in the photo. Only the payer should be in view."),
    "bad_image": _("The photo could not be read. Take it again."),
    "face_too_small": _("The face is too small. Come closer to the camera."),
    "busy_retry": _("Face recognition is busy. Try again in a moment."),
    "no_consent": _("This person has not consented to paying by face. Use the pay code."),
    "face_unavailable": _("Face payment is not available on this server. Use the pay code."),
    "unknown_merchant": _("This counter is not set up. Ask the canteen office."),
    "no_payer": _("Scan the customer's pay code or take a photo of their face."),
    # Alipay top-ups
    "gateway": _("Alipay did not accept the top-up. Please try again later."),
}


def canteen_reason(reason: str) -> str:
    return humane(CANTEEN_REASONS, reason)


PAYMENT_METHODS: Reasons = {
    "face": _("face"),
    "code": _("pay code"),
    "card": _("card"),
    "portal": _("online (portal)"),
    "api": _("till system"),
    "till": _("web till"),
}


def payment_method(method: str) -> str:
    return str(PAYMENT_METHODS.get(method, method))
