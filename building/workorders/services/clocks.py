"""The SLA clocks of one order (inside the caller's transaction)."""

from __future__ import annotations

from datetime import datetime

from building.workorders.categories import Priority
from building.workorders.models import WorkOrder
from building.workorders.models.companies import default_sla
from building.workorders.worktime import business_due


def sla_hours(order: WorkOrder, which: str) -> float:
    terms = order.contract.sla if order.contract_id else default_sla()  # type: ignore[union-attr]
    per = terms.get(order.priority) or default_sla()[order.priority]
    return float(per[which])


def due_after(order: WorkOrder, start: datetime, which: str, pauses: list[tuple[datetime, datetime]] | None = None) -> datetime:
    return business_due(
        start, sla_hours(order, which), order.site, pauses=pauses or [], wall_clock=order.priority == Priority.URGENT
    )


def completion_due(order: WorkOrder) -> datetime | None:
    """From acceptance, not counting the closed pauses; None while a pause is open (clock stopped)."""
    if order.accepted_at is None:
        return None
    pauses = list(order.pauses.all())
    if any(p.ended_at is None for p in pauses):
        return None
    return due_after(order, order.accepted_at, "completion", [(p.started_at, p.ended_at) for p in pauses if p.ended_at])
