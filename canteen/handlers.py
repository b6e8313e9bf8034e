"""MQTT handlers of POS terminals: adapt the event, call one service, answer `payment`."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from canteen.services.pos import PosPayment, pos_face_prepare, pos_pay
from devices.models import Device
from devices.protocol import Envelope, ProtocolError
from devices.registry import DeviceData, Reply, register

ORDER_REF_MAX = 64
Amount = Annotated[int, Field(gt=0, description="integer fen (above the charge limit: declined bad_amount)")]
MerchantCode = Annotated[str, Field(min_length=1, max_length=40)]
OrderRef = Annotated[str, Field(min_length=1, max_length=ORDER_REF_MAX, description="idempotency key of the sale")]


class CodePay(DeviceData):
    code: Annotated[str, Field(min_length=1, max_length=512, description="the scanned pay code")]
    amount_fen: Amount
    merchant: MerchantCode
    order_ref: OrderRef


class FacePay(DeviceData):
    image: Annotated[str, Field(min_length=1, max_length=2_700_000, description="base64 JPEG")]
    amount_fen: Amount
    merchant: MerchantCode
    order_ref: OrderRef


class PaymentReply(BaseModel):
    status: Literal["paid", "declined"]
    balance_fen: int
    reason: str


def _image(data: FacePay) -> bytes:
    try:
        image = base64.b64decode(data.image, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ProtocolError("bad_data", "data.image: not valid base64") from exc
    if not image.startswith(b"\xff\xd8\xff"):  # JPEG only (the MQTT contract; docs/security.md)
        raise ProtocolError("bad_data", "data.image: must be a JPEG")
    return image


def prepare_face_pay(device: Device, envelope: Envelope) -> Any:
    """Before the transaction: who is in the photo (the bridge passes it on as envelope.prepared)."""
    return pos_face_prepare(image=_image(envelope.parsed), site=device.site)


@register(channel="event", types=["code_pay"], kinds=["pos"], schema=CodePay, reply=PaymentReply, reply_type="payment")
def code_pay(device: Device, envelope: Envelope) -> Reply:
    data: CodePay = envelope.parsed
    payment = PosPayment(data.merchant, data.amount_fen, data.order_ref, code=data.code)
    return Reply("payment", pos_pay(device=device, payment=payment, method="code").as_reply())


@register(
    channel="event",
    types=["face_pay"],
    kinds=["pos"],
    schema=FacePay,
    reply=PaymentReply,
    reply_type="payment",
    prepare=prepare_face_pay,
)
def face_pay(device: Device, envelope: Envelope) -> Reply:
    data: FacePay = envelope.parsed
    payment = PosPayment(data.merchant, data.amount_fen, data.order_ref, image=_image(data), face_match=envelope.prepared)
    return Reply("payment", pos_pay(device=device, payment=payment, method="face").as_reply())
