"""Guard patrol: rounds from schedules, scans checked for order / window / plausibility, missed after grace."""

from __future__ import annotations

from datetime import datetime, timedelta
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from security.monitoring.models import Alarm, PatrolRound, PatrolVisit
from security.monitoring.services import (
    PatrolError,
    patrol_checkpoint_scan,
    patrol_overdue_check,
    patrol_round_create,
    patrol_rounds_generate,
)
from tests.security.monitoring.factories import night_schedule, route_with_checkpoints

SH = ZoneInfo("Asia/Shanghai")
NIGHT = datetime(2026, 11, 22, 21, 55, tzinfo=SH)


@pytest.mark.django_db
def test_a_night_schedule_generates_rounds_every_two_hours_once(site, chen_guard) -> None:
    route = route_with_checkpoints(site)
    night_schedule(route, guard=chen_guard)
    created = patrol_rounds_generate(at=NIGHT, horizon=timedelta(hours=9))
    starts = [timezone_hm(r.planned_start) for r in PatrolRound.objects.filter(pk__in=created).order_by("planned_start")]
    assert starts == ["22:00", "00:00", "02:00", "04:00", "06:00"]
    assert patrol_rounds_generate(at=NIGHT, horizon=timedelta(hours=9)) == []  # idempotent
    first = PatrolRound.objects.order_by("planned_start").first()
    assert first is not None and first.guard == chen_guard and first.visits.count() == 3


def timezone_hm(value: datetime) -> str:
    return value.astimezone(SH).strftime("%H:%M")


@pytest.mark.django_db
def test_a_skipped_checkpoint_raises_a_missed_alarm_after_the_grace_period(site, chen_guard) -> None:
    route = route_with_checkpoints(site, every_s=600, grace_s=900)  # due at +10, +20, +30 min
    start = datetime(2026, 11, 22, 22, 0, tzinfo=SH)
    patrol_round = patrol_round_create(route=route, planned_start=start, guard=chen_guard)
    assert patrol_round is not None
    ok = patrol_checkpoint_scan(site=site, tag="night-tag-1", guard=chen_guard, at=start + timedelta(minutes=9))
    assert (ok.state, ok.flags) == ("ok", [])
    # Checkpoint 2 is skipped; 3 is scanned on time but out of order.
    number = chen_guard.employee_no
    third = patrol_checkpoint_scan(site=site, tag="night-tag-3", guard_no=number, at=start + timedelta(minutes=25))
    assert third.state == "ok" and third.flags == ["out_of_order"]
    due_2 = start + timedelta(minutes=20)
    assert patrol_overdue_check(at=due_2 + timedelta(minutes=15)).missed == []  # still inside the grace period
    result = patrol_overdue_check(at=due_2 + timedelta(minutes=15, seconds=1))
    missed = PatrolVisit.objects.get(round=patrol_round, checkpoint__order=2)
    assert result.missed == [missed.pk] and result.finished == [patrol_round.pk]
    assert missed.state == "missed" and missed.alarm is not None
    assert (missed.alarm.source, missed.alarm.severity, missed.alarm.state) == ("patrol_missed", "major", "new")
    patrol_round.refresh_from_db()
    assert patrol_round.state == "incomplete"
    assert patrol_overdue_check(at=due_2 + timedelta(hours=1)).missed == []  # once
    assert Alarm.objects.filter(source="patrol_missed").count() == 1


@pytest.mark.django_db
def test_scans_too_fast_or_late_are_flagged_and_raise_alarms(site, chen_guard, zhang_li) -> None:
    route = route_with_checkpoints(site, every_s=600, min_gap_s=120, grace_s=300)
    start = datetime(2026, 11, 22, 0, 0, tzinfo=SH)
    patrol_round_create(route=route, planned_start=start, guard=chen_guard)
    patrol_checkpoint_scan(site=site, tag="night-tag-1", guard=chen_guard, at=start + timedelta(minutes=8))
    fast = patrol_checkpoint_scan(site=site, tag="night-tag-2", guard=chen_guard, at=start + timedelta(minutes=8, seconds=30))
    assert "too_fast" in fast.flags
    assert Alarm.objects.filter(source="patrol_implausible").count() == 1
    late = patrol_checkpoint_scan(site=site, tag="night-tag-3", guard=zhang_li, at=start + timedelta(minutes=36))
    assert late.state == "late" and "wrong_guard" in late.flags
    assert late.alarm is not None and late.alarm.source == "patrol_late"
    assert PatrolRound.objects.get().state == "completed"


@pytest.mark.django_db
def test_unknown_tags_and_guards_are_refused_with_a_reason(site, chen_guard) -> None:
    route_with_checkpoints(site)
    with pytest.raises(PatrolError) as unknown_tag:
        patrol_checkpoint_scan(site=site, tag="nope", guard=chen_guard, at=NIGHT)
    assert unknown_tag.value.reason == "unknown_tag"
    with pytest.raises(PatrolError) as unknown_guard:
        patrol_checkpoint_scan(site=site, tag="night-tag-1", guard_no="E99999", at=NIGHT)
    assert unknown_guard.value.reason == "unknown_guard"
    with pytest.raises(PatrolError) as no_round:
        patrol_checkpoint_scan(site=site, tag="night-tag-1", guard=chen_guard, at=NIGHT)
    assert no_round.value.reason == "no_round"


@pytest.mark.django_db(transaction=True)
def test_a_patrol_reader_checkpoint_over_mqtt_shows_on_the_panel(bridge, connect_device, open_panel, site, chen_guard) -> None:
    from django.utils import timezone

    route = route_with_checkpoints(site, every_s=600)
    patrol_round_create(route=route, planned_start=timezone.now() - timedelta(minutes=5), guard=chen_guard)
    panel = open_panel(chen_guard)
    reader = connect_device(site, "patrol_reader")
    reader.send("checkpoint", {"tag": "night-tag-1", "guard": chen_guard.employee_no})
    event = panel.wait_for(lambda e: e["type"] == "patrol.scan")
    assert event["round"]["state"] == "in_progress"
    assert [v["state"] for v in event["round"]["visits"]] == ["ok", "pending", "pending"]
    cmd = reader.request("checkpoint", {"tag": "no-such-tag", "guard": chen_guard.employee_no})
    assert cmd["type"] == "error" and "unknown_tag" in cmd["data"]["reason"]


@pytest.mark.django_db
def test_qr_scan_page_and_report_with_xlsx(client, site, chen_guard, wang_manager, li_ming) -> None:
    from django.utils import timezone

    route = route_with_checkpoints(site)
    patrol_round_create(route=route, planned_start=timezone.now() - timedelta(minutes=5), guard=chen_guard)
    client.force_login(chen_guard)
    page = client.get("/security/patrol/scan/?tag=night-tag-1")
    assert page.status_code == 200 and b'value="night-tag-1"' in page.content
    done = client.post("/security/patrol/scan/", {"tag": "night-tag-1"})
    assert done.status_code == 200 and b'data-testid="scan-ok"' in done.content
    assert PatrolVisit.objects.get(checkpoint__tag="night-tag-1").via == "qr"
    bad = client.post("/security/patrol/scan/", {"tag": "forged"})
    assert bad.status_code == 400 and b'data-testid="scan-error"' in bad.content

    client.force_login(wang_manager)
    report = client.get("/security/patrol/report/?by=guard")
    assert report.status_code == 200 and "陈保安" in report.content.decode()
    xlsx = client.get("/security/patrol/report/?by=route&format=xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert rows[1][:4] == ("night路线", 1, 3, 1)  # name, rounds, checkpoints, on time

    client.force_login(li_ming)
    assert client.get("/security/patrol/report/").status_code == 403
    assert client.post("/security/patrol/scan/", {"tag": "night-tag-2"}).status_code == 403
