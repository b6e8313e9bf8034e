"""Reads of the security app."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate

from building.models import Site
from core.audit import audit_log
from portal.models import User
from security.models import AccessGroup, AccessLog, AccessZone, FaceConsent, FaceEncoding, VisitorPass
from security.monitoring.permissions import PANEL_PERMISSION
from security.rules import STAFF_ROLES
from security.serializers import access_log_row


def access_recent(*, site: Site, limit: int = 20) -> list[dict[str, Any]]:
    logs = AccessLog.objects.filter(site=site).select_related("gate", "zone").order_by("-at", "-id")[:limit]
    return [access_log_row(log) for log in logs]


@dataclass(frozen=True)
class AccessFilter:
    person: str = ""  # username, employee number or name fragment
    zone: str = ""
    gate: str = ""
    decision: str = ""
    since: datetime | None = None
    until: datetime | None = None


def access_log_filter(*, site: Site, f: AccessFilter) -> QuerySet[AccessLog]:
    qs = AccessLog.objects.filter(site=site).select_related("gate", "zone", "user")
    if f.person:
        qs = qs.filter(
            Q(person_name__icontains=f.person) | Q(user__username=f.person) | Q(user__employee_no=f.person)
        )
    if f.zone:
        qs = qs.filter(zone__code=f.zone)
    if f.gate:
        qs = qs.filter(gate__device_id=f.gate)
    if f.decision:
        qs = qs.filter(decision=f.decision)
    if f.since:
        qs = qs.filter(at__gte=f.since)
    if f.until:
        qs = qs.filter(at__lt=f.until)
    return qs.order_by("-at", "-id")


def access_daily_counts(*, site: Site, since: date, until: date) -> list[dict[str, Any]]:
    """Opens and denials per gate per local day, since <= day <= until."""
    rows = (
        AccessLog.objects.filter(site=site, at__date__gte=since, at__date__lte=until)
        .annotate(day=TruncDate("at"))
        .values("day", "gate__device_id")
        .annotate(opened=Count("id", filter=Q(decision="open")), denied=Count("id", filter=Q(decision="deny")))
        .order_by("day", "gate__device_id")
    )
    return [
        {"day": r["day"].isoformat(), "gate": r["gate__device_id"], "open": r["opened"], "deny": r["denied"]} for r in rows
    ]


def face_enrolment_of(*, user: User, reader: User) -> dict[str, Any]:
    """What is held about `user`'s face (never the encoding). A person reading it is audited."""
    consent = FaceConsent.objects.filter(user=user, withdrawn_at__isnull=True).first()
    encodings = list(FaceEncoding.objects.filter(user=user).values("id", "created_at", "quality"))
    audit_log(action="security.face.read", actor=reader, target=user, data={"encodings": len(encodings)})
    return {
        "consent": consent,
        "encodings": encodings,
        "withdrawn": FaceConsent.objects.filter(user=user, withdrawn_at__isnull=False).order_by("-withdrawn_at").first(),
    }


def _oversees_site(user: User) -> bool:
    """Guards and managers see and act on every zone and pass of their site."""
    return user.has_perm(PANEL_PERMISSION) or user.has_perm("security.manage_access")


def zones_for_host(user: User) -> QuerySet[AccessZone]:
    """The zones `user` may invite a visitor into: every zone of the site for guards and
    managers, else the zones the user may enter themself (time windows aside: the visit's own
    times bound the pass)."""
    zones = AccessZone.objects.filter(site_id=user.site_id or 0)
    if _oversees_site(user):
        return zones.order_by("name")
    groups = AccessGroup.objects.filter(
        Q(members=user) | Q(roles__in=user.groups.all()) | Q(departments__members=user)
    ).values("pk")
    open_zone = Q(open_to_all_staff=True) if user.groups.filter(name__in=STAFF_ROLES).exists() else Q(pk__in=[])
    return zones.filter(open_zone | Q(groups__in=groups)).distinct().order_by("name")


def visitor_passes_for_user(user: User) -> QuerySet[VisitorPass]:
    """The passes `user` may see and revoke: their own, or their site's for guards and managers."""
    passes = VisitorPass.objects.select_related("host", "zone")
    if _oversees_site(user):
        return passes.filter(site_id=user.site_id or 0)
    return passes.filter(host=user)
