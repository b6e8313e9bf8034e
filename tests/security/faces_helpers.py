"""Shared by the face tests: the vetted photos (tests/data/faces/README.md)."""

from __future__ import annotations

from pathlib import Path

from portal.models import User

FACES = Path(__file__).resolve().parent.parent / "data" / "faces"


def photo(name: str) -> bytes:
    return (FACES / name).read_bytes()


ENROL_A = "person_a_obama_1.jpg"
OTHER_A = "person_a_obama_2.jpg"
FAR_A = "person_a_obama_3.jpg"
GATE_A = "gate_frame_person_a_obama_640x480.jpg"
GATE_STRANGER = "gate_frame_stranger_grace_hopper_640x480.jpg"
BIDEN = "person_b_joe_biden.jpg"
HOPPER = "person_c_grace_hopper.jpg"
COLLINS = "person_d_eileen_collins.jpg"
NO_FACE = "no_face_coffee.jpg"
CAT = "no_face_cat_chelsea.jpg"
TWO_FACES = "two_faces_obama_biden_640x480.jpg"


def enrolled(user: User, image: str = ENROL_A) -> User:
    """`user` with consent given and one face enrolled from `image`."""
    from security.services.faces import face_consent_give, face_enrol

    face_consent_give(user=user)
    face_enrol(user=user, image=photo(image), actor=user)
    return user
