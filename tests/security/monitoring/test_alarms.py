"""The alarm service: dedupe, the state machine with who/when/comment, restore policy, escalation."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.models import AuditLog
from security.monitoring.models import Alarm, AlarmPolicy, AlarmStep
from security.monitoring.services import (
    AlarmError,
    alarm_acknowledge,
    alarm_clear,
    alarm_dispatch,
    alarm_escalate_due,
    alarm_raise,
    alarm_resolve,
)
from tests.security.monitoring.factories import space_in

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 11, 22, 2, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def raise_fire(site, at=T0, **kw) -> Alarm:
    return alarm_raise(site=site, source="fire", severity="critical", title="火警", dedupe_key="fire:1", at=at, **kw)


def test_a_repeating_source_updates_one_open_alarm(site) -> None:
    first = raise_fire(site)
    again = raise_fire(site, at=T0 + timedelta(seconds=30))
    assert again.pk == first.pk
    again.refresh_from_db()
    assert (again.occurrences, again.last_raised_at, again.raised_at) == (2, T0 + timedelta(seconds=30), T0)
    assert Alarm.objects.count() == 1


def test_the_keyword_signature_other_sources_use_still_works(site) -> None:
    space = space_in(site)
    alarm = alarm_raise(
        site=site, source="unknown_face", severity="warning", title="陌生人", dedupe_key="face:gate-1",
        device=None, space=space, data={"gate": "gate-1"}, at=T0,
    )  # fmt: skip
    assert alarm.space == space and alarm.floor == space.floor and alarm.building == space.floor.building
    assert alarm.data == {"gate": "gate-1"}


def test_state_machine_records_who_when_and_comment_at_each_step(site, chen_guard, wang_manager) -> None:
    alarm = alarm_raise(site=site, source="intrusion", severity="major", title="入侵", dedupe_key="intrusion:9", at=T0)
    alarm_acknowledge(alarm_id=alarm.pk, actor=chen_guard, comment="正在查看", at=T0 + timedelta(minutes=1))
    with pytest.raises(AlarmError, match="已由"):
        alarm_acknowledge(alarm_id=alarm.pk, actor=wang_manager)
    alarm_dispatch(alarm_id=alarm.pk, actor=chen_guard, dispatched_to="巡逻二组", at=T0 + timedelta(minutes=2))
    resolved = alarm_resolve(alarm_id=alarm.pk, actor=wang_manager, comment="误报：保洁", at=T0 + timedelta(minutes=9))
    assert resolved.state == "resolved"
    assert (resolved.acknowledged_by, resolved.acknowledged_at) == (chen_guard, T0 + timedelta(minutes=1))
    assert (resolved.dispatched_by, resolved.dispatched_to) == (chen_guard, "巡逻二组")
    assert (resolved.resolved_by, resolved.comment) == (wang_manager, "误报：保洁")
    steps = list(AlarmStep.objects.filter(alarm=alarm).values_list("action", "actor__username", "comment"))
    assert steps == [
        ("acknowledge", "chen_guard", "正在查看"),
        ("dispatch", "chen_guard", ""),
        ("resolve", "wang_manager", "误报：保洁"),
    ]
    assert AuditLog.objects.filter(action="monitoring.alarm.resolve", target_id=str(alarm.pk)).exists()
    with pytest.raises(AlarmError):
        alarm_resolve(alarm_id=alarm.pk, actor=wang_manager, comment="again")


def test_dispatch_needs_a_target(site, chen_guard) -> None:
    alarm = alarm_raise(site=site, source="intrusion", severity="major", title="入侵", dedupe_key="intrusion:9", at=T0)
    with pytest.raises(AlarmError):
        alarm_dispatch(alarm_id=alarm.pk, actor=chen_guard, dispatched_to="  ")
    alarm.refresh_from_db()
    assert alarm.state == "new" and not AlarmStep.objects.exists()


def test_a_fire_alarm_cannot_be_resolved_without_a_comment(site, chen_guard) -> None:
    alarm = raise_fire(site)
    with pytest.raises(AlarmError, match="必须填写说明"):
        alarm_resolve(alarm_id=alarm.pk, actor=chen_guard, comment="   ")
    alarm.refresh_from_db()
    assert alarm.state == "new" and alarm.resolved_at is None
    alarm_resolve(alarm_id=alarm.pk, actor=chen_guard, comment="厨房油烟，已通风")
    alarm.refresh_from_db()
    assert alarm.state == "resolved" and alarm.acknowledged_by == chen_guard  # the skipped step is filled in


def test_a_resolved_key_opens_a_new_alarm_next_time(site, chen_guard) -> None:
    first = raise_fire(site)
    alarm_resolve(alarm_id=first.pk, actor=chen_guard, comment="处理完毕")
    second = raise_fire(site, at=T0 + timedelta(hours=1))
    assert second.pk != first.pk and second.state == "new"


def test_restore_marks_a_fire_restored_but_closes_what_policy_allows(site) -> None:
    fire = raise_fire(site)
    assert alarm_clear(site=site, dedupe_key="fire:1", at=T0 + timedelta(minutes=1)) == fire
    fire.refresh_from_db()
    assert fire.state == "new" and fire.restored_at == T0 + timedelta(minutes=1)  # a person closes a fire

    intrusion = alarm_raise(site=site, source="intrusion", severity="major", title="入侵", dedupe_key="intr", at=T0)
    alarm_clear(site=site, dedupe_key="intr", at=T0 + timedelta(minutes=1))
    intrusion.refresh_from_db()
    assert intrusion.state == "resolved" and intrusion.resolved_by is None

    AlarmPolicy.objects.create(site=site, source="intrusion", close_on_restore=False)
    again = alarm_raise(site=site, source="intrusion", severity="major", title="入侵", dedupe_key="intr", at=T0)
    alarm_clear(site=site, dedupe_key="intr", at=T0 + timedelta(minutes=2))
    again.refresh_from_db()
    assert again.state == "new" and again.restored_at is not None
    assert alarm_clear(site=site, dedupe_key="nothing-open", at=T0) is None


def test_unacknowledged_alarms_escalate_once_per_period(site, chen_guard) -> None:
    alarm = alarm_raise(site=site, source="intrusion", severity="major", title="入侵", dedupe_key="intr", at=T0)  # 120 s policy
    quiet = alarm_raise(site=site, source="patrol_late", severity="warning", title="迟到", dedupe_key="late", at=T0)  # never
    assert alarm_escalate_due(at=T0 + timedelta(seconds=119)) == []
    assert alarm_escalate_due(at=T0 + timedelta(seconds=120)) == [alarm.pk]
    assert alarm_escalate_due(at=T0 + timedelta(seconds=150)) == []  # the clock restarts at the escalation
    alarm.refresh_from_db()
    assert (alarm.severity, alarm.escalation_level) == ("critical", 1)
    quiet.refresh_from_db()
    assert quiet.escalation_level == 0
    alarm_acknowledge(alarm_id=alarm.pk, actor=chen_guard, comment="")
    assert alarm_escalate_due(at=T0 + timedelta(hours=5)) == []
    assert AlarmStep.objects.filter(alarm=alarm, action="escalate").count() == 1
    AlarmPolicy.objects.create(site=site, source="patrol_late", escalate_after_s=60)
    assert alarm_escalate_due(at=T0 + timedelta(seconds=60)) == [quiet.pk]
