"""The work-order state machine, routing, clocks and escalation, through the services (frozen clock: `at=`)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from building.workorders import services as sv
from building.workorders.models import Breach, Company, WorkOrder
from building.workorders.services import WorkOrderError
from portal.models import User
from portal.notifications.models import Notification
from tests.building.workorders.conftest import jpeg

TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2025, 3, 4, 9, 0, tzinfo=TZ)  # a Tuesday


def submit(user: User, category: str = "plumbing", at: datetime = T0, **kw: object) -> WorkOrder:
    return sv.work_order_submit(requester=user, category=category, location="3楼男卫", description="水龙头漏水", at=at, **kw)  # type: ignore[arg-type]


@pytest.mark.django_db
def test_a_request_is_routed_at_once_to_the_contracted_company(
    li_ming: User, companies: tuple[Company, Company], zhao_contractor: User, sun_contractor: User
) -> None:
    a, b = companies
    order = submit(li_ming, photos=[jpeg()])
    assert order.number.startswith("BX250304") and order.status == "submitted"
    assert order.company == a and order.photos.count() == 1
    assert order.response_due == datetime(2025, 3, 4, 14, 30, tzinfo=TZ)  # normal: 4 business hours, lunch skipped
    assert Notification.objects.filter(user=zhao_contractor, kind="workorders.submit").exists()
    assert not Notification.objects.filter(user=sun_contractor).exists()
    assert submit(li_ming, category="network").company == b


@pytest.mark.django_db
def test_an_uncontracted_category_waits_for_the_dispatcher(li_ming: User, wang_manager: User, companies: object) -> None:
    order = submit(li_ming, category="cleaning")
    assert order.company is None
    assert Notification.objects.filter(user=wang_manager, kind="workorders.submit").exists()
    order = sv.work_order_reassign(order_id=order.pk, actor=wang_manager, company_code="b", at=T0 + timedelta(hours=1))
    assert order.company is not None and order.company.code == "b"
    with pytest.raises(WorkOrderError) as err:
        sv.work_order_reassign(order_id=order.pk, actor=li_ming, company_code="a")
    assert err.value.status == 403


@pytest.mark.django_db
def test_the_whole_way_and_the_refused_transitions(
    li_ming: User, zhao_contractor: User, sun_contractor: User, companies: object
) -> None:
    order = submit(li_ming)
    with pytest.raises(WorkOrderError) as err:
        sv.work_order_start(order_id=order.pk, actor=zhao_contractor, at=T0)
    assert err.value.status == 409 and "cannot" in str(err.value)
    with pytest.raises(WorkOrderError) as err:
        sv.work_order_accept(order_id=order.pk, actor=sun_contractor, at=T0)  # the other company
    assert err.value.status == 403
    sv.work_order_accept(order_id=order.pk, actor=zhao_contractor, at=T0 + timedelta(minutes=30))
    order = sv.work_order_start(order_id=order.pk, actor=zhao_contractor, at=T0 + timedelta(hours=1))
    assert order.completion_due == datetime(2025, 3, 6, 10, 30, tzinfo=TZ)  # 16 business hours from Tue 09:30
    with pytest.raises(WorkOrderError) as err:
        sv.work_order_complete(order_id=order.pk, actor=zhao_contractor, photos=[], cost_fen=100)
    assert err.value.status == 400  # an "after" photo is required
    order = sv.work_order_complete(
        order_id=order.pk, actor=zhao_contractor, photos=[jpeg()], cost_fen=1250, at=T0 + timedelta(hours=2)
    )
    assert order.status == "done" and order.cost_fen == 1250 and order.photos.filter(kind="after").count() == 1
    with pytest.raises(WorkOrderError) as err:
        sv.work_order_confirm(order_id=order.pk, actor=zhao_contractor, rating=5)
    assert err.value.status == 403  # the requester only
    with pytest.raises(WorkOrderError):
        sv.work_order_confirm(order_id=order.pk, actor=li_ming, rating=6)
    order = sv.work_order_confirm(order_id=order.pk, actor=li_ming, rating=4, comment="及时", at=T0 + timedelta(hours=3))
    assert (order.status, order.rating, order.late_response, order.late_completion) == ("confirmed", 4, False, False)
    assert Notification.objects.filter(user=li_ming, kind="workorders.complete").exists()
    with pytest.raises(WorkOrderError) as err:
        sv.work_order_cancel(order_id=order.pk, actor=li_ming)
    assert err.value.status == 409


@pytest.mark.django_db
def test_cancel_before_acceptance_only(li_ming: User, zhao_contractor: User, companies: object) -> None:
    order = submit(li_ming)
    assert sv.work_order_cancel(order_id=order.pk, actor=li_ming).status == "cancelled"
    order = submit(li_ming)
    sv.work_order_accept(order_id=order.pk, actor=zhao_contractor)
    with pytest.raises(WorkOrderError):
        sv.work_order_cancel(order_id=order.pk, actor=li_ming)


@pytest.mark.django_db
def test_rejected_goes_back_to_the_dispatcher(
    li_ming: User, zhao_contractor: User, wang_manager: User, companies: object
) -> None:
    order = submit(li_ming)
    with pytest.raises(WorkOrderError):
        sv.work_order_reject(order_id=order.pk, actor=zhao_contractor, reason=" ")
    order = sv.work_order_reject(order_id=order.pk, actor=zhao_contractor, reason="不在合同范围")
    assert order.status == "rejected"
    assert Notification.objects.filter(user=wang_manager, kind="workorders.reject").exists()


def _working(li_ming: User, zhao_contractor: User) -> WorkOrder:
    order = submit(li_ming)
    sv.work_order_accept(order_id=order.pk, actor=zhao_contractor, at=T0)
    return sv.work_order_start(order_id=order.pk, actor=zhao_contractor, at=T0)


@pytest.mark.django_db
def test_waiting_for_parts_pauses_the_completion_clock(li_ming: User, zhao_contractor: User, companies: object) -> None:
    order = _working(li_ming, zhao_contractor)
    assert order.completion_due == datetime(2025, 3, 6, 10, 0, tzinfo=TZ)  # 16h from Tue 09:00: 7 + 7.5 + 1.5
    order = sv.work_order_pause(order_id=order.pk, actor=zhao_contractor, reason="等配件", at=T0 + timedelta(hours=1))
    assert order.status == "waiting" and order.completion_due is None
    # the parts arrive two business hours later (10:00-12:00); work goes on
    order = sv.work_order_start(order_id=order.pk, actor=zhao_contractor, at=datetime(2025, 3, 4, 12, 0, tzinfo=TZ))
    assert order.completion_due == datetime(2025, 3, 6, 12, 0, tzinfo=TZ)  # moved by the 2 paused hours


@pytest.mark.django_db
def test_a_reopen_resumes_the_clock_on_the_same_order(li_ming: User, zhao_contractor: User, companies: object) -> None:
    order = _working(li_ming, zhao_contractor)
    done_at = datetime(2025, 3, 4, 11, 0, tzinfo=TZ)  # 2 business hours used, 14 left
    sv.work_order_complete(order_id=order.pk, actor=zhao_contractor, photos=[jpeg()], cost_fen=0, at=done_at)
    sv.work_order_confirm(order_id=order.pk, actor=li_ming, rating=5, at=done_at + timedelta(hours=1))
    reopened_at = datetime(2025, 3, 6, 9, 0, tzinfo=TZ)  # Thursday: the time in between does not count
    order = sv.work_order_reopen(order_id=order.pk, actor=li_ming, reason="又漏了", at=reopened_at)
    assert (order.status, order.reopen_count, order.rating) == ("reopened", 1, None)
    assert order.completion_due == datetime(2025, 3, 7, 17, 0, tzinfo=TZ)  # the 14h left, from Thu 09:00
    assert WorkOrder.objects.count() == 1
    order = sv.work_order_start(order_id=order.pk, actor=zhao_contractor, at=reopened_at)
    assert order.completion_due == datetime(2025, 3, 7, 17, 0, tzinfo=TZ)
    sv.work_order_complete(
        order_id=order.pk, actor=zhao_contractor, photos=[jpeg()], cost_fen=0, at=reopened_at + timedelta(days=8)
    )
    with pytest.raises(WorkOrderError) as err:
        sv.work_order_reopen(order_id=order.pk, actor=li_ming, at=reopened_at + timedelta(days=16))
    assert err.value.status == 409 and "7" in str(err.value)


@pytest.mark.django_db
def test_escalation_once_per_breach_on_a_frozen_clock(
    li_ming: User, zhao_contractor: User, wang_manager: User, companies: object
) -> None:
    order = submit(li_ming)  # response due 14:30 (4 business hours from 09:00, lunch 12:00-13:30)
    assert order.response_due == datetime(2025, 3, 4, 14, 30, tzinfo=TZ)
    assert sv.work_order_escalate(at=datetime(2025, 3, 4, 14, 29, tzinfo=TZ)) == 0
    late = datetime(2025, 3, 4, 14, 31, tzinfo=TZ)
    assert sv.work_order_escalate(at=late) == 1
    assert sv.work_order_escalate(at=late) == 0
    assert sv.work_order_escalate(at=late + timedelta(hours=3)) == 0  # the same breach: told once
    for person in (wang_manager, zhao_contractor):  # the dispatcher and the contractor's manager
        assert Notification.objects.filter(user=person, kind="workorders.breach_response").count() == 1
    assert not Notification.objects.filter(user=li_ming, kind__startswith="workorders.breach").exists()
    # accepted late: the completion clock breaches separately, once
    sv.work_order_accept(order_id=order.pk, actor=zhao_contractor, at=late)
    order.refresh_from_db()
    assert order.late_response and order.completion_due is not None
    after = order.completion_due + timedelta(minutes=1)
    assert sv.work_order_escalate(at=after) == 1
    assert sv.work_order_escalate(at=after + timedelta(days=1)) == 0
    assert list(Breach.objects.values_list("kind", flat=True).order_by("kind")) == ["completion", "response"]


@pytest.mark.django_db
def test_autoconfirm_after_three_days_without_a_rating(li_ming: User, zhao_contractor: User, companies: object) -> None:
    order = _working(li_ming, zhao_contractor)
    sv.work_order_complete(order_id=order.pk, actor=zhao_contractor, photos=[jpeg()], cost_fen=0, at=T0)
    assert sv.work_order_autoconfirm(order_id=order.pk, at=T0 + timedelta(days=2)) is None
    closed = sv.work_order_autoconfirm(order_id=order.pk, at=T0 + timedelta(days=3))
    assert closed is not None and (closed.status, closed.rating) == ("confirmed", None)
    assert sv.work_order_autoconfirm(order_id=order.pk, at=T0 + timedelta(days=4)) is None  # idempotent


@pytest.mark.django_db
def test_urgent_runs_24x7(li_ming: User, companies: object) -> None:
    friday_night = datetime(2025, 3, 7, 22, 0, tzinfo=TZ)
    order = submit(li_ming, at=friday_night, priority="urgent")
    assert order.response_due == friday_night + timedelta(minutes=30)
