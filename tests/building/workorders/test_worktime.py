"""Business time on the Chinese working calendar (seeded by migration 0002 from chinesecalendar)."""

from __future__ import annotations

import json
from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from building.models import Site
from building.workorders.models import SiteWorkingHours, WorkCalendarDay
from building.workorders.worktime import business_due

TZ = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


def test_the_calendar_is_seeded_from_the_official_package() -> None:
    assert WorkCalendarDay.objects.get(date=date(2025, 1, 26)).is_workday  # 春节调休上班 (a Sunday)
    assert not WorkCalendarDay.objects.get(date=date(2025, 1, 29)).is_workday  # 春节
    assert WorkCalendarDay.objects.get(date=date(2025, 1, 29)).note == "春节"


def test_plain_day_and_lunch_break() -> None:
    assert business_due(at("2025-03-04 09:00"), 2) == at("2025-03-04 11:00")
    assert business_due(at("2025-03-04 11:00"), 2) == at("2025-03-04 14:30")  # 12:00-13:30 lunch
    assert business_due(at("2025-03-04 07:00"), 1) == at("2025-03-04 09:30")  # before hours
    assert business_due(at("2025-03-04 12:30"), 1) == at("2025-03-04 14:30")  # during lunch


def test_across_a_weekend() -> None:
    # Friday 2025-03-07 16:30 + 4h: 1h on Friday, Saturday and Sunday off, 3h on Monday
    assert business_due(at("2025-03-07 16:30"), 4) == at("2025-03-10 11:30")


def test_across_the_make_up_working_sunday() -> None:
    # Friday 2025-01-24 16:30 + 4h: Saturday 25th off, Sunday 26th is a working day (调休)
    assert business_due(at("2025-01-24 16:30"), 4) == at("2025-01-26 11:30")


def test_across_a_holiday() -> None:
    # Monday 2025-01-27 is a working day; 28 Jan - 4 Feb is the Spring Festival; 8 Feb (Sat) is a make-up day
    assert business_due(at("2025-01-27 17:00"), 1) == at("2025-02-05 09:00")
    # National Day 2025: 1-8 October off, Saturday 11 October works
    assert business_due(at("2025-09-30 17:00"), 1) == at("2025-10-09 09:00")


def test_a_day_edited_in_the_admin_counts() -> None:
    WorkCalendarDay.objects.update_or_create(date=date(2025, 3, 5), defaults={"is_workday": False, "note": "停电"})
    assert business_due(at("2025-03-04 17:00"), 1) == at("2025-03-06 09:00")


def test_a_pause_does_not_count() -> None:
    pauses = [(at("2025-03-04 09:30"), at("2025-03-04 10:30"))]
    assert business_due(at("2025-03-04 09:00"), 2, pauses=pauses) == at("2025-03-04 12:00")
    # Friday 16:30-17:00 counts (0.5h); the pause takes Friday's last half hour and Monday's
    # first hour; the weekend was not working time anyway: 2.5h before lunch, 1h after
    pauses = [(at("2025-03-07 17:00"), at("2025-03-10 09:30"))]
    assert business_due(at("2025-03-07 16:30"), 4, pauses=pauses) == at("2025-03-10 14:30")


def test_urgent_runs_on_the_wall_clock() -> None:
    assert business_due(at("2025-01-24 16:30"), 4, wall_clock=True) == at("2025-01-24 20:30")
    assert business_due(at("2025-01-28 23:00"), 2, wall_clock=True) == at("2025-01-29 01:00")  # a holiday too


def test_hours_per_site(site: Site) -> None:
    SiteWorkingHours.objects.create(site=site, periods="09:00-12:00,14:00-18:00")
    assert business_due(at("2025-03-04 11:00"), 2, site) == at("2025-03-04 15:00")
    assert business_due(at("2025-03-04 11:00"), 2) == at("2025-03-04 14:30")  # other sites: default


def test_sla_due_command() -> None:
    out = StringIO()
    call_command("sla_due", "--start", "2025-01-24T16:30:00+08:00", "--hours", "4", stdout=out)
    assert json.loads(out.getvalue()) == {"due": "2025-01-26T11:30:00+08:00"}


def test_reseeding_keeps_edits_and_adds_nothing_twice() -> None:
    WorkCalendarDay.objects.filter(date=date(2025, 1, 26)).update(note="已改")
    out = StringIO()
    call_command("workcalendar_seed", stdout=out)
    assert json.loads(out.getvalue())["added"] == 0
    assert WorkCalendarDay.objects.get(date=date(2025, 1, 26)).note == "已改"
    WorkCalendarDay.objects.filter(date__year=2024).delete()
    call_command("workcalendar_seed", stdout=StringIO())
    assert WorkCalendarDay.objects.filter(date=date(2024, 2, 18), is_workday=True).exists()  # 春节调休 (Sunday)
