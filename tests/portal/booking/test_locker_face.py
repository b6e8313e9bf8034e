"""Parcel pickup by face over the real MQTT path (broker + bridge) with real face photos: every
parcel waiting for the person opens; no consent (or a stranger) is refused and the code still works."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import pytest

from building.models import Site
from devices.models import Device
from devices.simulator import SimDevice
from portal.booking.models import Parcel
from portal.booking.services.lockers import compartments_ensure, parcel_register
from portal.models import User
from security.services.faces import face_consent_give, face_consent_withdraw, face_enrol
from tests.helpers import eventually
from tests.security.faces_helpers import ENROL_A, GATE_A, GATE_STRANGER, photo

pytestmark = pytest.mark.django_db(transaction=True)


def face(sim: SimDevice, name: str, **extra: Any) -> dict[str, Any]:
    return sim.request("face", {"image": base64.b64encode(photo(name)).decode(), **extra}, timeout=20)


def locker_with(site: Site, connect_device: Callable[..., SimDevice]) -> tuple[SimDevice, Device]:
    sim = connect_device(site, "locker")
    locker = Device.objects.get(site=site, kind="locker")
    compartments_ensure(locker=locker, codes=["A01", "A02", "A03"])
    return sim, locker


def test_the_owners_face_opens_all_their_waiting_parcels(
    bridge: object, connect_device: Callable[..., SimDevice], site: Site, li_ming: User, zhang_li: User, chen_guard: User
) -> None:
    face_consent_give(user=li_ming)
    face_enrol(user=li_ming, image=photo(ENROL_A), actor=li_ming)
    sim, locker = locker_with(site, connect_device)
    first = parcel_register(recipient=li_ming, locker=locker, actor=chen_guard, carrier="顺丰")
    others = parcel_register(recipient=zhang_li, locker=locker, actor=chen_guard)
    second = parcel_register(recipient=li_ming, locker=locker, actor=chen_guard, carrier="京东")
    assert [p.compartment.code for p in (first, others, second)] == ["A01", "A02", "A03"]
    eventually(lambda: len([c for c in sim.commands if c["type"] == "open"]) == 3, timeout=10)  # the desk's three
    sim.commands.clear()

    stranger = face(sim, GATE_STRANGER)
    assert stranger["type"] == "error" and stranger["data"] == {"reason": "unknown_face"}
    photo_attack = face(sim, GATE_A, liveness=0.1)
    assert photo_attack["type"] == "error" and photo_attack["data"] == {"reason": "liveness"}
    assert Parcel.objects.filter(state="waiting").count() == 3

    answer = face(sim, GATE_A, liveness=0.97)
    assert answer["type"] == "open" and answer["data"] == {"compartment": "A01"}  # the oldest in the answer
    opened = lambda: sorted(c["data"]["compartment"] for c in sim.commands if c["type"] == "open")  # noqa: E731
    eventually(lambda: opened() == ["A01", "A03"], timeout=10)  # the other one as a cmd of its own
    assert [c["re"] for c in sim.commands if c["data"] == {"compartment": "A03"}] == [None]
    states = dict(Parcel.objects.values_list("pk", "state"))
    assert states == {first.pk: "picked_up", second.pk: "picked_up", others.pk: "waiting"}
    again = face(sim, GATE_A)
    assert again["type"] == "error" and again["data"] == {"reason": "no_parcels"}
    bad = sim.request("face", {"image": "not base64!"}, timeout=10)
    assert bad["type"] == "error" and "data.image" in bad["data"]["reason"]


def test_without_consent_the_face_is_refused_and_the_code_still_opens(
    bridge: object, connect_device: Callable[..., SimDevice], site: Site, li_ming: User, chen_guard: User
) -> None:
    face_consent_give(user=li_ming)
    face_enrol(user=li_ming, image=photo(ENROL_A), actor=li_ming)
    assert face_consent_withdraw(user=li_ming, actor=li_ming) == 1
    sim, locker = locker_with(site, connect_device)
    parcel = parcel_register(recipient=li_ming, locker=locker, actor=chen_guard)

    refused = face(sim, GATE_A)
    assert refused["type"] == "error" and refused["data"] == {"reason": "unknown_face"}
    parcel.refresh_from_db()
    assert parcel.state == "waiting"
    answer = sim.request("pickup", {"code": parcel.code}, timeout=10)
    assert answer["type"] == "open" and answer["data"] == {"compartment": "A01"}
    parcel.refresh_from_db()
    assert parcel.state == "picked_up"
