"""Who may enter a zone when: reads only, no writes (the access service decides and logs)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from core.roles import ADMIN, CASHIER, MANAGER, SECURITY, STAFF
from portal.models import User
from security.models import AccessGroup, AccessZone, Credential, Holiday

# "Open to all staff": people of the zone's site in an in-house role (contractors need a group).
STAFF_ROLES = (STAFF, MANAGER, SECURITY, CASHIER, ADMIN)


def zone_allows(*, user: User, zone: AccessZone, at: datetime) -> str | None:
    """None when `user` may enter `zone` at `at`, else the reason for the refusal."""
    if not user.is_active:
        return "inactive"
    if zone.open_to_all_staff and user.site_id in (zone.site_id, None) and user.groups.filter(name__in=STAFF_ROLES).exists():
        return None
    local = timezone.localtime(at)
    groups = (
        AccessGroup.objects.filter(zones=zone)
        .filter(Q(members=user) | Q(roles__in=user.groups.all()) | Q(departments__members=user))
        .distinct()
        .prefetch_related("windows")
    )
    holiday = Holiday.objects.filter(site_id=zone.site_id, date=local.date()).exists()
    reason = "not_allowed"
    for group in groups:
        if (group.valid_from and local.date() < group.valid_from) or (group.valid_until and local.date() > group.valid_until):
            reason = "group_expired"
            continue
        if holiday and not group.on_holidays:
            reason = "holiday"
            continue
        windows = list(group.windows.all())
        if not windows:
            return None
        for window in windows:
            if str(local.isoweekday()) in window.weekdays and window.start <= local.time() < window.end:
                return None
        reason = "outside_hours"
    return reason


def credential_usable(credential: Credential, at: datetime) -> str | None:
    if not credential.is_active:
        return "credential_revoked"
    if (credential.valid_from and at < credential.valid_from) or (credential.valid_until and at > credential.valid_until):
        return "credential_expired"
    return None
