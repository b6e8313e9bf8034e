"""PIPL export: the repairs a person reported, their ratings and comments, and their company."""

from __future__ import annotations

from typing import Any

from building.workorders.models import CompanyMember, WorkOrder, WorkOrderEvent
from portal.models import User


def _iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def personal_data(user: User) -> dict[str, Any]:
    fields = ("number", "category", "location", "description", "status", "created_at", "rating", "rating_comment")
    requests = [{k: _iso(v) for k, v in row.items()} for row in WorkOrder.objects.filter(requester=user).values(*fields)]
    comments = [
        {"order": number, "at": _iso(at), "action": action, "text": text}
        for number, at, action, text in WorkOrderEvent.objects.filter(actor=user)
        .exclude(text="")
        .values_list("order__number", "at", "action", "text")
    ]
    member = CompanyMember.objects.filter(user=user).select_related("company").first()
    return {
        "repair_requests": requests,
        "work_order_texts": comments,
        "contractor_company": member.company.code if member else None,
    }
