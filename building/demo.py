"""Demo data of the building app: the demo compound's site, buildings, floors and spaces."""

from __future__ import annotations

from building.services import building_ensure, floor_ensure, site_ensure, space_ensure
from core.registry import DemoContext


def demo_ensure(ctx: DemoContext) -> dict[str, object]:
    site = ctx.site = site_ensure(code="demo", name="示范机关大院")
    office = building_ensure(site=site, code="a", name="办公主楼")
    annex = building_ensure(site=site, code="b", name="综合楼")
    spaces = []
    for level in (1, 2, 3):
        floor = floor_ensure(building=office, level=level, name=f"{level}层")
        spaces.append(space_ensure(floor=floor, code=f"a{level}-office", name=f"{level}层办公区", kind="office"))
        spaces.append(
            space_ensure(floor=floor, code=f"a{level}-meeting", name=f"{level}0{level}会议室", kind="meeting_room", capacity=12)
        )
    lobby = floor_ensure(building=office, level=1, name="1层")
    spaces.append(space_ensure(floor=lobby, code="lobby", name="主楼大厅", kind="lobby"))
    annex1 = floor_ensure(building=annex, level=1, name="1层")
    spaces.append(space_ensure(floor=annex1, code="canteen", name="职工食堂", kind="canteen", capacity=300))
    spaces.append(space_ensure(floor=annex1, code="shop", name="机关超市", kind="shop"))
    basement = floor_ensure(building=annex, level=-1, name="B1")
    spaces.append(space_ensure(floor=basement, code="parking", name="地下停车场", kind="parking", capacity=120))
    return {"site": site.code, "spaces": len(spaces)}
