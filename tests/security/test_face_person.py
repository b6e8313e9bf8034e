"""The one face-to-person step (security.faces.api.face_person), as the gate and the POS use it."""

from __future__ import annotations

import pytest

from building.models import Site
from portal.models import User
from security.faces.api import face_analyse, face_person
from security.models import AccessZone
from security.monitoring.models import Alarm
from security.services.access import access_decide
from tests.factories import device_factory
from tests.security.faces_helpers import CAT, GATE_A, enrolled, photo

pytestmark = pytest.mark.django_db


@pytest.fixture
def li_ming_enrolled(li_ming: User) -> User:
    return enrolled(li_ming)


def test_an_image_or_its_analysis_give_the_same_person(li_ming_enrolled: User, site: Site) -> None:
    by_image = face_person(site=site, image=photo(GATE_A))
    by_analysis = face_person(site=site, analysis=face_analyse(image=photo(GATE_A)))
    assert by_image == by_analysis and by_image.user == li_ming_enrolled and by_image.reason == "match"
    assert face_person(site=site, image=photo(CAT)) == face_person(site=site, analysis=face_analyse(image=photo(CAT)))
    assert face_person(site=site, image=photo(CAT)).reason == "no_face"


def test_a_deactivated_person_is_not_identified_and_the_gate_says_why(li_ming_enrolled: User, site: Site) -> None:
    AccessZone.objects.create(site=site, code="main", name="主楼", open_to_all_staff=True)
    gate = device_factory(site=site, kind="gate").device
    analysis = face_analyse(image=photo(GATE_A))  # prepared before the deactivation landed
    assert face_person(site=site, analysis=analysis).user == li_ming_enrolled  # the index is loaded
    User.objects.filter(pk=li_ming_enrolled.pk).update(is_active=False)
    found = face_person(site=site, analysis=analysis)
    assert (found.user, found.reason) == (None, "inactive") and found.distance is not None
    decision = access_decide(device=gate, method="face", analysis=analysis)
    assert (decision.log.decision, decision.log.reason, decision.log.user) == ("deny", "inactive", None)
    assert not Alarm.objects.filter(source="unknown_face").exists()  # a known face, just not let in
