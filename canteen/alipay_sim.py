"""A local stand-in for Alipay's gateway, with its own key pair, for development, demos and tests.

It checks our RSA2 request signatures with our public key and signs its answers and its
asynchronous notices with "Alipay's" private key exactly as Alipay does (sorted k=v pairs
without sign/sign_type, SHA256withRSA, base64), so the SDK's real verification runs on them.
"""

from __future__ import annotations

import base64
import json
import uuid
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.db import transaction
from django.utils import timezone

from canteen.alipay_client import notify_url, seller_id, sim_keys
from canteen.models import SimAlipayTrade


class SimGatewayError(Exception):
    pass


def _private() -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(sim_keys()["alipay_private"].encode(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    return key


def rsa2_sign(message: str, private_pem: str | None = None) -> str:
    key = _private() if private_pem is None else serialization.load_pem_private_key(private_pem.encode(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    return base64.b64encode(key.sign(message.encode(), padding.PKCS1v15(), hashes.SHA256())).decode()


def _verify_request(params: dict[str, str]) -> None:
    """What Alipay does with every request: the app's signature over the sorted parameters."""
    sign = params.pop("sign", "")  # requests sign everything else, sign_type included (notices differ)
    message = "&".join(f"{k}={v}" for k, v in sorted(params.items()))
    public = serialization.load_pem_public_key(sim_keys()["app_public"].encode())
    assert isinstance(public, rsa.RSAPublicKey)
    try:
        public.verify(base64.b64decode(sign), message.encode(), padding.PKCS1v15(), hashes.SHA256())
    except Exception as exc:
        raise SimGatewayError("invalid-signature") from exc


def parse_request(query_string: str) -> tuple[dict[str, str], dict[str, Any]]:
    params = dict(parse_qsl(query_string, keep_blank_values=True))
    _verify_request(dict(params))
    return params, json.loads(params.get("biz_content") or "{}")


def _signed_response(response_type: str, body: dict[str, Any]) -> str:
    inner = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    return f'{{"{response_type}":{inner},"sign":"{rsa2_sign(inner)}"}}'


def trade_open(*, params: dict[str, str], biz: dict[str, Any], at: datetime | None = None) -> SimAlipayTrade:
    trade, _ = SimAlipayTrade.objects.get_or_create(
        out_trade_no=biz["out_trade_no"],
        defaults={
            "trade_no": f"2026{uuid.uuid4().int % 10**24:024d}",
            "app_id": params["app_id"],
            "total_amount": str(biz["total_amount"]),
            "subject": str(biz.get("subject", "")),
            "notify_url": params.get("notify_url", notify_url()),
            "created_at": at or timezone.now(),
        },
    )
    return trade


def sim_gateway_api(query_string: str) -> str:
    """The synchronous API (alipay.trade.precreate / query / refund) as raw signed JSON."""
    try:
        params, biz = parse_request(query_string)
    except SimGatewayError:
        return json.dumps({"error_response": {"code": "40002", "msg": "Invalid Arguments", "sub_code": "isv.invalid-signature"}})
    method = params.get("method", "")
    response_type = method.replace(".", "_") + "_response"
    if method == "alipay.trade.precreate":
        trade = trade_open(params=params, biz=biz)
        body = {
            "code": "10000",
            "msg": "Success",
            "out_trade_no": trade.out_trade_no,
            "qr_code": f"https://qr.alipay.sim/{trade.trade_no}",
        }
        return _signed_response(response_type, body)
    if method == "alipay.trade.query":
        found = SimAlipayTrade.objects.filter(out_trade_no=biz.get("out_trade_no", "")).first()
        if found is None:
            body = {"code": "40004", "msg": "Business Failed", "sub_code": "ACQ.TRADE_NOT_EXIST", "sub_msg": "交易不存在"}
        else:
            body = {
                "code": "10000",
                "msg": "Success",
                "out_trade_no": found.out_trade_no,
                "trade_no": found.trade_no,
                "trade_status": found.status,
                "total_amount": found.total_amount,
            }
        return _signed_response(response_type, body)
    if method == "alipay.trade.refund":  # full refunds of a paid trade, once per out_request_no
        with transaction.atomic():
            found = SimAlipayTrade.objects.select_for_update().filter(out_trade_no=biz.get("out_trade_no", "")).first()
            if found is None or found.status not in ("TRADE_SUCCESS", "TRADE_CLOSED"):
                body = {
                    "code": "40004",
                    "msg": "Business Failed",
                    "sub_code": "ACQ.TRADE_STATUS_ERROR",
                    "sub_msg": "交易状态不合法",
                }
                return _signed_response(response_type, body)
            if str(biz.get("refund_amount")) != found.total_amount:
                body = {
                    "code": "40004",
                    "msg": "Business Failed",
                    "sub_code": "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL",
                    "sub_msg": "退款金额不符",
                }
                return _signed_response(response_type, body)
            fund_change = "Y" if found.status == "TRADE_SUCCESS" else "N"  # a repeated request moves nothing
            found.status = "TRADE_CLOSED"  # Alipay closes a trade refunded in full
            found.save(update_fields=["status"])
        body = {
            "code": "10000",
            "msg": "Success",
            "out_trade_no": found.out_trade_no,
            "trade_no": found.trade_no,
            "refund_fee": found.total_amount,
            "fund_change": fund_change,
        }
        return _signed_response(response_type, body)
    return json.dumps({"error_response": {"code": "40004", "msg": "Business Failed", "sub_code": "isv.unsupported-method"}})


def notice_for(trade: SimAlipayTrade, *, at: datetime | None = None) -> dict[str, str]:
    """The form fields Alipay POSTs to notify_url, signed with Alipay's key."""
    at = timezone.localtime(at or timezone.now())
    stamp = at.strftime("%Y-%m-%d %H:%M:%S")
    params = {
        "gmt_create": timezone.localtime(trade.created_at).strftime("%Y-%m-%d %H:%M:%S"),
        "gmt_payment": stamp,
        "notify_time": stamp,
        "notify_type": "trade_status_sync",
        "notify_id": uuid.uuid4().hex,
        "charset": "utf-8",
        "version": "1.0",
        "app_id": trade.app_id,
        "seller_id": seller_id(),
        "buyer_id": "2088102177846880",
        "out_trade_no": trade.out_trade_no,
        "trade_no": trade.trade_no,
        "trade_status": trade.status,
        "total_amount": trade.total_amount,
        "receipt_amount": trade.total_amount,
        "buyer_pay_amount": trade.total_amount,
        "subject": trade.subject,
    }
    params["sign"] = rsa2_sign("&".join(f"{k}={v}" for k, v in sorted(params.items())))
    params["sign_type"] = "RSA2"
    return params


def sim_buyer_pays(*, out_trade_no: str, at: datetime | None = None) -> dict[str, str]:
    """The buyer confirms in the (simulated) Alipay app: the trade succeeds; returns the notice."""
    with transaction.atomic():
        trade = SimAlipayTrade.objects.select_for_update().get(out_trade_no=out_trade_no)
        if trade.status == "WAIT_BUYER_PAY":
            trade.status = "TRADE_SUCCESS"
            trade.paid_at = at or timezone.now()
            trade.save(update_fields=["status", "paid_at"])
    return notice_for(trade, at=at)


def _generate_pair_for_tests() -> tuple[str, str]:
    """A key pair that is not Alipay's: what a forger would sign with."""
    from canteen.alipay_client import _generate_pair

    return _generate_pair()
