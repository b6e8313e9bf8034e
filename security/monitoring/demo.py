"""Demo data of monitoring: detectors, cameras, a patrol route with its schedule, past rounds and alarms."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from building.models import Site, Space
from core.registry import DemoContext
from devices.services import device_demo_ensure
from security.monitoring.models import Alarm, Camera, PatrolCheckpoint, PatrolRound, PatrolRoute, PatrolSchedule
from security.monitoring.services import (
    alarm_acknowledge,
    alarm_raise,
    alarm_resolve,
    patrol_checkpoint_scan,
    patrol_overdue_check,
    patrol_round_create,
)

DETECTORS = [
    ("smoke-canteen", "食堂后厨烟感", "canteen"),
    ("smoke-b1", "地下停车场烟感", "parking"),
    ("smoke-a3", "3层办公区烟感", "a3-office"),
]
CAMERAS = [("cam-lobby", "主楼大厅摄像机", "lobby"), ("cam-parking", "停车场出入口摄像机", "parking")]
CHECKPOINTS = [("demo-cp-1", "主楼大厅"), ("demo-cp-2", "配电室"), ("demo-cp-3", "食堂后厨"), ("demo-cp-4", "地下停车场")]
STREAM = "http://127.0.0.1:9/demo.mjpg"  # nothing listens: a snapshot fails at once, visibly (set the real URL in the admin)


def _space(site: Site, code: str) -> Space | None:
    return Space.objects.filter(site=site, code=code).first()


def demo_ensure(ctx: DemoContext) -> dict[str, object]:
    site = ctx.site
    for device_id, name, space in DETECTORS:
        device_demo_ensure(site=site, kind="fire_detector", device_id=device_id, name=name, space=_space(site, space))
    device_demo_ensure(site=site, kind="patrol_reader", device_id="patrol-reader-1", name="巡更手持机")
    for device_id, name, space in CAMERAS:
        device = device_demo_ensure(site=site, kind="camera", device_id=device_id, name=name, space=_space(site, space))
        Camera.objects.get_or_create(
            site=site, name=name, defaults={"device": device, "stream_url": STREAM, "space": _space(site, space)}
        )
    route, _ = PatrolRoute.objects.get_or_create(site=site, code="day", defaults={"name": "日间巡更路线", "grace_s": 600})
    for n, (tag, name) in enumerate(CHECKPOINTS, start=1):
        PatrolCheckpoint.objects.get_or_create(
            site=site, route=route, tag=tag, defaults={"order": n, "name": name, "due_after_s": 600 * n, "min_gap_s": 60}
        )
    guard = ctx.users.get("guard")
    PatrolSchedule.objects.get_or_create(
        route=route, defaults={"guard": guard, "starts": time(8, 0), "ends": time(20, 0), "every_minutes": 240}
    )
    # Rounds and alarms go through the real (durable) services, so after seed_demo's transaction.
    transaction.on_commit(lambda: ctx.out.update(_history(ctx, route)))
    return {"detectors": len(DETECTORS), "cameras": len(CAMERAS)}


def _history(ctx: DemoContext, route: PatrolRoute) -> dict[str, object]:
    if not PatrolRound.objects.filter(route=route).exists():  # history once, on the first start
        _patrol_history(ctx, route)
    if not Alarm.objects.filter(site=ctx.site, dedupe_key__startswith="demo-").exists():
        _alarm_history(ctx)
    return {
        "patrol_rounds": PatrolRound.objects.filter(route=route).count(),
        "alarms": Alarm.objects.filter(site=ctx.site).count(),
    }


def _at(ctx: DemoContext, back: int, hour: int, minute: int = 0) -> datetime:
    day = timezone.localdate(ctx.now) - timedelta(days=back)
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_current_timezone())


def _patrol_history(ctx: DemoContext, route: PatrolRoute) -> None:
    """Three days of 09:00 rounds by the guard: all on time, except one checkpoint skipped two days ago."""
    guard = ctx.users.get("guard")
    checkpoints = list(route.checkpoints.order_by("order"))
    for back in (3, 2, 1):
        start = _at(ctx, back, 9)
        if patrol_round_create(route=route, planned_start=start, guard=guard) is None:
            continue
        for cp in checkpoints:
            if back == 2 and cp.order == 3:
                continue  # skipped: the overdue check below marks it missed and raises the alarm
            patrol_checkpoint_scan(
                site=ctx.site, tag=cp.tag, at=start + timedelta(seconds=cp.due_after_s - 60), guard=guard, via="qr"
            )
        patrol_overdue_check(at=start + timedelta(hours=2))


def _alarm_history(ctx: DemoContext) -> None:
    site, guard = ctx.site, ctx.users.get("guard")
    kitchen = _space(site, "canteen")
    fire = alarm_raise(
        site=site,
        source="fire",
        severity="critical",
        title="食堂后厨烟感报警",
        dedupe_key="demo-fire-1",
        space=kitchen,
        at=_at(ctx, 2, 11, 40),
    )
    if guard is not None:
        alarm_acknowledge(alarm_id=fire.pk, actor=guard, at=_at(ctx, 2, 11, 41))
        alarm_resolve(alarm_id=fire.pk, actor=guard, comment="炒菜油烟触发，已通风并复位探测器", at=_at(ctx, 2, 11, 52))
    offline = alarm_raise(
        site=site,
        source="device_offline",
        severity="major",
        title="食堂门禁离线",
        dedupe_key="demo-offline-1",
        space=kitchen,
        at=_at(ctx, 1, 7, 5),
    )
    if guard is not None:
        alarm_resolve(alarm_id=offline.pk, actor=guard, comment="断电重启后恢复", at=_at(ctx, 1, 7, 30))
    shop = _space(site, "shop")
    intrusion = alarm_raise(
        site=site,
        source="intrusion",
        severity="major",
        title="机关超市后门入侵",
        dedupe_key="demo-intrusion-1",
        space=shop,
        at=ctx.now - timedelta(minutes=25),
    )
    if guard is not None:
        alarm_acknowledge(alarm_id=intrusion.pk, actor=guard, comment="已派人查看", at=ctx.now - timedelta(minutes=20))
    alarm_raise(
        site=site,
        source="device_offline",
        severity="warning",
        title="3层办公区烟感电量低",
        dedupe_key="demo-battery-1",
        space=_space(site, "a3-office"),
        at=ctx.now - timedelta(minutes=8),
    )
