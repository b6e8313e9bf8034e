"""Contractor companies, their people and contracts (seed_demo and the admin are the callers)."""

from __future__ import annotations

from datetime import date

from building.models import Site
from building.workorders.models import Company, CompanyMember, Contract
from portal.models import User


def company_ensure(*, site: Site, code: str, name: str, manager: User | None = None) -> Company:
    company, _ = Company.objects.update_or_create(site=site, code=code, defaults={"name": name, "manager": manager})
    return company


def company_member_ensure(*, company: Company, user: User) -> CompanyMember:
    member, _ = CompanyMember.objects.update_or_create(user=user, defaults={"company": company})
    return member


def contract_ensure(*, company: Company, categories: list[str], valid_from: date, monthly_fee_fen: int) -> Contract:
    contract, _ = Contract.objects.update_or_create(
        company=company, valid_from=valid_from, defaults={"categories": categories, "monthly_fee_fen": monthly_fee_fen}
    )
    return contract
