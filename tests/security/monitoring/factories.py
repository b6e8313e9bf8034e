"""Monitoring rows for tests: a route with checkpoints, a camera."""

from __future__ import annotations

from datetime import time

from building.models import Site, Space
from devices.models import Device
from portal.models import User
from security.monitoring.models import Camera, PatrolCheckpoint, PatrolRoute, PatrolSchedule
from tests.factories import SiteFactory, SpaceFactory


def route_with_checkpoints(
    site: Site, *, code: str = "night", checkpoints: int = 3, every_s: int = 600, min_gap_s: int = 60, grace_s: int = 900
) -> PatrolRoute:
    """Checkpoint n is due n x every_s after the round starts."""
    route = PatrolRoute.objects.create(site=site, code=code, name=f"{code}路线", grace_s=grace_s)
    for n in range(1, checkpoints + 1):
        PatrolCheckpoint.objects.create(
            site=site, route=route, order=n, tag=f"{code}-tag-{n}", name=f"巡更点{n}",
            due_after_s=n * every_s, min_gap_s=min_gap_s,
        )  # fmt: skip
    return route


def night_schedule(route: PatrolRoute, guard: User | None = None) -> PatrolSchedule:
    return PatrolSchedule.objects.create(route=route, guard=guard, starts=time(22, 0), ends=time(6, 0), every_minutes=120)


def camera(
    site: Site, *, stream_url: str, space: Space | None = None, device: Device | None = None, name: str = "门厅摄像机"
) -> Camera:
    return Camera.objects.create(site=site, name=name, stream_url=stream_url, space=space, device=device)


def space_in(site: Site, name: str = "配电室") -> Space:
    space = SpaceFactory(site=site, floor__site=site, floor__building__site=site, name=name)
    assert isinstance(space, Space)
    return space


def other_site() -> Site:
    site = SiteFactory()
    assert isinstance(site, Site)
    return site
