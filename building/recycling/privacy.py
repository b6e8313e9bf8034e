"""What this app holds about a person (PIPL export): drops and redemptions; no images are kept."""

from __future__ import annotations

from typing import Any

from portal.models import User


def personal_data(user: User) -> dict[str, Any]:
    from building.recycling.models import Drop, Redemption

    drops = Drop.objects.filter(user=user).order_by("dropped_at")
    redemptions = Redemption.objects.filter(user=user).select_related("good").order_by("created_at")
    return {
        "drops": [
            {
                "at": d.dropped_at.isoformat(),
                "category": d.category,
                "weight_g": d.weight_g,
                "method": d.method,
                "status": d.status,
                "points": d.points,
            }
            for d in drops
        ],
        "redemptions": [
            {"at": r.created_at.isoformat(), "kind": r.kind, "item": r.good.name if r.good else "", "points": r.points}
            for r in redemptions
        ],
    }
