"""Issue 9 item 7: a person downloads everything the platform holds about them (PIPL art. 45)
from 我的, as a JSON file, without secrets, and the download is audited."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from canteen.models import Merchant
from canteen.services.charges import wallet_charge
from core.models import AuditLog
from portal.models import User
from security.models import AccessZone
from security.services.access import access_decide
from security.services.credentials import credential_issue
from security.services.faces import face_consent_give, face_consent_withdraw
from tests.canteen.conftest import fund
from tests.factories import device_factory

pytestmark = pytest.mark.django_db


def test_my_data_download_has_every_part_and_no_secret(client: Client, li_ming: User, zhang_li: User, site) -> None:
    issued = credential_issue(user=li_ming, kind="qr", actor="operator")
    credential_issue(user=li_ming, kind="card", code="0A1B2C3D", actor="operator")
    face_consent_give(user=li_ming)
    face_consent_withdraw(user=li_ming, actor=li_ming)
    AccessZone.objects.create(site=site, code="main", name="主楼", open_to_all_staff=True)
    access_decide(device=device_factory(site=site, kind="gate").device, method="card", code="0A1B2C3D")
    fund(li_ming, 1000)
    canteen = Merchant.objects.create(site=site, code="canteen", name="一食堂", kind="canteen")
    wallet_charge(user=li_ming, merchant=canteen, amount_fen=300, order_ref="o-1", method="card")
    fund(zhang_li, 500)  # somebody else's money is not in li_ming's file

    client.force_login(li_ming)
    page = client.get("/me/").content.decode()
    assert 'data-testid="my-data"' in page and "/me/data.json" in page
    assert client.get("/me/data.json").status_code == 405  # a download that writes an audit row is a POST
    response = client.post("/me/data.json")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["portal"]["profile"]["username"] == "li_ming"
    assert {c["kind"] for c in data["security"]["credentials"]} == {"qr", "card"}
    assert [c["withdrawn_at"] is not None for c in data["security"]["face_consents"]] == [True]
    assert data["security"]["access_log"][0]["decision"] == "open"
    assert data["canteen"]["wallet"]["cash_fen"] == 700
    assert [p["amount_fen"] for p in data["canteen"]["payments"]] == [300]
    assert sum(e["amount_fen"] for e in data["canteen"]["wallet_ledger"] if e["account"] == "cash") == 700
    assert "monitoring" in data and "core" in data
    text = response.content.decode()
    assert issued.code not in text and issued.credential.code_sha256 not in text  # no secret
    assert li_ming.password not in text and "zhang_li" not in text
    audit = AuditLog.objects.get(action="portal.personal_data.export")
    assert audit.actor == li_ming and "canteen" in audit.data["sections"]
