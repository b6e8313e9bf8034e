"""Card and QR codes are stored as a keyed hash: a copied database does not give the cards away."""

from __future__ import annotations

import hashlib

import pytest
from django.test import override_settings

from portal.models import User
from security.models import Credential
from security.services.credentials import credential_issue, credential_user_for_code

pytestmark = pytest.mark.django_db
CARD = "04A1B2C3"  # a 4-byte UID: 2^32 candidates, tried in minutes against a plain hash


def test_stored_hash_is_keyed_not_the_plain_sha256(li_ming: User) -> None:
    issued = credential_issue(user=li_ming, kind="card", code=CARD.lower(), actor="operator")
    stored = Credential.objects.get(pk=issued.credential.pk).code_sha256
    assert stored != hashlib.sha256(CARD.encode()).hexdigest()
    assert credential_user_for_code(kind="card", code=CARD).user == li_ming
    with override_settings(CREDENTIAL_HASH_KEY="another-installation"):  # the key, not the code alone, decides
        assert credential_user_for_code(kind="card", code=CARD).reason == "unknown_card"


def test_a_card_stored_with_the_old_plain_hash_still_opens_and_is_rehashed(li_ming: User) -> None:
    legacy = hashlib.sha256(CARD.encode()).hexdigest()
    credential = Credential.objects.create(user=li_ming, kind="card", code_sha256=legacy, hint=CARD[-4:])

    found = credential_user_for_code(kind="card", code=CARD)

    assert found.user == li_ming and found.reason == ""
    credential.refresh_from_db()
    assert credential.code_sha256 not in (legacy, "") and len(credential.code_sha256) == 64
    assert credential_user_for_code(kind="card", code=CARD).credential == credential  # found by the new hash
    with pytest.raises(ValueError, match="already issued"):  # neither spelling can be issued twice
        credential_issue(user=li_ming, kind="card", code=CARD, actor="operator")


def test_the_old_plain_hash_blocks_a_second_issue_before_it_is_rehashed(li_ming: User, zhang_li: User) -> None:
    Credential.objects.create(user=li_ming, kind="card", code_sha256=hashlib.sha256(CARD.encode()).hexdigest(), hint="B2C3")
    with pytest.raises(ValueError, match="already issued"):
        credential_issue(user=zhang_li, kind="card", code=CARD, actor="operator")
