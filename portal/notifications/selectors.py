from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from portal.models import User
from portal.notifications.models import Notification


def notifications_for_user(user: User, *, unread_only: bool = False) -> QuerySet[Notification]:
    rows = Notification.objects.filter(user=user)
    return rows.filter(read_at__isnull=True) if unread_only else rows


def unread_count(user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def personal_data(user: User) -> dict[str, Any]:
    """PIPL export: every notification the person has."""
    rows = notifications_for_user(user).values("kind", "title", "body", "url", "created_at", "read_at")
    return {"notifications": [{k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in r.items()} for r in rows]}
