"""The monthly evaluation and the pay, from a known month of orders (built through the services)."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from building.workorders import services as sv
from building.workorders.models import Company
from building.workorders.services import WorkOrderError
from core.models import AuditLog
from portal.models import User
from tests.building.workorders.conftest import jpeg

TZ = ZoneInfo("Asia/Shanghai")


def t(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


def order(staff: User, worker: User, submitted: str, accepted: str, done: str, category: str = "plumbing") -> int:
    o = sv.work_order_submit(requester=staff, category=category, location="3楼", description="坏了", at=t(submitted))
    sv.work_order_accept(order_id=o.pk, actor=worker, at=t(accepted))
    sv.work_order_start(order_id=o.pk, actor=worker, at=t(accepted))
    sv.work_order_complete(order_id=o.pk, actor=worker, photos=[jpeg(64, 64)], cost_fen=0, at=t(done))
    return o.pk


@pytest.fixture
def march(li_ming: User, zhao_contractor: User, sun_contractor: User, companies: tuple[Company, Company]) -> Company:
    """Company A's March 2025: four orders (one late response, one late completion + complaint +
    reopen, one never rated), plus orders that must not count."""
    staff, worker = li_ming, zhao_contractor
    o1 = order(staff, worker, "2025-03-04 09:00", "2025-03-04 09:30", "2025-03-04 15:00")
    sv.work_order_confirm(order_id=o1, actor=staff, rating=5, at=t("2025-03-04 16:00"))
    o2 = order(staff, worker, "2025-03-04 09:00", "2025-03-04 15:00", "2025-03-05 10:00")  # response due 14:30
    sv.work_order_confirm(order_id=o2, actor=staff, rating=4, at=t("2025-03-05 11:00"))
    o3 = order(staff, worker, "2025-03-10 09:00", "2025-03-10 09:10", "2025-03-14 09:00")  # completion due Wed 10:10
    sv.work_order_confirm(order_id=o3, actor=staff, rating=2, at=t("2025-03-14 10:00"))
    sv.work_order_reopen(order_id=o3, actor=staff, at=t("2025-03-15 10:00"))
    sv.work_order_start(order_id=o3, actor=worker, at=t("2025-03-17 09:00"))
    sv.work_order_complete(order_id=o3, actor=worker, photos=[jpeg(64, 64)], cost_fen=500, at=t("2025-03-17 10:00"))
    sv.work_order_confirm(order_id=o3, actor=staff, rating=2, at=t("2025-03-17 11:00"))
    o4 = order(staff, worker, "2025-03-20 09:00", "2025-03-20 09:30", "2025-03-20 11:00")
    sv.work_order_autoconfirm(order_id=o4, at=t("2025-03-24 09:00"))
    # not counted: another company's order, a cancelled one, one in April
    order(staff, sun_contractor, "2025-03-04 09:00", "2025-03-05 09:00", "2025-03-06 09:00", category="network")
    cancelled = sv.work_order_submit(
        requester=staff, category="plumbing", location="x", description="y", at=t("2025-03-21 09:00")
    )
    sv.work_order_cancel(order_id=cancelled.pk, actor=staff)
    order(staff, worker, "2025-04-01 09:00", "2025-04-02 09:00", "2025-04-09 09:00")
    return companies[0]


@pytest.mark.django_db
def test_the_numbers_and_the_pay(march: Company, wang_manager: User) -> None:
    row = sv.evaluation_compute(company=march, month=date(2025, 3, 1), at=t("2025-04-02 09:00"))
    m = row.metrics
    assert (m["orders"], m["late_response"], m["late_completion"], m["rated"], m["reopened"], m["complaints"]) == (
        4,
        1,
        1,
        3,
        1,
        1,
    )
    assert m["average_rating"] == "3.67"
    # 25*.75 + 35*.75 + 25*(11/15) + 10*.75 + 5*.75 = 74.5833...
    assert row.score == Decimal("74.58")
    # below 85: paid share (15 + 74.58)% of ¥10,000
    assert (row.fee_fen, row.reduction_fen, row.deduction_fen, row.payable_fen) == (1_000_000, 104_200, 0, 895_800)

    row = sv.evaluation_adjust(
        evaluation_id=row.pk, actor=wang_manager, score=Decimal("86"), reason="停水非承包方原因", incidents=1
    )
    assert (row.reduction_fen, row.deduction_fen, row.payable_fen) == (0, 200_000, 800_000)  # full fee - one incident
    log = AuditLog.objects.get(action="workorders.evaluation.adjust")
    assert log.data["reason"] == "停水非承包方原因" and log.data["before"]["score"] == "74.58"
    with pytest.raises(WorkOrderError):
        sv.evaluation_adjust(evaluation_id=row.pk, actor=wang_manager, score=Decimal("90"), reason=" ", incidents=0)

    sv.evaluation_compute(company=march, month=date(2025, 3, 1))  # a recompute keeps the adjustment
    row.refresh_from_db()
    assert row.score == Decimal("86.00") and row.computed_score == Decimal("74.58")
    sv.evaluation_approve(evaluation_id=row.pk, actor=wang_manager)
    with pytest.raises(WorkOrderError, match="frozen"):
        sv.evaluation_adjust(evaluation_id=row.pk, actor=wang_manager, score=Decimal("99"), reason="x", incidents=0)


@pytest.mark.django_db
def test_the_command_prints_the_month(march: Company) -> None:
    out = StringIO()
    call_command("contractor_evaluate", "--company", "a", "--month", "2025-03", stdout=out)
    data = json.loads(out.getvalue())
    assert {k: data[k] for k in ("company", "month", "score", "fee_fen", "payable_fen", "deduction_fen")} == {
        "company": "a",
        "month": "2025-03",
        "score": 74.58,
        "fee_fen": 1_000_000,
        "payable_fen": 895_800,
        "deduction_fen": 0,
    }


@pytest.mark.django_db
def test_a_month_without_orders_scores_full(companies: tuple[Company, Company]) -> None:
    row = sv.evaluation_compute(company=companies[1], month=date(2025, 2, 1))
    assert row.score == Decimal("100.00") and row.payable_fen == 500_000
