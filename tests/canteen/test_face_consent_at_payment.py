"""A face match computed before a withdrawal (a backlog) must not pay once consent is gone."""

from canteen.services.pos import face_payer
from security.faces.api import FaceMatch
from security.services.faces import face_consent_give, face_consent_withdraw


def test_a_match_is_honoured_only_while_consent_stands(li_ming, site) -> None:
    match = FaceMatch(user_id=li_ming.pk, distance=0.31, reason="match")
    face_consent_give(user=li_ming)
    assert face_payer(image=b"", site=site, match=match) == li_ming
    face_consent_withdraw(user=li_ming, actor=li_ming)
    assert face_payer(image=b"", site=site, match=match) == "unknown_face"
