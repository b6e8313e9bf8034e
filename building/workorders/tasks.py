"""Beat tasks: escalation of missed deadlines (every 5 minutes), auto-confirm after 3 days (hourly)."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from building.workorders.models import WorkOrder
from building.workorders.services import work_order_autoconfirm, work_order_escalate


@shared_task(name="building.workorders.tasks.escalate")
def escalate() -> int:
    return work_order_escalate(at=timezone.now())


@shared_task(name="building.workorders.tasks.autoconfirm")
def autoconfirm() -> int:
    """Idempotent: each order is re-checked under its lock."""
    now = timezone.now()
    due = WorkOrder.objects.filter(status=WorkOrder.Status.DONE, done_at__lte=now - timedelta(days=3))
    return sum(1 for pk in due.values_list("pk", flat=True) if work_order_autoconfirm(order_id=pk, at=now))
