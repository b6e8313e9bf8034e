"""The staff page, the managers' report (rate vs the 80% goal, leaderboard, xlsx) and reviews."""

from __future__ import annotations

import re
import uuid
from io import BytesIO

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from building.models import Site
from building.recycling.models import Drop, Good
from building.recycling.services.drops import DropInput, drop_record, drop_review
from canteen.selectors import wallet_balances
from core.models import AuditLog
from devices.models import Device
from portal.models import Department, User
from portal.notifications.models import Notification
from security.services.credentials import credential_issue
from tests.factories import DepartmentFactory, device_factory

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def bin_device(site: Site) -> Device:
    return device_factory(site=site, kind="recycling_bin").device


def by_card(device: Device, user: User, category: str, weight_g: int) -> None:
    code = f"{user.pk:010X}"
    if not user.access_credentials.exists():
        credential_issue(user=user, kind="card", code=code, actor="test")
    entry = DropInput(
        event_id=uuid.uuid4().hex, method="card", category=category, weight_g=weight_g, at=timezone.now(), code=code
    )
    drop_record(device=device, drop=entry)


def test_staff_see_their_points_and_drops_and_exchange_in_the_shop(site: Site, li_ming: User, bin_device: Device) -> None:
    by_card(bin_device, li_ming, "paper", 5000)  # 50 points
    by_card(bin_device, li_ming, "paper", 5)
    kettle = Good.objects.create(site=site, name="水壶", points=40, stock=2)
    page = client_for(li_ming).get("/recycling/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="points">50<' in html and "水壶" in html and 'data-status="too_light"' in html
    assert "too_light" not in html.replace('data-status="too_light"', "")  # codes stay out of sight

    answer = client_for(li_ming).post(f"/recycling/shop/{kettle.pk}/redeem/", {"key": "k1", "quantity": "1"}, follow=True)
    assert wallet_balances(li_ming).points == 10 and "水壶" in answer.content.decode()
    refused = client_for(li_ming).post(f"/recycling/shop/{kettle.pk}/redeem/", {"key": "k2"}, follow=True)
    assert wallet_balances(li_ming).points == 10 and 'class="toast error"' in refused.content.decode()


def test_managers_see_the_rate_against_the_goal_the_leaderboard_and_export(
    site: Site, li_ming: User, zhang_li: User, wang_manager: User, bin_device: Device
) -> None:
    office: Department = DepartmentFactory(site=site, name="办公室")  # type: ignore[assignment]
    archive: Department = DepartmentFactory(site=site, name="档案处")  # type: ignore[assignment]
    li_ming.department, zhang_li.department = office, archive
    li_ming.save()
    zhang_li.save()
    by_card(bin_device, li_ming, "paper", 3000)
    by_card(bin_device, li_ming, "kitchen", 1000)
    by_card(bin_device, zhang_li, "plastic", 5000)
    by_card(bin_device, zhang_li, "other", 1000)
    assert client_for(li_ming).get("/recycling/report/").status_code == 403

    page = client_for(wang_manager).get("/recycling/report/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-rate="80.0"' in html  # (3 + 5) / 10 kg, exactly the national goal
    assert html.index('data-department="档案处"') < html.index('data-department="办公室"')  # 5 kg vs 3 kg per member
    assert 'data-category="plastic" data-grams="5000"' in html
    assert 'data-testid="months-chart"' in html and 'id="months-chart"' in html  # the ECharts picture of the table
    assert page.context["chart"]["series"][0]["data"] == [8.0] and page.context["chart"]["series"][1]["data"] == [2.0]

    export = client_for(wang_manager).get("/recycling/report/export.xlsx")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(BytesIO(export.content))
    summary = {row[0]: row[1] for row in book.worksheets[0].iter_rows(values_only=True)}
    assert 80.0 in summary.values() and 10.0 in summary.values()
    ranked = list(book.worksheets[2].iter_rows(min_row=2, values_only=True))
    assert [r[1] for r in ranked] == ["档案处", "办公室"]


def test_a_manager_approves_a_held_drop_once_from_the_page(
    site: Site, li_ming: User, wang_manager: User, bin_device: Device
) -> None:
    by_card(bin_device, li_ming, "metal", 25_000)
    held = Drop.objects.get(status=Drop.Status.HELD)
    manager = client_for(wang_manager)
    assert f'data-drop="{held.pk}"' in manager.get("/recycling/report/").content.decode()
    manager.post(f"/recycling/report/drops/{held.pk}/review/", {"decision": "approve", "note": "scrap metal"})
    again = manager.post(f"/recycling/report/drops/{held.pk}/review/", {"decision": "approve"}, follow=True)
    assert "already reviewed" in again.content.decode() or "已审核" in again.content.decode()
    assert wallet_balances(li_ming).points == 200  # 25 kg x 20/kg = 500, capped at 200 a day
    assert AuditLog.objects.filter(action="recycling.drop.approve").count() == 1
    told = Notification.objects.get(user=li_ming, kind="recycling.review")
    assert "200" in told.body and told.url == "/recycling/"
    assert client_for(li_ming).post(f"/recycling/report/drops/{held.pk}/review/", {"decision": "reject"}).status_code == 403


@pytest.mark.django_db(transaction=True)  # the demo drops are recorded after seed_demo commits
def test_demo_data_gives_a_bin_rates_goods_and_drops(capsys: pytest.CaptureFixture[str]) -> None:
    from django.core.management import call_command

    call_command("seed_demo", "--password", "pw")
    call_command("seed_demo", "--password", "pw")  # idempotent: the same drops, credited once
    assert Drop.objects.filter(event_id__startswith="demo-").count() == 8
    staff = User.objects.get(username="staff")
    assert wallet_balances(staff).points == 32 + 16 + 3  # paper 3.2 kg x 10, plastic 0.8 kg x 20, kitchen 1.5 kg x 2
    assert Drop.objects.filter(status=Drop.Status.HELD).count() == 1 and Good.objects.count() == 4
    page = client_for(User.objects.get(username="manager")).get("/recycling/report/")
    assert page.status_code == 200 and 'data-testid="held"' in page.content.decode()


def test_held_and_rejected_readings_stay_out_of_the_figures(
    site: Site, li_ming: User, wang_manager: User, bin_device: Device
) -> None:
    from datetime import date

    from building.recycling.selectors import recycling_report

    by_card(bin_device, li_ming, "paper", 1000)
    by_card(bin_device, li_ming, "paper", 25_000)  # held
    by_card(bin_device, li_ming, "other", 30_000)  # held, then rejected
    drop_review(drop_id=Drop.objects.get(weight_g=30_000).pk, actor=wang_manager, approve=False)
    month = timezone.localdate().replace(day=1)
    assert (recycling_report(user=wang_manager, month=month).total_g, recycling_report(user=wang_manager, month=month).rate) == (
        1000,
        100.0,
    )
    drop_review(drop_id=Drop.objects.get(weight_g=25_000).pk, actor=wang_manager, approve=True)
    assert recycling_report(user=wang_manager, month=month).total_g == 26_000
    assert recycling_report(user=wang_manager, month=date(2001, 1, 1)).rate is None


def test_the_shop_stock_column_reads_stock_in_chinese_not_parking_exit(li_ming: User, site: Site) -> None:
    """The msgid "Left" is both the shop's stock and parking's exit time: each has its own context."""
    Good.objects.create(site=site, name="环保购物袋", points=30, stock=3)
    html = client_for(li_ming).get("/recycling/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    goods = html.split('data-testid="goods"', 1)[1].split("</thead>", 1)[0]
    headers = re.findall(r'<th scope="col"[^>]*>([^<]*)<', goods)
    assert headers[:3] == ["商品", "积分", "库存"], headers
    assert "离场" not in goods
