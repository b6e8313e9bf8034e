"""What the home page lists. Entries without a URL are shown as coming soon, not hidden."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class PortalService:
    key: str
    title: str | Promise
    description: str | Promise
    icon: str
    url: str | None = None  # None: not yet available
    permission: str = "portal.use_portal"


SERVICES = [
    PortalService("face", _("Face enrolment"), _("Enter and pay by face, with your consent"), "🙂", "/access/face/"),
    PortalService("wallet", _("Wallet"), _("Balance, top-up and pay code"), "💳", "/canteen/"),
    PortalService("meals", _("Meals and takeaway"), _("Pre-order meals and takeaway"), "🍱", "/canteen/takeaway/"),
    PortalService("booking", _("Bookings"), _("Meeting rooms, vehicles, laundry, car wash, lockers, visitor parking"), "📅"),
    PortalService("repair", _("Repairs"), _("Report a fault and follow the work order"), "🔧"),
    PortalService("recycling", _("Recycling points"), _("Your drops and points"), "♻️"),
    PortalService("notifications", _("Notifications"), _("Messages for you"), "🔔"),
    PortalService("panel", _("Monitoring panel"), _("Live alarms and devices"), "🛡️", "/security/panel/", "security.view_panel"),
    PortalService("admin", _("Back office"), _("Manage buildings, devices and people"), "🏢", "/admin/", "core.view_auditlog"),
    PortalService("api", _("API"), _("OpenAPI schema and Swagger UI"), "🧩", "/api/docs/", "core.view_auditlog"),
]


def portal_services_for(user: object) -> list[PortalService]:
    has_perm = getattr(user, "has_perm", None)
    return [s for s in SERVICES if has_perm is not None and has_perm(s.permission)]
