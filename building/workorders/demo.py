"""Demo data: two contractor companies with contracts for different categories, and their people."""

from __future__ import annotations

from datetime import date

from building.workorders.categories import Category as C
from building.workorders.services.companies import company_ensure, company_member_ensure, contract_ensure
from core.registry import DemoContext
from core.roles import CONTRACTOR
from portal.services import user_ensure

COMPANIES = [
    # code, name, demo user, categories, monthly fee (fen)
    ("wanke", "万科物业维修部", "contractor", [C.PLUMBING, C.ELECTRICAL, C.HVAC, C.DOORS, C.FIRE, C.DEVICE], 8_000_000),
    ("xinda", "信达综合服务公司", "contractor2", [C.NETWORK, C.FURNITURE, C.CLEANING, C.OTHER], 5_000_000),
]


def demo_ensure(ctx: DemoContext) -> dict[str, object]:
    if "contractor2" not in ctx.users:
        ctx.users["contractor2"] = user_ensure(
            username="contractor2", password=ctx.password, site=ctx.site, roles=[CONTRACTOR], last_name="孙", first_name="师傅"
        )
    out = []
    for code, name, username, categories, fee in COMPANIES:
        user = ctx.users[username]
        company = company_ensure(site=ctx.site, code=code, name=name, manager=user)
        company_member_ensure(company=company, user=user)
        contract_ensure(company=company, categories=list(categories), valid_from=date(2024, 1, 1), monthly_fee_fen=fee)
        out.append({"code": code, "user": username, "categories": [str(c) for c in categories]})
    return {"contractor_companies": out}
