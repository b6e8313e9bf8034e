"""face_identify through the real pool and the real dlib models, against real photos."""

from __future__ import annotations

import pytest

from building.models import Site
from portal.models import User
from security.faces import pool
from security.faces.api import FaceMatch, face_identify
from security.faces.conf import pool_max_inflight
from security.models import FaceEncoding
from security.services.faces import face_consent_give, face_consent_withdraw, face_enrol
from tests.security.faces_helpers import (
    BIDEN,
    CAT,
    COLLINS,
    FAR_A,
    GATE_A,
    GATE_STRANGER,
    HOPPER,
    OTHER_A,
    TWO_FACES,
    enrolled,
    photo,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def li_ming_enrolled(li_ming: User) -> User:
    return enrolled(li_ming)


def test_same_person_is_recognised_from_different_photos(li_ming_enrolled: User, site: Site) -> None:
    for name in (OTHER_A, FAR_A, GATE_A):
        found = face_identify(image=photo(name), site=site)
        assert found.reason == "match", name
        assert found.user_id == li_ming_enrolled.pk
        assert found.distance is not None and found.distance < 0.5


def test_strangers_are_unknown_with_their_distance(li_ming_enrolled: User, site: Site) -> None:
    for name in (BIDEN, HOPPER, COLLINS, GATE_STRANGER):
        found = face_identify(image=photo(name), site=site)
        assert found.user_id is None and found.reason == "unknown", name
        assert found.distance is not None and found.distance > 0.6


def test_nobody_enrolled_means_unknown(site: Site) -> None:
    assert face_identify(image=photo(GATE_A), site=site) == FaceMatch(None, None, "unknown")


def test_stricter_threshold_and_margin_are_honoured(
    li_ming_enrolled: User, zhang_li: User, site: Site, settings: object
) -> None:
    assert face_identify(image=photo(GATE_A), site=site, threshold=0.3).reason == "unknown"  # 0.347 away
    # zhang_li enrolled with another photo of the same face: 0.434 from the frame, li_ming 0.347
    settings.FACE_ENROL_MIN_FACE_PX = 60  # type: ignore[attr-defined]  # that photo's face is 72 px
    face_consent_give(user=zhang_li)
    face_enrol(user=zhang_li, image=photo(FAR_A), actor=zhang_li)
    assert face_identify(image=photo(GATE_A), site=site).user_id == li_ming_enrolled.pk  # 0.087 apart > 0.05
    too_alike = face_identify(image=photo(GATE_A), site=site, margin=0.1)
    assert too_alike.reason == "unknown" and too_alike.user_id is None  # never a guess between two people


def test_bad_inputs_have_their_reasons(site: Site) -> None:
    assert face_identify(image=photo(CAT), site=site).reason == "no_face"
    assert face_identify(image=photo(TWO_FACES), site=site).reason == "multiple_faces"
    assert face_identify(image=b"not a jpeg", site=site).reason == "bad_image"
    assert face_identify(image=b"", site=site).reason == "bad_image"


def test_withdrawal_removes_the_person_from_the_index(li_ming_enrolled: User, site: Site) -> None:
    assert face_identify(image=photo(GATE_A), site=site).user_id == li_ming_enrolled.pk
    assert face_consent_withdraw(user=li_ming_enrolled, actor=li_ming_enrolled) == 1
    assert not FaceEncoding.objects.filter(user=li_ming_enrolled).exists()
    assert face_identify(image=photo(GATE_A), site=site).reason == "unknown"


def test_a_person_of_another_site_is_not_matched(li_ming_enrolled: User) -> None:
    other = Site.objects.create(code="elsewhere", name="别处")
    assert face_identify(image=photo(GATE_A), site=other).reason == "unknown"
    assert face_identify(image=photo(GATE_A)).user_id == li_ming_enrolled.pk  # no site: the whole index


def test_a_full_pool_answers_busy_at_once(site: Site) -> None:
    _executor, slots = pool._get()
    taken = 0
    while slots.acquire(blocking=False):  # every in-flight slot occupied, as under a burst of frames
        taken += 1
    try:
        assert taken == pool_max_inflight()
        assert face_identify(image=photo(GATE_A), site=site) == FaceMatch(None, None, "busy")
    finally:
        for _ in range(taken):
            slots.release()
    assert face_identify(image=photo(GATE_A), site=site).reason == "unknown"


def test_the_index_follows_enrolments_and_withdrawals_incrementally(
    li_ming_enrolled: User, zhang_li: User, site: Site
) -> None:
    assert face_identify(image=photo(GATE_A), site=site).user_id == li_ming_enrolled.pk  # index loaded
    face_consent_give(user=zhang_li)
    face_enrol(user=zhang_li, image=photo(BIDEN), actor=zhang_li)
    assert face_identify(image=photo(BIDEN), site=site).user_id == zhang_li.pk
    face_consent_withdraw(user=li_ming_enrolled, actor=li_ming_enrolled)
    assert face_identify(image=photo(GATE_A), site=site).reason == "unknown"
    assert face_identify(image=photo(BIDEN), site=site).user_id == zhang_li.pk
