"""The monitoring panel's section of this app: open work orders that came from alarms."""

from __future__ import annotations

from datetime import datetime

from building.models import Site
from building.workorders.models import WorkOrder

OPEN = ["submitted", "accepted", "in_progress", "waiting", "reopened", "rejected"]


def panel_load(site: Site, at: datetime) -> list[str]:
    rows = WorkOrder.objects.filter(site=site, alarm__isnull=False, status__in=OPEN).select_related("company")[:20]
    return [f"{o.number} · {o.get_status_display()} · {o.company or '-'} · {o.description[:40]}" for o in rows]
