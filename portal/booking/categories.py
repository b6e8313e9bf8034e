"""Back-office categories and who manages each one.

A category is a set of resource kinds with a permission of its own (Resource.Meta / Parcel.Meta).
The role `manager` holds every category's permission through the AppConfig (the site manager sees
everything); anyone else is given a category as a user permission (the admin's user page, or
`services.resources.office_categories_set`). `booking.manage_bookings` is the door of the back
office (its tile and pages): a category manager holds it too, the lockers' front desk does not need it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from portal.booking.models import ResourceKind
from portal.models import User

OFFICE = "booking.manage_bookings"


@dataclass(frozen=True)
class Category:
    key: str
    label: str | Promise
    kinds: tuple[str, ...]
    permission: str


CATEGORIES: dict[str, Category] = {
    c.key: c
    for c in (
        Category("rooms", _("Meeting rooms"), (ResourceKind.ROOM,), "booking.manage_rooms"),
        Category("vehicles", _("Vehicles"), (ResourceKind.VEHICLE,), "booking.manage_vehicles"),
        Category(
            "laundry",
            _("Laundry and car wash"),
            (ResourceKind.LAUNDRY.value, ResourceKind.CAR_WASH.value),
            "booking.manage_laundry",
        ),
        Category("parking", _("Visitor parking"), (ResourceKind.VISITOR_PARKING,), "booking.manage_parking"),
        Category("lockers", _("Parcel lockers"), (), "booking.register_parcel"),
    )
}
CATEGORY_PERMISSIONS = frozenset(c.permission for c in CATEGORIES.values())


def category_of_kind(kind: str) -> Category:
    return next(c for c in CATEGORIES.values() if kind in c.kinds)


def categories_for(user: User) -> list[Category]:
    """The categories `user` manages (Django caches the permissions per user object)."""
    if not user.is_active:
        return []
    return [c for c in CATEGORIES.values() if user.has_perm(c.permission)]


def kinds_managed_by(user: User) -> list[str]:
    return [kind for c in categories_for(user) for kind in c.kinds]


def manages_kind(user: User, kind: str) -> bool:
    return user.is_active and user.has_perm(category_of_kind(kind).permission)
