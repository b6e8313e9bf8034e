"""The monthly evaluation of a contractor company and the pay it sets.

Score (0-100) = the contract's weighted mean of five parts, each 0..1: on-time response rate,
on-time completion rate, average rating / 5, 1 - reopen rate, 1 - complaint rate (a complaint is
a rating of 1 or 2). Pay: the full monthly fee at or above the threshold (default 85), otherwise
(base + score)% of it (default base 15), minus a fixed deduction per serious incident.
An approved month is frozen: never recomputed, never adjusted again."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from building.workorders.models import Company, Contract, Evaluation, WorkOrder
from building.workorders.selectors import contract_for
from building.workorders.services.errors import WorkOrderError
from core.audit import audit_log
from portal.models import User

S = WorkOrder.Status
PARTS = ("response", "completion", "rating", "reopen", "complaints")


def month_bounds(month: date) -> tuple[datetime, datetime]:
    tz = ZoneInfo(settings.TIME_ZONE)
    start = datetime.combine(month.replace(day=1), time(0), tz)
    nxt = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return start, datetime.combine(nxt, time(0), tz)


def _ratio(part: int, whole: int) -> Decimal:
    return Decimal(part) / Decimal(whole) if whole else Decimal(0)


def month_metrics(*, company: Company, month: date, at: datetime) -> dict[str, Any]:
    start, end = month_bounds(month)
    orders = list(
        WorkOrder.objects.filter(company=company, created_at__gte=start, created_at__lt=end).exclude(status=S.CANCELLED)
    )
    n = len(orders)
    late_resp = sum(1 for o in orders if o.late_response or (o.accepted_at is None and o.response_due and o.response_due < at))
    late_done = sum(1 for o in orders if o.late_completion or (o.done_at is None and o.completion_due and o.completion_due < at))
    ratings = [o.rating for o in orders if o.rating is not None]
    reopened = sum(1 for o in orders if o.reopen_count)
    complaints = sum(1 for r in ratings if r <= 2)
    avg = Decimal(sum(ratings)) / len(ratings) if ratings else None
    parts = {
        "response": 1 - _ratio(late_resp, n),
        "completion": 1 - _ratio(late_done, n),
        "rating": avg / 5 if avg is not None else Decimal(1),  # no rating yet: neutral
        "reopen": 1 - _ratio(reopened, n),
        "complaints": 1 - _ratio(complaints, n),
    }
    return {
        "orders": n,
        "late_response": late_resp,
        "late_completion": late_done,
        "rated": len(ratings),
        "average_rating": str(avg.quantize(Decimal("0.01"))) if avg is not None else None,
        "reopened": reopened,
        "complaints": complaints,
        "parts": {k: str(v.quantize(Decimal("0.0001"))) for k, v in parts.items()},
        "_parts": parts,
    }


def score_of(parts: dict[str, Decimal], weights: dict[str, Any]) -> Decimal:
    total = sum(Decimal(str(weights.get(k, 0))) for k in PARTS)
    if total <= 0:
        return Decimal(100)
    raw = sum((Decimal(str(weights.get(k, 0))) * parts[k] for k in PARTS), Decimal(0)) * 100 / total
    return raw.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def pay_of(*, contract: Contract, score: Decimal, incidents: int) -> dict[str, int]:
    fee = contract.monthly_fee_fen
    if score >= contract.threshold:
        base = fee
    else:
        share = min(Decimal(100), Decimal(contract.reduced_share_base) + score)
        base = int((Decimal(fee) * share / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    deduction = min(base, incidents * contract.incident_deduction_fen)
    return {"fee_fen": fee, "reduction_fen": fee - base, "deduction_fen": deduction, "payable_fen": base - deduction}


def evaluation_compute(*, company: Company, month: date, at: datetime | None = None) -> Evaluation:
    """Compute (or recompute) the month's draft; an approved month is returned as it was frozen."""
    at, month = at or timezone.now(), month.replace(day=1)
    with transaction.atomic(durable=True):
        row = Evaluation.objects.select_for_update().filter(company=company, month=month).first()
        if row is not None and row.status == Evaluation.Status.APPROVED:
            return row
        contract = contract_for(company=company, on=month_bounds(month)[0])
        if contract is None:
            raise WorkOrderError(_("The company has no contract for that month."), status=400)
        metrics = month_metrics(company=company, month=month, at=at)
        score = score_of(metrics.pop("_parts"), contract.weights)
        if row is None:
            row = Evaluation(company=company, month=month, incidents=0)
        adjusted = row.pk is not None and bool(row.adjust_reason)
        row.contract, row.metrics, row.computed_score, row.computed_at = contract, metrics, score, at
        if not adjusted:
            row.score = score
        row.__dict__.update(pay_of(contract=contract, score=row.score, incidents=row.incidents))
        row.save()
        return row


def evaluation_adjust(*, evaluation_id: int, actor: User, score: Decimal, reason: str, incidents: int) -> Evaluation:
    reason = reason.strip()[:500]
    if not reason:
        raise WorkOrderError(_("Give a reason for the adjustment."), status=400)
    if not Decimal(0) <= score <= Decimal(100) or incidents < 0:
        raise WorkOrderError(_("The score must be between 0 and 100 and incidents not negative."), status=400)
    with transaction.atomic(durable=True):
        row = Evaluation.objects.select_for_update().select_related("contract").get(pk=evaluation_id)
        if row.status == Evaluation.Status.APPROVED:
            raise WorkOrderError(_("This month is approved and frozen."), status=409)
        before = {"score": str(row.score), "incidents": row.incidents}
        row.score, row.adjust_reason, row.incidents = score.quantize(Decimal("0.01")), reason, incidents
        row.__dict__.update(pay_of(contract=row.contract, score=row.score, incidents=incidents))
        row.save()
        audit_log(
            action="workorders.evaluation.adjust",
            actor=actor,
            target=row,
            data={"before": before, "after": {"score": str(row.score), "incidents": incidents}, "reason": reason},
        )
        return row


def evaluation_approve(*, evaluation_id: int, actor: User, at: datetime | None = None) -> Evaluation:
    with transaction.atomic(durable=True):
        row = Evaluation.objects.select_for_update().get(pk=evaluation_id)
        if row.status == Evaluation.Status.APPROVED:
            raise WorkOrderError(_("This month is already approved."), status=409)
        row.status, row.approved_at, row.approved_by = Evaluation.Status.APPROVED, at or timezone.now(), actor
        row.save()
        audit_log(action="workorders.evaluation.approve", actor=actor, target=row, data={"payable_fen": row.payable_fen})
        return row


def evaluation_data(row: Evaluation) -> dict[str, Any]:
    return {
        "company": row.company.code,
        "month": f"{row.month:%Y-%m}",
        "score": float(row.score),
        "computed_score": float(row.computed_score),
        "fee_fen": row.fee_fen,
        "reduction_fen": row.reduction_fen,
        "deduction_fen": row.deduction_fen,
        "payable_fen": row.payable_fen,
        "incidents": row.incidents,
        "status": row.status,
        "metrics": row.metrics,
    }
