"""Missed deadlines (escalated once per breach) and orders opened from a monitoring alarm."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from building.workorders.categories import Category, Priority
from building.workorders.models import Breach, WorkOrder
from building.workorders.notify import order_notify
from building.workorders.services.errors import WorkOrderError
from building.workorders.services.orders import S, work_order_submit_in_transaction
from core.i18n import site_text
from portal.models import User
from security.monitoring.models import Alarm
from security.monitoring.selectors import alarm_for_user
from security.monitoring.services import AlarmError, alarm_dispatch_in_transaction

RESPONSE_OPEN = [S.SUBMITTED]
COMPLETION_OPEN = [S.ACCEPTED, S.IN_PROGRESS, S.REOPENED]


def work_order_escalate(*, at: datetime | None = None) -> int:
    """Record each newly missed deadline and notify the dispatchers and the contractor's manager.

    A breach is keyed by (order, kind, due): the task may run every few minutes and a breach
    notifies once; a reopened order whose new deadline passes is a new breach."""
    at = at or timezone.now()
    found = 0
    late_response = WorkOrder.objects.filter(status__in=RESPONSE_OPEN, response_due__lt=at)
    late_completion = WorkOrder.objects.filter(status__in=COMPLETION_OPEN, completion_due__lt=at)
    for kind, rows, field in (
        (Breach.Kind.RESPONSE, late_response, "response_due"),
        (Breach.Kind.COMPLETION, late_completion, "completion_due"),
    ):
        for order_id, due in rows.exclude(
            Exists(Breach.objects.filter(order=OuterRef("pk"), kind=kind, due=OuterRef(field)))
        ).values_list("pk", field):
            found += _escalate_one(order_id=order_id, kind=kind, due=due, at=at)
    return found


def _escalate_one(*, order_id: int, kind: str, due: datetime, at: datetime) -> int:
    with transaction.atomic(durable=True):
        order = WorkOrder.objects.select_related("company", "requester", "site").get(pk=order_id)
        try:
            with transaction.atomic():
                breach = Breach.objects.create(order=order, kind=kind, due=due, detected_at=at)
        except IntegrityError:
            return 0  # another run got there first
        manager = [order.company.manager] if order.company_id and order.company.manager else []  # type: ignore[union-attr]
        order_notify(
            order,
            f"breach_{kind}",
            actor=None,
            requester=False,
            contractor=False,
            dispatcher=True,
            extra=manager,
            dedupe_key=f"workorders.breach.{breach.pk}",
        )
        return 1


ALARM_CATEGORIES = {"fire": Category.FIRE, "device_offline": Category.DEVICE}
ALARM_PRIORITIES = {"critical": Priority.URGENT, "major": Priority.HIGH}


def work_order_from_alarm(*, alarm_id: int, actor: User, at: datetime | None = None) -> WorkOrder:
    """One click on the panel: a work order for the alarm's fault, linked both ways (the order
    keeps the alarm; the alarm is dispatched to the company with the order's number)."""
    at = at or timezone.now()
    with transaction.atomic(durable=True):
        found = alarm_for_user(user=actor, alarm_id=alarm_id)
        if found is None:
            raise WorkOrderError(_("No such alarm."), status=404)
        alarm = Alarm.objects.select_for_update().get(pk=found.pk)  # two clicks: the second waits, then sees the order
        if WorkOrder.objects.filter(alarm=alarm).exists():
            raise WorkOrderError(_("This alarm already has a work order."), status=409)
        where = " ".join(str(x) for x in (alarm.building, alarm.floor, alarm.space) if x is not None)
        order = work_order_submit_in_transaction(
            requester=actor,
            category=ALARM_CATEGORIES.get(alarm.source, Category.OTHER),
            description=site_text(gettext_lazy("From alarm: %(title)s"), title=alarm.title),
            space=alarm.space,
            location=(where or alarm.title)[:200],
            priority=ALARM_PRIORITIES.get(alarm.severity, Priority.NORMAL),
            photos=(),
            alarm_id=alarm.pk,
            at=at,
        )
        try:
            alarm_dispatch_in_transaction(
                alarm_id=alarm.pk,
                actor=actor,
                at=at,
                work_order_ref=order.number,
                dispatched_to=order.company.name if order.company else site_text(gettext_lazy("repair dispatcher")),
            )
        except AlarmError as exc:
            raise WorkOrderError(str(exc), status=409) from exc
        return order
