from portal.booking.models.bookings import (
    ACTIVE,
    Approval,
    Approver,
    Booking,
    FeedToken,
    Resource,
    ResourceKind,
    Series,
    Status,
    Trip,
)
from portal.booking.models.lockers import Compartment, Parcel
from portal.booking.models.visitors import Invitation

__all__ = [
    "ACTIVE",
    "Approval",
    "Approver",
    "Booking",
    "Compartment",
    "FeedToken",
    "Invitation",
    "Parcel",
    "Resource",
    "ResourceKind",
    "Series",
    "Status",
    "Trip",
]
