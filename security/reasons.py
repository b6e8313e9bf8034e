"""Gate decision reasons as people read them (panel, access log)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from portal.reasons import Reasons, humane

ACCESS_REASONS: Reasons = {
    "ok": _("allowed"),
    "unknown": _("not recognised"),
    "liveness": _("photo or screen held up (liveness check failed)"),
    "invalid_qr": _("invalid QR code"),
    "pass_revoked": _("visitor pass cancelled"),
    "pass_expired": _("visitor pass not valid at this time"),
    "not_allowed": _("no access to this zone"),
    "no_zone": _("gate not assigned to a zone"),
    "group_expired": _("access group expired"),
    "holiday": _("closed for a holiday"),
    "outside_hours": _("outside opening hours"),
    "unknown_card": _("card not registered"),
    "unknown_qr": _("QR code not registered"),
    "unknown_face": _("face not recognised"),
    "anti_passback": _("already inside (entered without leaving)"),
    "inactive": _("account disabled"),
    "credential_revoked": _("card or code cancelled"),
    "credential_expired": _("card or code expired"),
    "no_face": _("no face in the picture"),
    "multiple_faces": _("more than one face in the picture"),
    "bad_image": _("picture unreadable"),
    "too_small": _("face too small in the picture"),
    "busy": _("face recognition busy"),
}


def access_reason(reason: str) -> str:
    return humane(ACCESS_REASONS, reason)
