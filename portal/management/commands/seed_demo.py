from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from building.services import building_ensure, floor_ensure, site_ensure, space_ensure
from canteen.services.setup import canteen_demo_ensure
from core.cli import print_json
from core.roles import ADMIN, CASHIER, CONTRACTOR, MANAGER, SECURITY, STAFF, roles_sync
from portal.services import department_ensure, user_ensure
from security.services import access_zone_ensure

# (username, family name, given name, employee no, department code, roles)
PEOPLE = [
    ("admin", "管", "理员", "A0001", "office", [ADMIN]),
    ("manager", "王", "建国", "M0001", "affairs", [MANAGER, STAFF]),
    ("staff", "李", "明", "S0001", "office", [STAFF]),
    ("staff2", "张", "丽", "S0002", "it", [STAFF]),
    ("contractor", "赵", "师傅", None, None, [CONTRACTOR]),
    ("guard", "陈", "保安", "G0001", "affairs", [SECURITY]),
    ("cashier", "刘", "收银", "C0001", "affairs", [CASHIER]),
]


class Command(BaseCommand):
    help = "Create or refresh the demo site, places and users (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--password", default="demo", help="password for every demo user")

    @transaction.atomic
    def handle(self, *args: Any, **opts: Any) -> None:
        roles_sync()
        site = site_ensure(code="demo", name="示范机关大院")
        office = building_ensure(site=site, code="a", name="办公主楼")
        annex = building_ensure(site=site, code="b", name="综合楼")
        spaces = []
        for level in (1, 2, 3):
            floor = floor_ensure(building=office, level=level, name=f"{level}层")
            spaces.append(space_ensure(floor=floor, code=f"a{level}-office", name=f"{level}层办公区", kind="office"))
            spaces.append(
                space_ensure(
                    floor=floor, code=f"a{level}-meeting", name=f"{level}0{level}会议室", kind="meeting_room", capacity=12
                )
            )
        lobby = floor_ensure(building=office, level=1, name="1层")
        spaces.append(space_ensure(floor=lobby, code="lobby", name="主楼大厅", kind="lobby"))
        annex1 = floor_ensure(building=annex, level=1, name="1层")
        spaces.append(space_ensure(floor=annex1, code="canteen", name="职工食堂", kind="canteen", capacity=300))
        spaces.append(space_ensure(floor=annex1, code="shop", name="机关超市", kind="shop"))
        basement = floor_ensure(building=annex, level=-1, name="B1")
        spaces.append(space_ensure(floor=basement, code="parking", name="地下停车场", kind="parking", capacity=120))

        bureau = department_ensure(site=site, code="bureau", name="本机关")
        depts = {
            "office": department_ensure(site=site, code="office", name="办公室", parent=bureau),
            "affairs": department_ensure(site=site, code="affairs", name="机关事务管理局", parent=bureau),
            "it": department_ensure(site=site, code="it", name="信息中心", parent=bureau),
        }
        users = []
        for username, family, given, emp_no, dept, roles in PEOPLE:
            user_ensure(
                username=username,
                password=opts["password"],
                site=site,
                roles=roles,
                last_name=family,
                first_name=given,
                employee_no=emp_no,
                department=depts[dept] if dept else None,
            )
            users.append(username)
        zone = access_zone_ensure(site=site, code="main", name="主楼", open_to_all_staff=True)
        canteen = canteen_demo_ensure(site=site)  # merchants, meal periods, dishes, products
        print_json(
            self,
            {
                "site": site.code,
                "users": users,
                "spaces": len(spaces),
                "departments": len(depts) + 1,
                "zone": zone.code,
                "canteen": canteen,
            },
        )
