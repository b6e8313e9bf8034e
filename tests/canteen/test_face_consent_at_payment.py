"""A face analysed before a withdrawal or a deactivation (a backlog) must not pay afterwards:
the one face-to-person step checks consent and the account when the payment runs."""

from __future__ import annotations

import pytest
from django.utils import timezone

from building.models import Site
from canteen.services.payer import payer_identify
from portal.models import User
from security.faces.api import face_analyse
from security.services.faces import face_consent_withdraw
from tests.security.faces_helpers import GATE_A, enrolled, photo

pytestmark = pytest.mark.django_db


@pytest.fixture
def li_ming_enrolled(li_ming: User) -> User:
    return enrolled(li_ming)


def test_an_analysis_pays_only_while_consent_stands(li_ming_enrolled: User, site: Site) -> None:
    analysis = face_analyse(image=photo(GATE_A))  # the bridge's prepare, before the transaction
    now = timezone.now()
    payer = payer_identify(site=site, at=now, analysis=analysis)
    assert (payer.user, payer.method) == (li_ming_enrolled, "face")
    face_consent_withdraw(user=li_ming_enrolled, actor=li_ming_enrolled)
    assert payer_identify(site=site, at=now, analysis=analysis).reason == "unknown_face"


def test_a_deactivated_person_does_not_pay_by_face(li_ming_enrolled: User, site: Site) -> None:
    User.objects.filter(pk=li_ming_enrolled.pk).update(is_active=False)
    payer = payer_identify(site=site, at=timezone.now(), image=photo(GATE_A))
    assert (payer.user, payer.reason) == (None, "unknown_face")
