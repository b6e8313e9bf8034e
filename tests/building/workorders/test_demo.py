"""seed_demo: two contractor companies with contracts for different categories, one demo user each."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from building.workorders.models import CompanyMember
from building.workorders.services import work_order_submit
from portal.models import User


@pytest.mark.django_db
def test_two_companies_and_their_people(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("seed_demo", "--password", "pw-1")
    out = json.loads(capsys.readouterr().out)
    companies = {c["user"]: c for c in out["contractor_companies"]}
    assert set(companies) == {"contractor", "contractor2"}
    assert not set(companies["contractor"]["categories"]) & set(companies["contractor2"]["categories"])
    second = User.objects.get(username="contractor2")
    assert second.check_password("pw-1") and second.has_perm("workorders.work_workorder")
    first_company = CompanyMember.objects.get(user__username="contractor").company
    assert CompanyMember.objects.get(user=second).company != first_company
    staff = User.objects.get(username="staff")
    order = work_order_submit(requester=staff, category="network", space_code="a1-office", description="网口不通")
    assert order.company == CompanyMember.objects.get(user=second).company
