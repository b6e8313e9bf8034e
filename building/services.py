"""Writes for places. seed_demo and the admin are the callers for now."""

from __future__ import annotations

from building.models import Building, Floor, Site, Space


def site_ensure(*, code: str, name: str) -> Site:
    site, _ = Site.objects.get_or_create(code=code, defaults={"name": name})
    return site


def building_ensure(*, site: Site, code: str, name: str) -> Building:
    building, _ = Building.objects.get_or_create(site=site, code=code, defaults={"name": name})
    return building


def floor_ensure(*, building: Building, level: int, name: str) -> Floor:
    floor, _ = Floor.objects.get_or_create(
        building=building, level=level, defaults={"name": name, "site": building.site}
    )
    return floor


def space_ensure(*, floor: Floor, code: str, name: str, kind: str, capacity: int | None = None) -> Space:
    space, _ = Space.objects.get_or_create(
        site=floor.site, code=code, defaults={"floor": floor, "name": name, "kind": kind, "capacity": capacity}
    )
    return space
