"""seed_demo on a database seeded before card codes were stored as a keyed hash."""

from __future__ import annotations

import hashlib

import pytest
from django.core.management import call_command

from security.demo import demo_card
from security.models import Credential
from security.services.credentials import code_hash, credential_user_for_code


@pytest.mark.slow
def test_seed_demo_again_over_cards_still_stored_with_the_plain_hash(
    transactional_db: None, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("seed_demo", "--password", "pw")
    rows = Credential.objects.filter(kind="card", user__employee_no__gt="").select_related("user")
    cards = [c for c in rows if c.code_sha256 == code_hash(demo_card(c.user.employee_no or ""))]
    assert cards
    total = Credential.objects.count()
    for credential in cards:  # as the rows were before the keyed hash (never presented since)
        card = demo_card(credential.user.employee_no or "")
        Credential.objects.filter(pk=credential.pk).update(code_sha256=hashlib.sha256(card.encode()).hexdigest())

    call_command("seed_demo", "--password", "pw")  # the lived-in demo starts again: no "already issued"

    assert Credential.objects.count() == total
    first = cards[0]
    assert credential_user_for_code(kind="card", code=demo_card(first.user.employee_no or "")).user == first.user
    capsys.readouterr()
