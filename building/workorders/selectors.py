"""Reads, always scoped to what the caller may see: another company's order is simply not found."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet

from building.workorders.models import Company, CompanyMember, Contract, WorkOrder
from portal.models import User

DISPATCH_PERM = "workorders.dispatch_workorder"
WORK_PERM = "workorders.work_workorder"


def site_of(user: User) -> int:
    """The user's site id; 0 (matches nothing) for an account without a site."""
    return user.site_id or 0


def company_of(user: User) -> Company | None:
    member = CompanyMember.objects.select_related("company").filter(user=user).first()
    return member.company if member else None


def is_dispatcher(user: User) -> bool:
    return user.has_perm(DISPATCH_PERM)


def orders_for_user(user: User) -> QuerySet[WorkOrder]:
    """Dispatchers: their site's orders; contractors: their company's; everyone: their own requests."""
    base = WorkOrder.objects.select_related("company", "space", "requester")
    if not user.is_authenticated or not user.is_active:
        return base.none()
    if is_dispatcher(user):
        return base.filter(site_id=site_of(user))
    scope = Q(requester=user)
    company = company_of(user) if user.has_perm(WORK_PERM) else None
    if company is not None:
        scope |= Q(company=company)
    return base.filter(scope)


def order_for_user(*, user: User, order_id: int) -> WorkOrder | None:
    return orders_for_user(user).filter(pk=order_id).first()


def company_queue(company: Company) -> QuerySet[WorkOrder]:
    open_states = ["submitted", "accepted", "in_progress", "waiting", "reopened", "done"]
    return (
        WorkOrder.objects.filter(company=company, status__in=open_states)
        .select_related("space")
        .order_by("response_due", "completion_due")
    )


def contract_for(*, company: Company, on: datetime) -> Contract | None:
    day = on.date()
    return (
        company.contracts.filter(valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .order_by("-valid_from")
        .first()
    )


def dispatchers(site_id: int) -> QuerySet[User]:
    return User.objects.filter(
        site_id=site_id,
        is_active=True,
        groups__permissions__codename="dispatch_workorder",
        groups__permissions__content_type__app_label="workorders",
    ).distinct()
