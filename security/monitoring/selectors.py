"""Reads for the monitoring panel, the snapshot view and the patrol report."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet

from building.models import Site
from devices.models import Device
from portal.models import User
from security.monitoring.models import Alarm, AlarmSnapshot, Camera, PatrolRound, PatrolVisit
from security.monitoring.policy import setting
from security.monitoring.serializers import alarm_data, round_data
from security.selectors import access_recent


def cameras_near(alarm: Alarm) -> list[Camera]:
    """The alarm's own camera first, then cameras in its space, then on its floor."""
    limit = int(setting("SNAPSHOT_CAMERAS", 2))
    cameras = Camera.objects.filter(site=alarm.site_id, active=True)
    near = Q(pk__in=[])
    if alarm.device_id:
        near |= Q(device_id=alarm.device_id)
    if alarm.space_id:
        near |= Q(space_id=alarm.space_id)
    if alarm.floor_id:
        near |= Q(space__floor_id=alarm.floor_id)
    found = list(cameras.filter(near).select_related("space"))

    def rank(camera: Camera) -> int:
        if alarm.device_id and camera.device_id == alarm.device_id:
            return 0
        return 1 if alarm.space_id and camera.space_id == alarm.space_id else 2

    return sorted(found, key=lambda c: (rank(c), c.pk))[:limit]


def alarms_open(*, site: Site) -> QuerySet[Alarm]:
    return (
        Alarm.objects.filter(site=site)
        .exclude(state=Alarm.State.RESOLVED)
        .select_related("site", "device__site", "space__floor__building", "floor__building", "building")
        .select_related("acknowledged_by", "dispatched_by", "resolved_by")
        .prefetch_related("snapshots__camera")
        .order_by("-raised_at")
    )


def alarm_for_user(*, user: Any, alarm_id: int) -> Alarm | None:
    """An alarm of the user's own site, or None (the view answers 404: no probing other sites)."""
    site_id = getattr(user, "site_id", None)
    if site_id is None:
        return None
    return Alarm.objects.filter(pk=alarm_id, site_id=site_id).first()


def snapshot_for_user(*, user: Any, snapshot_id: int) -> AlarmSnapshot | None:
    site_id = getattr(user, "site_id", None)
    if site_id is None:
        return None
    return AlarmSnapshot.objects.filter(pk=snapshot_id, alarm__site_id=site_id).exclude(image="").first()


def devices_state(*, site: Site) -> list[dict[str, Any]]:
    return [
        {
            "device": str(d),
            "name": d.name or d.device_id,
            "kind": d.kind,
            "online": d.online,
            "last_seen_at": d.last_seen_at.isoformat() if d.last_seen_at else None,
            "location": str(d.space) if d.space_id else "",
        }
        for d in Device.objects.filter(site=site, is_active=True).select_related("site", "space__floor__building")
    ]


def rounds_live(*, site: Site, at: datetime, ahead: timedelta = timedelta(hours=1)) -> list[dict[str, Any]]:
    rounds = (
        PatrolRound.objects.filter(
            site=site,
            state__in=[PatrolRound.State.PLANNED, PatrolRound.State.IN_PROGRESS],
            planned_start__lte=at + ahead,
        )
        .select_related("route", "guard", "site")
        .order_by("planned_start")
    )
    return [round_data(r) for r in rounds]


def access_events(*, site: Site, limit: int = 20) -> list[dict[str, Any]]:
    """The latest access decisions, in the shape of the live event (security.serializers)."""
    return access_recent(site=site, limit=limit)


def panel_state(*, site: Site, at: datetime) -> dict[str, Any]:
    from security.monitoring.panels import sections

    return {
        "site": site.code,
        "at": at.isoformat(),
        "alarms": [alarm_data(a) for a in alarms_open(site=site)],
        "sections": {s.key: s.load(site, at) for s in sections()},
    }


def patrol_report(*, site: Site, start: datetime, end: datetime, by: str) -> list[dict[str, Any]]:
    """Per guard (by="guard") or per route (by="route"): rounds, checkpoints on time, late, missed, flagged."""
    visits = PatrolVisit.objects.filter(
        round__site=site, round__planned_start__gte=start, round__planned_start__lt=end
    ).select_related("round__route", "round__guard", "guard")
    rows: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"rounds": set(), "visits": 0, "ok": 0, "late": 0, "missed": 0, "pending": 0, "flagged": 0}
    )
    for visit in visits:
        if by == "route":
            name = visit.round.route.name
        else:
            who: User | None = visit.guard or visit.round.guard
            name = str(who) if who else "—"
        row = rows[name]
        row["rounds"].add(visit.round_id)
        row["visits"] += 1
        row[visit.state] += 1
        row["flagged"] += 1 if visit.flags else 0
    report = []
    for name, row in sorted(rows.items()):
        done = row["visits"] - row["pending"]
        report.append(
            {
                "name": name,
                "rounds": len(row["rounds"]),
                "visits": row["visits"],
                "ok": row["ok"],
                "late": row["late"],
                "missed": row["missed"],
                "flagged": row["flagged"],
                "on_time_pct": round(100 * row["ok"] / done, 1) if done else None,
            }
        )
    return report
