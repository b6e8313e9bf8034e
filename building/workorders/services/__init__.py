"""Writes of the work-order app. Orders change only through `work_order_<verb>`."""

from building.workorders.services.errors import WorkOrderError
from building.workorders.services.escalation import work_order_escalate, work_order_from_alarm
from building.workorders.services.evaluation import evaluation_adjust, evaluation_approve, evaluation_compute
from building.workorders.services.orders import (
    work_order_accept,
    work_order_autoconfirm,
    work_order_cancel,
    work_order_comment,
    work_order_complete,
    work_order_confirm,
    work_order_pause,
    work_order_reassign,
    work_order_reject,
    work_order_reopen,
    work_order_start,
    work_order_submit,
)

__all__ = [
    "WorkOrderError",
    "evaluation_adjust",
    "evaluation_approve",
    "evaluation_compute",
    "work_order_accept",
    "work_order_autoconfirm",
    "work_order_cancel",
    "work_order_comment",
    "work_order_complete",
    "work_order_confirm",
    "work_order_escalate",
    "work_order_from_alarm",
    "work_order_pause",
    "work_order_reassign",
    "work_order_reject",
    "work_order_reopen",
    "work_order_start",
    "work_order_submit",
]
