"""What the booking app holds about a person (PIPL export)."""

from __future__ import annotations

from typing import Any

from portal.booking.models import Booking, Invitation, Parcel
from portal.models import User


def personal_data(user: User) -> dict[str, Any]:
    return {
        "bookings": [
            {
                "resource": b.resource.name,
                "start": b.start.isoformat(),
                "end": b.end.isoformat(),
                "status": b.status,
                "title": b.title,
            }
            for b in Booking.objects.filter(user=user).select_related("resource")
        ],
        "invitations": [
            {
                "visitor": i.visitor_name,
                "phone": i.visitor_phone,
                "start": i.start.isoformat(),
                "end": i.end.isoformat(),
                "plate": i.plate,
                "arrived_at": i.arrived_at.isoformat() if i.arrived_at else None,
                "cancelled_at": i.cancelled_at.isoformat() if i.cancelled_at else None,
            }
            for i in Invitation.objects.filter(host=user)
        ],
        "parcels": [
            {"registered_at": p.registered_at.isoformat(), "state": p.state} for p in Parcel.objects.filter(recipient=user)
        ],
    }
