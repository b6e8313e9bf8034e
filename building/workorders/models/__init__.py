"""Repairs and work orders, contractors and contracts, the working calendar, evaluations."""

from building.workorders.models.calendar import SiteWorkingHours, WorkCalendarDay
from building.workorders.models.companies import Company, CompanyMember, Contract
from building.workorders.models.evaluation import Evaluation
from building.workorders.models.orders import Breach, ClockPause, WorkOrder, WorkOrderEvent, WorkOrderPhoto

__all__ = [
    "Breach",
    "ClockPause",
    "Company",
    "CompanyMember",
    "Contract",
    "Evaluation",
    "SiteWorkingHours",
    "WorkCalendarDay",
    "WorkOrder",
    "WorkOrderEvent",
    "WorkOrderPhoto",
]
