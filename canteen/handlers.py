"""MQTT handlers of POS terminals: adapt the event, call one service, answer `payment`."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from canteen.services.pos import PosInputError, PosPayment, face_match_of, parse_pos_payment, pos_pay
from devices.models import Device
from devices.protocol import Envelope, ProtocolError
from devices.registry import Reply, register


def _parse(envelope: Envelope, *, face: bool) -> PosPayment:
    try:
        return parse_pos_payment(envelope.data, face=face)
    except PosInputError as exc:
        raise ProtocolError("bad_data", str(exc)) from exc


def prepare_face_pay(device: Device, envelope: Envelope) -> Any:
    """Before the transaction: who is in the photo (the bridge passes it on as envelope.prepared)."""
    return face_match_of(image=_parse(envelope, face=True).image, site=device.site)


@register(channel="event", types=["code_pay"], kinds=["pos"])
def code_pay(device: Device, envelope: Envelope) -> Reply:
    return Reply("payment", pos_pay(device=device, payment=_parse(envelope, face=False), method="code").as_reply())


@register(channel="event", types=["face_pay"], kinds=["pos"], prepare=prepare_face_pay)
def face_pay(device: Device, envelope: Envelope) -> Reply:
    payment = replace(_parse(envelope, face=True), face_match=getattr(envelope, "prepared", None))
    return Reply("payment", pos_pay(device=device, payment=payment, method="face").as_reply())
