"""The pages through the Django test client: report with a photo, the queue, complete, confirm, board,
evaluation (adjust, approve, xlsx), QR code, and the contractor's tile first on the home page."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from django.test import Client
from openpyxl import load_workbook

from building.workorders.models import Company, Evaluation, WorkOrder
from core.models import AuditLog
from portal.models import User
from tests.building.workorders.conftest import jpeg

pytestmark = pytest.mark.django_db


def session(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_report_follow_complete_confirm_on_pages(li_ming: User, zhao_contractor: User, companies: object, room: object) -> None:
    staff, worker = session(li_ming), session(zhao_contractor)
    form = staff.get("/repairs/new/?space=r301")
    assert form.status_code == 200 and b'value="r301" selected' in form.content  # the QR code's pre-fill
    response = staff.post(
        "/repairs/new/", {"category": "plumbing", "space": "r301", "description": "水管漏水", "photos": [jpeg()]}
    )
    order = WorkOrder.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/repairs/{order.pk}/"
    assert order.number.encode() in staff.get("/repairs/").content

    queue = worker.get("/repairs/queue/")
    assert order.number.encode() in queue.content and b"data-due=" in queue.content  # SLA countdown
    worker.post(f"/repairs/{order.pk}/accept/")
    worker.post(f"/repairs/{order.pk}/start/")
    refused = worker.post(f"/repairs/{order.pk}/complete/", {"cost_yuan": "12.5"}, follow=True)
    assert refused.status_code == 200 and WorkOrder.objects.get().status == "in_progress"
    worker.post(f"/repairs/{order.pk}/complete/", {"cost_yuan": "12.5", "photo": jpeg()})
    order.refresh_from_db()
    assert (order.status, order.cost_fen) == ("done", 1250)
    page = staff.get(f"/repairs/{order.pk}/")
    assert b'data-action="confirm"' in page.content and b"\xc2\xa512.50" in page.content
    staff.post(f"/repairs/{order.pk}/confirm/", {"rating": "5", "text": "好"})
    order.refresh_from_db()
    assert (order.status, order.rating) == ("confirmed", 5)
    staff.post(f"/repairs/{order.pk}/comment/", {"text": "谢谢"})
    assert "谢谢".encode() in staff.get(f"/repairs/{order.pk}/").content


def test_cancel_before_acceptance_on_the_page(li_ming: User, companies: object) -> None:
    staff = session(li_ming)
    staff.post("/repairs/new/", {"category": "plumbing", "location": "2楼", "description": "门坏了"})
    order = WorkOrder.objects.get()
    assert b'data-action="cancel"' in staff.get(f"/repairs/{order.pk}/").content
    staff.post(f"/repairs/{order.pk}/cancel/")
    order.refresh_from_db()
    assert order.status == "cancelled"


def test_a_bad_form_keeps_what_was_typed(li_ming: User, companies: object) -> None:
    response = session(li_ming).post("/repairs/new/", {"category": "plumbing", "description": "没写地点"})
    assert response.status_code == 200 and "没写地点".encode() in response.content
    assert not WorkOrder.objects.exists()


def test_board_evaluation_adjust_approve_and_xlsx(wang_manager: User, li_ming: User, companies: tuple[Company, Company]) -> None:
    manager = session(wang_manager)
    session(li_ming).post("/repairs/new/", {"category": "cleaning", "location": "大厅", "description": "地面湿滑"})
    assert WorkOrder.objects.get().number.encode() in manager.get("/repairs/board/").content  # unrouted: needs a dispatcher
    manager.post("/repairs/evaluations/", {"month": "2025-03"})
    row = Evaluation.objects.get(company=companies[0])
    assert b"2025-03" in manager.get("/repairs/evaluations/").content
    manager.post(f"/repairs/evaluations/{row.pk}/", {"score": "80", "incidents": "0", "reason": "用户投诉核实"})
    row.refresh_from_db()
    assert row.score == 80 and AuditLog.objects.filter(action="workorders.evaluation.adjust").exists()
    manager.post(f"/repairs/evaluations/{row.pk}/", {"do": "approve"})
    row.refresh_from_db()
    assert row.status == "approved"
    book = load_workbook(BytesIO(manager.get(f"/repairs/evaluations/{row.pk}.xlsx").content))
    values = {r[0]: r[1] for r in book.active.iter_rows(values_only=True)}
    assert 9500.0 in values.values()  # (15 + 80)% of ¥10,000


def test_room_qr_code(wang_manager: User, room: object) -> None:
    response = session(wang_manager).get("/repairs/qr/r301.svg")
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml" and b"<svg" in response.content
    assert session(wang_manager).get("/repairs/qr/nope.svg").status_code == 404
    sheet = session(wang_manager).get("/repairs/qr/")
    assert sheet.status_code == 200 and b'data-space="r301"' in sheet.content and b"<svg" in sheet.content


def test_the_contractor_sees_its_queue_first(zhao_contractor: User, companies: object) -> None:
    home = session(zhao_contractor).get("/").content.decode()
    assert 'data-service="work_orders"' in home and 'href="/repairs/queue/"' in home
    assert home.index('data-service="work_orders"') < home.index('data-service="notifications"')
    assert 'data-service="repairs"' not in home


def test_personal_data_export_lists_the_requests(li_ming: User, companies: object) -> None:
    from building.workorders.privacy import personal_data

    session(li_ming).post("/repairs/new/", {"category": "plumbing", "location": "2楼", "description": "门坏了"})
    data = personal_data(li_ming)
    assert data["repair_requests"][0]["description"] == "门坏了" and data["contractor_company"] is None
    assert data["work_order_texts"][0]["text"] == "门坏了"


def test_the_board_filters_and_pages_its_open_orders(
    wang_manager: User, li_ming: User, companies: tuple[Company, Company]
) -> None:
    staff, manager = session(li_ming), session(wang_manager)
    for place in ("一楼", "二楼", "三楼"):
        staff.post("/repairs/new/", {"category": "plumbing", "location": place, "description": "漏水"})
    staff.post("/repairs/new/", {"category": "network", "location": "机房", "description": "断网"})

    def open_rows(query: str) -> list[str]:
        html = manager.get(f"/repairs/board/{query}").content.decode()
        if 'data-testid="open-orders"' not in html:
            return []
        return re.findall(r'<tr data-number="([^"]+)"', html.split('data-testid="open-orders"', 1)[1])

    numbers = dict(WorkOrder.objects.values_list("location", "number"))
    assert len(open_rows("")) == 4
    assert set(open_rows("?company=b")) == {numbers["机房"]}  # 乙服务: network
    assert len(open_rows("?company=a&status=submitted")) == 3
    assert open_rows("?status=done") == []
    assert 'data-testid="empty"' in manager.get("/repairs/board/?status=done").content.decode()
    assert len(open_rows("?page=9")) == 4  # 30 a page: a page past the end shows the last one
