"""Parcel lockers end to end over MQTT: front desk -> compartment + code -> `pickup` -> cmd `open`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone

from building.models import Site
from devices.models import Device
from devices.simulator import SimDevice
from portal.booking.models import Compartment, Parcel
from portal.booking.services.lockers import compartments_ensure, parcel_register, parcels_remind
from portal.models import User
from tests.helpers import eventually

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_parcel_is_picked_up_with_its_code_over_mqtt(
    bridge: object, connect_device: Callable[..., SimDevice], site: Site, li_ming: User, chen_guard: User
) -> None:
    sim = connect_device(site, "locker")
    locker = Device.objects.get(site=site, kind="locker")
    compartments_ensure(locker=locker, codes=["A01", "A02"])
    parcel = parcel_register(recipient=li_ming, locker=locker, actor=chen_guard, carrier="顺丰")
    assert parcel.compartment.code == "A01" and len(parcel.code) == 6
    opened_for_desk = sim.wait_command(type="open", timeout=10)
    assert opened_for_desk["data"] == {"compartment": "A01"}
    note = li_ming.notifications.get(kind="booking.parcel_arrived")
    assert parcel.code in note.title

    wrong = "000000" if parcel.code != "000000" else "111111"
    refused = sim.request("pickup", {"code": wrong}, timeout=10)
    assert refused["type"] == "error" and refused["data"]["reason"] == "unknown_code"
    bad = sim.request("pickup", {"code": 123456}, timeout=10)
    assert bad["type"] == "error" and "data.code" in bad["data"]["reason"]
    answer = sim.request("pickup", {"code": parcel.code}, timeout=10)
    assert answer["type"] == "open" and answer["data"] == {"compartment": "A01"}
    parcel.refresh_from_db()
    assert parcel.state == "picked_up" and parcel.picked_up_at is not None
    again = sim.request("pickup", {"code": parcel.code}, timeout=10)
    assert again["type"] == "error"  # a code opens once

    sim.send("door", {"compartment": "A01", "state": "opened"})
    eventually(lambda: Compartment.objects.get(locker=locker, code="A01").door_open, timeout=10)


def test_reminders_then_overdue_flag_to_the_front_desk(site: Site, li_ming: User, chen_guard: User) -> None:
    from devices.services import device_create

    locker = device_create(site=site, kind="locker", device_id="locker-t").device
    compartments_ensure(locker=locker, codes=["A01"])
    now = timezone.now()
    parcel = parcel_register(recipient=li_ming, locker=locker, actor=chen_guard, at=now - timedelta(hours=25))
    assert parcels_remind(at=now) == 1
    assert parcels_remind(at=now) == 0  # not twice a day
    assert li_ming.notifications.filter(kind="booking.parcel_reminder").count() == 1
    parcels_remind(at=now + timedelta(hours=48))
    parcel.refresh_from_db()
    assert parcel.overdue
    assert chen_guard.notifications.filter(kind="booking.parcel_overdue").count() == 1
    full = parcel_register  # the only compartment is taken: the locker is full  (either language: the catalogue may be compiled)
    with pytest.raises(Exception, match=r"full|已满"):
        full(recipient=li_ming, locker=locker, actor=chen_guard)
    assert Parcel.objects.count() == 1
