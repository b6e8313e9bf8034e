"""Guard patrol: rounds from schedules, checkpoint scans (reader or QR), late and missed checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from building.models import Site
from core.audit import audit_log
from core.i18n import site_text
from core.realtime import publish_on_commit, site_group
from devices.models import Device
from portal.models import User
from security.monitoring.models import Alarm, PatrolCheckpoint, PatrolRound, PatrolRoute, PatrolSchedule, PatrolVisit
from security.monitoring.serializers import round_data
from security.monitoring.services.alarms import alarm_open_once, alarm_raise

EARLY_S = 10 * 60  # a scan may belong to a round this long before its planned start


class PatrolError(ValueError):
    """A scan that cannot be applied; `reason` is a short code (device `error` reason)."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass
class PatrolCheckResult:
    missed: list[int] = field(default_factory=list)
    finished: list[int] = field(default_factory=list)


TITLE_LATE = gettext_lazy("Patrol checkpoint scanned late: %(name)s")
TITLE_IMPLAUSIBLE = gettext_lazy("Implausible patrol scan timing on %(route)s")
TITLE_MISSED = gettext_lazy("Patrol checkpoint missed: %(name)s (%(route)s)")


def _publish_round(patrol_round: PatrolRound, kind: str) -> None:
    publish_on_commit(site_group(patrol_round.site.code), {"type": kind, "round": round_data(patrol_round)})


def patrol_round_create(
    *, route: PatrolRoute, planned_start: datetime, guard: User | None = None, schedule: PatrolSchedule | None = None
) -> PatrolRound | None:
    """A round and its visits; None if the route already has a round at that start."""
    try:
        with transaction.atomic(durable=True):
            patrol_round = PatrolRound.objects.create(
                site=route.site, route=route, schedule=schedule, guard=guard, planned_start=planned_start
            )
            PatrolVisit.objects.bulk_create(
                PatrolVisit(round=patrol_round, checkpoint=cp, due_at=planned_start + timedelta(seconds=cp.due_after_s))
                for cp in route.checkpoints.all()
            )
    except IntegrityError:
        return None
    audit_log(action="monitoring.patrol_round.create", actor="system", target=patrol_round)
    _publish_round(patrol_round, "patrol.round")
    return patrol_round


def _starts_on(schedule: PatrolSchedule, day: date) -> list[datetime]:
    if str(day.weekday()) not in schedule.weekdays:
        return []
    tz = timezone.get_current_timezone()
    start = datetime.combine(day, schedule.starts, tzinfo=tz)
    end = datetime.combine(day, schedule.ends, tzinfo=tz)
    if end <= start:  # a night schedule: 22:00 -> 06:00 ends the next day
        end += timedelta(days=1)
    step = timedelta(minutes=max(1, schedule.every_minutes))
    starts = []
    while start <= end:
        starts.append(start)
        start += step
    return starts


def patrol_rounds_generate(*, at: datetime, horizon: timedelta = timedelta(hours=2)) -> list[int]:
    """Create the rounds of every active schedule starting within [at, at + horizon]. Idempotent."""
    created = []
    local = timezone.localtime(at)
    for schedule in PatrolSchedule.objects.filter(active=True, route__active=True).select_related("route__site", "guard"):
        for day in (local.date() - timedelta(days=1), local.date(), local.date() + timedelta(days=1)):
            for start in _starts_on(schedule, day):
                if at <= start <= at + horizon:
                    made = patrol_round_create(route=schedule.route, planned_start=start, guard=schedule.guard, schedule=schedule)
                    if made is not None:
                        created.append(made.pk)
    return created


def _guard_by_number(site: Site, employee_no: str) -> User:
    guard = User.objects.filter(employee_no=employee_no, is_active=True).first()
    if guard is None or (guard.site_id is not None and guard.site_id != site.pk):
        raise PatrolError("unknown_guard", _("No guard with employee number %(no)s on this site.") % {"no": employee_no})
    return guard


def _finish_if_done(patrol_round: PatrolRound, at: datetime) -> bool:
    states = set(patrol_round.visits.values_list("state", flat=True))
    if PatrolVisit.State.PENDING in states:
        return False
    patrol_round.state = PatrolRound.State.INCOMPLETE if PatrolVisit.State.MISSED in states else PatrolRound.State.COMPLETED
    patrol_round.finished_at = at
    patrol_round.save(update_fields=["state", "finished_at"])
    return True


def patrol_checkpoint_scan(
    *,
    site: Site,
    tag: str,
    at: datetime,
    guard: User | None = None,
    guard_no: str | None = None,
    via: str = "reader",
    device: Device | None = None,
) -> PatrolVisit:
    """Record a scan on the open round of the tag's route, checking order, time window and plausibility."""
    if guard is None:
        guard = _guard_by_number(site, (guard_no or "").strip())
    with transaction.atomic():
        checkpoint = (
            PatrolCheckpoint.objects.select_related("route").filter(site=site, tag=tag.strip(), route__active=True).first()
        )
        if checkpoint is None:
            raise PatrolError("unknown_tag", _("Unknown patrol tag %(tag)s.") % {"tag": tag[:64]})
        visit = (
            PatrolVisit.objects.select_for_update(of=("self",))
            .select_related("round__route", "round__site", "round__guard")
            .filter(
                checkpoint=checkpoint,
                scanned_at__isnull=True,
                round__state__in=[PatrolRound.State.PLANNED, PatrolRound.State.IN_PROGRESS],
                round__planned_start__lte=at + timedelta(seconds=EARLY_S),
            )
            .order_by("round__planned_start")
            .first()
        )
        if visit is None:
            raise PatrolError("no_round", _("No patrol round is open for checkpoint %(name)s.") % {"name": checkpoint.name})
        patrol_round = visit.round
        grace = timedelta(seconds=patrol_round.route.grace_s)
        flags = []
        if patrol_round.visits.filter(checkpoint__order__lt=checkpoint.order, state=PatrolVisit.State.PENDING).exists():
            flags.append("out_of_order")
        previous = patrol_round.visits.filter(scanned_at__isnull=False).order_by("-scanned_at").first()
        if previous is not None and previous.scanned_at is not None:
            gap = (at - previous.scanned_at).total_seconds()
            if gap < checkpoint.min_gap_s:
                flags.append("too_fast")
            if checkpoint.max_gap_s is not None and gap > checkpoint.max_gap_s:
                flags.append("too_slow")
        if patrol_round.guard_id is not None and patrol_round.guard_id != guard.pk:
            flags.append("wrong_guard")
        was_missed = visit.state == PatrolVisit.State.MISSED
        late = was_missed or at > visit.due_at + grace
        visit.state = PatrolVisit.State.LATE if late else PatrolVisit.State.OK
        visit.scanned_at, visit.guard, visit.via, visit.flags = at, guard, via, flags
        if late and not was_missed:
            visit.alarm = alarm_raise(
                site=site,
                source="patrol_late",
                severity=Alarm.Severity.WARNING,
                title=site_text(TITLE_LATE, name=checkpoint.name),
                dedupe_key=f"patrol_visit:{visit.pk}",
                space=checkpoint.space,
                data={"round": patrol_round.pk, "checkpoint": checkpoint.pk, "guard": str(guard)},
                at=at,
            )
        visit.save()
        if "too_fast" in flags:
            alarm_raise(
                site=site,
                source="patrol_implausible",
                severity=Alarm.Severity.WARNING,
                title=site_text(TITLE_IMPLAUSIBLE, route=patrol_round.route.name),
                dedupe_key=f"patrol_implausible:{patrol_round.pk}",
                space=checkpoint.space,
                data={"round": patrol_round.pk, "checkpoint": checkpoint.pk, "guard": str(guard)},
                at=at,
            )
        if patrol_round.state == PatrolRound.State.PLANNED:
            patrol_round.state, patrol_round.started_at = PatrolRound.State.IN_PROGRESS, at
        if patrol_round.guard_id is None:
            patrol_round.guard = guard
        patrol_round.save(update_fields=["state", "started_at", "guard"])
        _finish_if_done(patrol_round, at)
        audit_log(
            action="monitoring.patrol_visit.scan",
            actor=guard,
            target=visit,
            data={"tag": checkpoint.tag, "via": via, "state": visit.state, "flags": flags, "device": str(device or "")},
        )
        _publish_round(patrol_round, "patrol.scan")
        return visit


def patrol_overdue_check(*, at: datetime) -> PatrolCheckResult:
    """Visits still pending past due + grace become missed (claimed: one alarm each); finished rounds close."""
    result = PatrolCheckResult()
    pending = PatrolVisit.objects.filter(
        state=PatrolVisit.State.PENDING,
        due_at__lt=at,
        round__state__in=[PatrolRound.State.PLANNED, PatrolRound.State.IN_PROGRESS],
    ).select_related("round__route", "round__site", "checkpoint__space")
    touched: dict[int, PatrolRound] = {}
    for visit in pending:
        patrol_round = visit.round
        if at <= visit.due_at + timedelta(seconds=patrol_round.route.grace_s):
            continue
        with transaction.atomic(durable=True):
            pending_only = PatrolVisit.objects.filter(pk=visit.pk, state=PatrolVisit.State.PENDING)
            claimed = pending_only.update(state=PatrolVisit.State.MISSED)
            if not claimed:
                continue  # another checker, or the scan, got there first
            alarm = alarm_open_once(
                site=patrol_round.site,
                source="patrol_missed",
                severity=Alarm.Severity.MAJOR,
                title=site_text(TITLE_MISSED, name=visit.checkpoint.name, route=patrol_round.route.name),
                dedupe_key=f"patrol_visit:{visit.pk}",
                space=visit.checkpoint.space,
                data={"round": patrol_round.pk, "checkpoint": visit.checkpoint_id, "due_at": visit.due_at.isoformat()},
                at=at,
            )
            if alarm is not None:
                PatrolVisit.objects.filter(pk=visit.pk).update(alarm=alarm)
            audit_log(action="monitoring.patrol_visit.missed", actor="system", target=visit)
            result.missed.append(visit.pk)
            touched[patrol_round.pk] = patrol_round
    for patrol_round in touched.values():
        with transaction.atomic(durable=True):
            if _finish_if_done(patrol_round, at):
                result.finished.append(patrol_round.pk)
            _publish_round(patrol_round, "patrol.round")
    return result
