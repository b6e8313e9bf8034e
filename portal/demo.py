"""Demo data of the portal: departments and the demo people, one per role (password from seed_demo)."""

from __future__ import annotations

from core.registry import DemoContext
from core.roles import ADMIN, CASHIER, CONTRACTOR, MANAGER, SECURITY, STAFF
from portal.services import department_ensure, user_ensure

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


def demo_ensure(ctx: DemoContext) -> dict[str, object]:
    site = ctx.site
    bureau = department_ensure(site=site, code="bureau", name="本机关")
    depts = {
        "office": department_ensure(site=site, code="office", name="办公室", parent=bureau),
        "affairs": department_ensure(site=site, code="affairs", name="机关事务管理局", parent=bureau),
        "it": department_ensure(site=site, code="it", name="信息中心", parent=bureau),
    }
    for username, family, given, emp_no, dept, roles in PEOPLE:
        ctx.users[username] = user_ensure(
            username=username,
            password=ctx.password,
            site=site,
            roles=roles,
            last_name=family,
            first_name=given,
            employee_no=emp_no,
            department=depts[dept] if dept else None,
        )
    return {"departments": len(depts) + 1}
