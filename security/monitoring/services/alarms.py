"""Writes for alarms. Every source (fire, cameras, devices, patrol, gates) raises through here.

State machine: new -> acknowledged -> dispatched -> resolved (resolve and dispatch may skip
steps; the skipped step is filled in with the same person and time). Every change is an
AlarmStep row, an audit row and a realtime event to the site's group after commit.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from building.models import Site, Space
from core.audit import audit_log
from core.realtime import publish_on_commit, site_group
from devices.models import Device
from portal.models import User
from security.monitoring.models import Alarm, AlarmStep
from security.monitoring.policy import comment_required, next_severity, policy_for
from security.monitoring.serializers import alarm_event

__all__ = [
    "AlarmError",
    "alarm_acknowledge",
    "alarm_clear",
    "alarm_dispatch",
    "alarm_escalate",
    "alarm_escalate_due",
    "alarm_event",
    "alarm_open_once",
    "alarm_raise",
    "alarm_remind",
    "alarm_resolve",
]

COMMENT_MAX = 2000


class AlarmError(ValueError):
    """A refused transition; the message is for the person who tried it."""


def _publish(alarm: Alarm, kind: str) -> None:
    publish_on_commit(site_group(alarm.site.code), alarm_event(alarm, kind))


def _snapshot_on_commit(alarm: Alarm) -> None:
    from security.monitoring.selectors import cameras_near
    from security.monitoring.tasks import alarm_snapshot_grab

    if cameras_near(alarm):
        alarm_id = alarm.pk
        transaction.on_commit(lambda: alarm_snapshot_grab.delay(alarm_id))


def _create(
    *,
    site: Site,
    source: str,
    severity: str,
    title: str,
    dedupe_key: str,
    device: Device | None,
    space: Space | None,
    data: dict[str, Any] | None,
    at: datetime,
) -> Alarm:
    """Insert (in a savepoint: the caller handles IntegrityError), audit, publish, snapshot."""
    space = space or (device.space if device else None)
    floor = space.floor if space else None
    with transaction.atomic():
        alarm = Alarm.objects.create(
            site=site,
            source=source,
            severity=severity,
            title=title[:200],
            dedupe_key=dedupe_key,
            device=device,
            space=space,
            floor=floor,
            building=floor.building if floor else None,
            data=data or {},
            raised_at=at,
            last_raised_at=at,
        )
    audit_log(
        action="monitoring.alarm.raise",
        actor=str(device) if device else "system",
        target=alarm,
        data={"source": source, "severity": severity, "dedupe": dedupe_key},
    )
    _publish(alarm, "alarm.raised")
    _snapshot_on_commit(alarm)
    return alarm


def alarm_raise(
    *,
    site: Site,
    source: str,
    severity: str,
    title: str,
    dedupe_key: str,
    device: Device | None = None,
    space: Space | None = None,
    data: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> Alarm:
    """Open an alarm, or count one more occurrence of the open alarm with the same key."""
    at = at or timezone.now()
    with transaction.atomic():
        open_alarm = (
            Alarm.objects.select_for_update(of=("self",))
            .filter(site=site, dedupe_key=dedupe_key)
            .exclude(state=Alarm.State.RESOLVED)
            .first()
        )
        if open_alarm is not None:
            open_alarm.occurrences += 1
            open_alarm.last_raised_at = max(at, open_alarm.last_raised_at)
            open_alarm.restored_at = None  # firing again: whatever restore we had is void
            if data:
                open_alarm.data = {**open_alarm.data, **data}
            open_alarm.save(update_fields=["occurrences", "last_raised_at", "restored_at", "data"])
            _publish(open_alarm, "alarm.updated")
            return open_alarm
        try:
            return _create(
                site=site, source=source, severity=severity, title=title, dedupe_key=dedupe_key,
                device=device, space=space, data=data, at=at,
            )  # fmt: skip
        except IntegrityError:  # raced with another raiser of the same key: count on theirs
            return alarm_raise(
                site=site, source=source, severity=severity, title=title, dedupe_key=dedupe_key,
                device=device, space=space, data=data, at=at,
            )  # fmt: skip


def alarm_open_once(
    *,
    site: Site,
    source: str,
    severity: str,
    title: str,
    dedupe_key: str,
    device: Device | None = None,
    space: Space | None = None,
    data: dict[str, Any] | None = None,
    at: datetime,
) -> Alarm | None:
    """Open an alarm unless one with this key is open already (then None, and nothing counted).

    For scheduled sweeps: two sweepers finding the same condition must not make it look like
    it happened twice.
    """
    with transaction.atomic():
        if Alarm.objects.filter(site=site, dedupe_key=dedupe_key).exclude(state=Alarm.State.RESOLVED).exists():
            return None
        try:
            return _create(
                site=site, source=source, severity=severity, title=title, dedupe_key=dedupe_key,
                device=device, space=space, data=data, at=at,
            )  # fmt: skip
        except IntegrityError:
            return None


def _step(alarm: Alarm, action: str, *, actor: User | None, at: datetime, comment: str = "", **data: Any) -> None:
    AlarmStep.objects.create(alarm=alarm, action=action, actor=actor, at=at, comment=comment, data=data)
    audit_log(
        action=f"monitoring.alarm.{action}",
        actor=actor or "system",
        target=alarm,
        data={"comment": comment[:200], **data},
    )


def _locked(alarm_id: int) -> Alarm:
    alarm = Alarm.objects.select_for_update(of=("self",)).select_related("site").filter(pk=alarm_id).first()
    if alarm is None:
        raise AlarmError(_("No such alarm."))
    return alarm


def _clean_comment(comment: str) -> str:
    comment = comment.strip()
    if len(comment) > COMMENT_MAX:
        raise AlarmError(_("The comment is too long (at most %(max)d characters).") % {"max": COMMENT_MAX})
    return comment


def alarm_acknowledge(*, alarm_id: int, actor: User, comment: str = "", at: datetime | None = None) -> Alarm:
    at = at or timezone.now()
    comment = _clean_comment(comment)
    with transaction.atomic(durable=True):
        alarm = _locked(alarm_id)
        if alarm.state != Alarm.State.NEW:
            raise AlarmError(
                _("This alarm was already acknowledged by %(who)s.") % {"who": alarm.acknowledged_by or _("someone")}
                if alarm.acknowledged_by_id
                else _("This alarm is %(state)s and cannot be acknowledged.") % {"state": alarm.get_state_display()}
            )
        alarm.state, alarm.acknowledged_at, alarm.acknowledged_by = Alarm.State.ACKNOWLEDGED, at, actor
        alarm.save(update_fields=["state", "acknowledged_at", "acknowledged_by"])
        _step(alarm, AlarmStep.Action.ACKNOWLEDGE, actor=actor, at=at, comment=comment)
        _publish(alarm, "alarm.acknowledged")
        return alarm


def alarm_dispatch(
    *, alarm_id: int, actor: User, dispatched_to: str, comment: str = "", work_order_ref: str = "", at: datetime | None = None
) -> Alarm:
    with transaction.atomic(durable=True):
        return alarm_dispatch_in_transaction(
            alarm_id=alarm_id, actor=actor, dispatched_to=dispatched_to, comment=comment, work_order_ref=work_order_ref, at=at
        )


def alarm_dispatch_in_transaction(
    *, alarm_id: int, actor: User, dispatched_to: str, comment: str = "", work_order_ref: str = "", at: datetime | None = None
) -> Alarm:
    """alarm_dispatch as one step of the caller's transaction (a work order opened from the alarm)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("alarm_dispatch_in_transaction runs inside the caller's transaction")
    at = at or timezone.now()
    comment, dispatched_to = _clean_comment(comment), dispatched_to.strip()[:200]
    if not dispatched_to:
        raise AlarmError(_("Say who is sent to deal with the alarm."))
    alarm = _locked(alarm_id)
    if alarm.state not in (Alarm.State.NEW, Alarm.State.ACKNOWLEDGED):
        raise AlarmError(_("This alarm is %(state)s and cannot be dispatched.") % {"state": alarm.get_state_display()})
    if alarm.acknowledged_at is None:
        alarm.acknowledged_at, alarm.acknowledged_by = at, actor
    alarm.state, alarm.dispatched_at, alarm.dispatched_by = Alarm.State.DISPATCHED, at, actor
    alarm.dispatched_to, alarm.work_order_ref = dispatched_to, work_order_ref.strip()[:40]
    alarm.save()
    _step(alarm, AlarmStep.Action.DISPATCH, actor=actor, at=at, comment=comment, to=dispatched_to)
    _publish(alarm, "alarm.dispatched")
    return alarm


def alarm_resolve(*, alarm_id: int, actor: User, comment: str = "", at: datetime | None = None) -> Alarm:
    at = at or timezone.now()
    comment = _clean_comment(comment)
    with transaction.atomic(durable=True):
        alarm = _locked(alarm_id)
        if alarm.state == Alarm.State.RESOLVED:
            raise AlarmError(_("This alarm is already resolved."))
        if not comment and comment_required(source=alarm.source, severity=alarm.severity):
            raise AlarmError(_("A comment is required to resolve this alarm: say what happened and what was done."))
        if alarm.acknowledged_at is None:
            alarm.acknowledged_at, alarm.acknowledged_by = at, actor
        alarm.state, alarm.resolved_at, alarm.resolved_by, alarm.comment = Alarm.State.RESOLVED, at, actor, comment
        alarm.save()
        _step(alarm, AlarmStep.Action.RESOLVE, actor=actor, at=at, comment=comment)
        _publish(alarm, "alarm.resolved")
        return alarm


def alarm_clear(*, site: Site, dedupe_key: str, at: datetime, reason: str = "restore") -> Alarm | None:
    """The source says its condition is over. Closes the open alarm, or only marks it restored
    when the source's policy wants a person to close it (fire)."""
    with transaction.atomic():
        alarm = (
            Alarm.objects.select_for_update(of=("self",))
            .select_related("site")
            .filter(site=site, dedupe_key=dedupe_key)
            .exclude(state=Alarm.State.RESOLVED)
            .first()
        )
        if alarm is None:
            return None
        if policy_for(site=site, source=alarm.source).close_on_restore:
            alarm.state, alarm.resolved_at, alarm.restored_at = Alarm.State.RESOLVED, at, at
            alarm.comment = alarm.comment or reason
            alarm.save(update_fields=["state", "resolved_at", "restored_at", "comment"])
            _step(alarm, AlarmStep.Action.CLEAR, actor=None, at=at, comment=reason)
            _publish(alarm, "alarm.resolved")
        else:
            alarm.restored_at = at
            alarm.save(update_fields=["restored_at"])
            _step(alarm, AlarmStep.Action.RESTORE, actor=None, at=at, comment=reason)
            _publish(alarm, "alarm.updated")
        return alarm


def alarm_escalate(*, alarm_id: int, at: datetime) -> Alarm | None:
    """Raise the severity one step and notify again, if the alarm is still unacknowledged.

    Claimed with a conditional UPDATE on (state, level): two schedulers never escalate twice.
    """
    with transaction.atomic(durable=True):
        alarm = Alarm.objects.select_related("site").filter(pk=alarm_id).first()
        if alarm is None or alarm.state != Alarm.State.NEW:
            return None
        level, severity = alarm.escalation_level, next_severity(alarm.severity)
        claimed = Alarm.objects.filter(pk=alarm.pk, state=Alarm.State.NEW, escalation_level=level).update(
            escalation_level=level + 1, severity=severity, escalated_at=at
        )
        if not claimed:
            return None
        previous = alarm.severity
        alarm.refresh_from_db()
        _step(alarm, AlarmStep.Action.ESCALATE, actor=None, at=at, level=level + 1, previous=previous, severity=severity)
        _publish(alarm, "alarm.escalated")
        return alarm


def alarm_escalate_due(*, at: datetime) -> list[int]:
    """Every unacknowledged alarm past its policy's escalation time goes up one step."""
    escalated = []
    for alarm in Alarm.objects.filter(state=Alarm.State.NEW).select_related("site"):
        after = policy_for(site=alarm.site, source=alarm.source).escalate_after_s
        if after is None:
            continue
        since = alarm.escalated_at or alarm.raised_at
        if at - since >= timedelta(seconds=after) and alarm_escalate(alarm_id=alarm.pk, at=at) is not None:
            escalated.append(alarm.pk)
    return escalated


def alarm_remind(*, alarm_id: int, every: timedelta, at: datetime) -> Alarm | None:
    """The condition lasts: count it and notify again, at most once per `every` (claimed)."""
    with transaction.atomic():
        alarm = Alarm.objects.select_related("site").filter(pk=alarm_id).exclude(state=Alarm.State.RESOLVED).first()
        if alarm is None:
            return None
        claimed = Alarm.objects.filter(pk=alarm.pk, last_raised_at=alarm.last_raised_at, last_raised_at__lte=at - every).update(
            last_raised_at=at, occurrences=alarm.occurrences + 1
        )
        if not claimed:
            return None
        alarm.refresh_from_db()
        _step(alarm, AlarmStep.Action.REMIND, actor=None, at=at)
        _publish(alarm, "alarm.updated")
        return alarm
