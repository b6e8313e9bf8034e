"""Alipay orders: create one, take the asynchronous notice, query what stays pending.

A notice credits the wallet only if the RSA2 signature verifies with Alipay's public key and
the app id, the seller and the amount are ours; the credit is keyed "alipay:<out_trade_no>"
under the top-up's row lock, so eight deliveries (or a notice racing the query task) credit once.

An order may instead be bound to a purpose another app registered (`alipay_purpose_register`,
e.g. parking's "parking_fee"): on payment, under the same row lock, the app's callback posts the
money through the ledger (from the Alipay clearing account to wherever it belongs) and does its
own bookkeeping. A callback that no longer wants the money (a fee paid meanwhile by someone else)
raises PurposeRefused: the order is refunded in full at Alipay. Canteen knows no purpose.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from canteen.alipay_client import alipay_client, app_id, gateway_url, seller_id
from canteen.models import AlipayNotice, TopUp, Transaction
from canteen.services.wallet import wallet_topup_credit
from core.audit import audit_log
from core.money import yuan_to_fen
from core.realtime import publish_on_commit, user_group
from portal.models import User

MIN_TOPUP_FEN = 100
MAX_TOPUP_FEN = 500_000
PAID_STATUSES = ("TRADE_SUCCESS", "TRADE_FINISHED")
# The fields of Alipay's asynchronous notice (opendocs: 异步通知参数). The signature is checked
# over everything received (Alipay may add fields), but only these are stored, each capped.
NOTICE_FIELDS = frozenset(
    [
        "notify_time",
        "notify_type",
        "notify_id",
        "app_id",
        "auth_app_id",
        "charset",
        "version",
        "sign_type",
        "trade_no",
        "out_trade_no",
        "out_biz_no",
        "buyer_id",
        "buyer_logon_id",
        "buyer_open_id",
        "seller_id",
        "seller_email",
        "trade_status",
        "total_amount",
        "receipt_amount",
        "invoice_amount",
        "buyer_pay_amount",
        "point_amount",
        "refund_fee",
        "subject",
        "body",
        "gmt_create",
        "gmt_payment",
        "gmt_refund",
        "gmt_close",
        "fund_bill_list",
        "passback_params",
        "voucher_detail_list",
        "merchant_app_id",
    ]
)
NOTICE_VALUE_MAX = 1024


def notice_fields(params: dict[str, str]) -> dict[str, str]:
    """What AlipayNotice.params keeps: Alipay's fields only (never `sign`), values capped."""
    return {k: str(v)[:NOTICE_VALUE_MAX] for k, v in params.items() if k in NOTICE_FIELDS}


class TopUpError(Exception):
    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


@dataclass(frozen=True)
class TopUpStart:
    topup: TopUp
    pay_url: str = ""  # page pay: send the browser here
    qr_code: str = ""  # precreate: show this as a QR code


class PurposeRefused(Exception):
    """Raised by a purpose's callback: this payment is not wanted (the order is refunded)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# purpose -> callback(order, at) -> the ledger transaction it posted. Called under the order's row
# lock inside the crediting transaction; it must post with key "alipay:<out_trade_no>" (once).
PurposeCallback = Callable[[TopUp, datetime], Transaction]
_PURPOSES: dict[str, PurposeCallback] = {}


def alipay_purpose_register(purpose: str, on_paid: PurposeCallback) -> None:
    """Another app declares what a paid order of `purpose` does (at import time of its module
    listed in DomainConfig.modules)."""
    if not purpose or _PURPOSES.get(purpose, on_paid) is not on_paid:
        raise ValueError(f"Alipay purpose {purpose!r} is empty or registered twice")
    _PURPOSES[purpose] = on_paid


def _yuan(fen: int) -> str:
    return str((Decimal(fen) / 100).quantize(Decimal("0.01")))


def topup_create(
    *, user: User, amount_fen: int, channel: str = "page", return_url: str = "", at: datetime | None = None
) -> TopUpStart:
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int) or not MIN_TOPUP_FEN <= amount_fen <= MAX_TOPUP_FEN:
        raise TopUpError("bad_amount", f"a top-up is between {MIN_TOPUP_FEN} and {MAX_TOPUP_FEN} fen")
    return _order_open(
        user=user, purpose="", reference="", amount_fen=amount_fen, subject=f"钱包充值 {_yuan(amount_fen)}",
        channel=channel, return_url=return_url, at=at or timezone.now(),
    )  # fmt: skip


def alipay_order_create(
    *,
    purpose: str,
    reference: str,
    amount_fen: int,
    subject: str,
    channel: str = "page",
    return_url: str = "",
    at: datetime | None = None,
) -> TopUpStart:
    """An order for a registered purpose (no wallet, no account needed): what is paid is handed to
    the purpose's callback. `reference` is the purpose's own key (e.g. a parking session)."""
    if purpose not in _PURPOSES:
        raise TopUpError("unknown_purpose", purpose)
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int) or not 1 <= amount_fen <= MAX_TOPUP_FEN:
        raise TopUpError("bad_amount", f"an order is between 1 and {MAX_TOPUP_FEN} fen")
    return _order_open(
        user=None, purpose=purpose, reference=reference[:64], amount_fen=amount_fen, subject=subject[:128],
        channel=channel, return_url=return_url, at=at or timezone.now(),
    )  # fmt: skip


def _order_open(
    *,
    user: User | None,
    purpose: str,
    reference: str,
    amount_fen: int,
    subject: str,
    channel: str,
    return_url: str,
    at: datetime,
) -> TopUpStart:
    out_trade_no = f"SO{timezone.localtime(at):%Y%m%d%H%M%S}{uuid.uuid4().hex[:10]}"
    with transaction.atomic(durable=True):  # committed before the gateway hears of it
        topup = TopUp.objects.create(
            out_trade_no=out_trade_no, user=user, purpose=purpose, reference=reference, amount_fen=amount_fen, created_at=at
        )
        audit_log(
            action="canteen.topup.create",
            actor=user or "anonymous",
            target=topup,
            data={
                "amount_fen": amount_fen,
                "channel": channel,
                **({"purpose": purpose, "reference": reference} if purpose else {}),
            },
        )
    client = alipay_client()
    if channel == "qr":
        response = client.api_alipay_trade_precreate(subject=subject, out_trade_no=out_trade_no, total_amount=_yuan(amount_fen))
        if response.get("code") != "10000":
            raise TopUpError("gateway", str(response.get("sub_msg") or response.get("msg")))
        return TopUpStart(topup, qr_code=str(response["qr_code"]))
    query = client.api_alipay_trade_page_pay(
        subject=subject, out_trade_no=out_trade_no, total_amount=_yuan(amount_fen), return_url=return_url or None
    )
    return TopUpStart(topup, pay_url=f"{gateway_url()}?{query}")


def _credit(*, topup_pk: int, trade_no: str, total_fen: int, via: str, at: datetime) -> str:
    """Credit a top-up once. Returns "credited", "duplicate", "amount_mismatch", or for a purpose
    order "paid" / "refunding" (its callback refused the money)."""
    with transaction.atomic(durable=True):
        topup = TopUp.objects.select_for_update().get(pk=topup_pk)
        if topup.status in (TopUp.Status.PAID, TopUp.Status.REFUNDING, TopUp.Status.REFUNDED):
            return "duplicate"
        if total_fen != topup.amount_fen:
            return "amount_mismatch"
        if topup.purpose:
            outcome = _purpose_paid(topup, trade_no=trade_no, via=via, at=at)
        else:
            outcome = _wallet_credit(topup, trade_no=trade_no, via=via, at=at)
    if outcome == "refunding":  # committed: now give the money back
        alipay_order_refund(topup_pk=topup_pk)
    return outcome


def _wallet_credit(topup: TopUp, *, trade_no: str, via: str, at: datetime) -> str:
    assert topup.user is not None
    txn = wallet_topup_credit(
        user=topup.user,
        amount_fen=topup.amount_fen,
        source_key=f"alipay:{topup.out_trade_no}",
        description="支付宝充值",
        at=at,
    )
    topup.status, topup.trade_no, topup.paid_at, topup.transaction = TopUp.Status.PAID, trade_no, at, txn
    topup.save(update_fields=["status", "trade_no", "paid_at", "transaction"])
    audit_log(action="canteen.topup.credit", actor="alipay", target=topup, data={"amount_fen": topup.amount_fen, "via": via})
    publish_on_commit(user_group(topup.user.pk), {"type": "wallet.topped_up", "amount_fen": topup.amount_fen})
    return "credited"


def _purpose_paid(topup: TopUp, *, trade_no: str, via: str, at: datetime) -> str:
    """Hand a paid purpose order to its app (the caller holds the order's row lock)."""
    on_paid = _PURPOSES.get(topup.purpose)
    refused = "unknown_purpose"
    if on_paid is not None:
        try:
            with transaction.atomic():  # a refusal undoes whatever the callback wrote
                txn = on_paid(topup, at)
        except PurposeRefused as exc:
            refused = exc.reason
        else:
            topup.status, topup.trade_no, topup.paid_at, topup.transaction = TopUp.Status.PAID, trade_no, at, txn
            topup.save(update_fields=["status", "trade_no", "paid_at", "transaction"])
            audit_log(action="canteen.order.paid", actor="alipay", target=topup, data={"purpose": topup.purpose, "via": via})
            return "paid"
    topup.status, topup.trade_no, topup.paid_at = TopUp.Status.REFUNDING, trade_no, at
    topup.save(update_fields=["status", "trade_no", "paid_at"])
    audit_log(action="canteen.order.refuse", actor="alipay", target=topup, data={"purpose": topup.purpose, "reason": refused})
    return "refunding"


def alipay_order_refund(*, topup_pk: int) -> bool:
    """Give back, in full at Alipay, an order its purpose refused. Idempotent: Alipay refunds one
    out_request_no once; True once it is refunded (the query task retries the others)."""
    topup = TopUp.objects.get(pk=topup_pk)
    if topup.status != TopUp.Status.REFUNDING:
        return topup.status == TopUp.Status.REFUNDED
    try:
        response: dict[str, Any] = alipay_client().api_alipay_trade_refund(
            _yuan(topup.amount_fen), out_trade_no=topup.out_trade_no, out_request_no=f"{topup.out_trade_no}-R"
        )
    except Exception:  # network or verification: the query task tries again
        return False
    if response.get("code") != "10000":
        return False
    with transaction.atomic():
        if TopUp.objects.filter(pk=topup.pk, status=TopUp.Status.REFUNDING).update(status=TopUp.Status.REFUNDED):
            audit_log(action="canteen.order.refund", actor="alipay", target=topup, data={"amount_fen": topup.amount_fen})
    return True


def _verify(params: dict[str, str]) -> str | None:
    """None if the notice is authentic and ours, else the reason to reject it."""
    data = dict(params)
    signature = data.pop("sign", "")
    if not signature:
        return "unsigned"
    try:
        if not alipay_client().verify(data, signature):
            return "bad_signature"
    except Exception:  # malformed signature or wrong sign_type
        return "bad_signature"
    if params.get("app_id") != app_id():
        return "wrong_app_id"
    if seller_id() and params.get("seller_id") != seller_id():
        return "wrong_seller"
    return None


def alipay_notice_receive(*, params: dict[str, str], at: datetime | None = None) -> bool:
    """Record and apply one asynchronous notice. True (answer "success") once it is recorded and
    settled; False (answer "failure", Alipay retries) for anything forged, foreign or inconsistent."""
    at = at or timezone.now()
    if any("\x00" in f"{k}{v}" for k, v in params.items()):
        # No genuine notice holds a NUL (PostgreSQL refuses it in text): dropped; what is left must verify.
        params = {k.replace("\x00", ""): str(v).replace("\x00", "") for k, v in params.items()}
    rejection = _verify(params)
    out_trade_no = str(params.get("out_trade_no", ""))[:64]
    topup = TopUp.objects.filter(out_trade_no=out_trade_no).first() if out_trade_no else None
    total_fen: int | None
    try:
        total_fen = yuan_to_fen(params.get("total_amount", ""))
    except (ValueError, TypeError):
        total_fen = None
    if rejection is None and topup is None:
        rejection = "unknown_order"
    if rejection is None and (total_fen is None or topup is None or total_fen != topup.amount_fen):
        rejection = "wrong_amount"
    status = str(params.get("trade_status", ""))
    outcome = f"rejected:{rejection}" if rejection else "ignored"
    if rejection is None and topup is not None and total_fen is not None:
        if status in PAID_STATUSES:
            outcome = _credit(
                topup_pk=topup.pk, trade_no=str(params.get("trade_no", "")), total_fen=total_fen, via="notify", at=at
            )
        elif status == "TRADE_CLOSED":
            TopUp.objects.filter(pk=topup.pk, status=TopUp.Status.PENDING).update(status=TopUp.Status.CLOSED)
            outcome = "closed"
    AlipayNotice.objects.create(
        topup=topup if rejection is None else None,
        out_trade_no=out_trade_no,
        notify_id=str(params.get("notify_id", ""))[:128],
        trade_status=status[:32],
        total_fen=total_fen,
        verified=rejection is None,
        outcome=outcome,
        params=notice_fields(params),
        received_at=at,
    )
    if rejection:
        audit_log(
            action="canteen.alipay_notice.reject",
            actor="alipay",
            target=topup,
            data={"reason": rejection, "out_trade_no": out_trade_no},
        )
    return rejection is None


def topup_query_pending(*, at: datetime | None = None, min_age: timedelta = timedelta(minutes=1)) -> dict[str, int]:
    """Ask Alipay about top-ups still pending after `min_age` (a lost notice must not lose money);
    close those Alipay does not know after a day; retry the refunds of refused purpose orders."""
    at = at or timezone.now()
    counts = {"credited": 0, "closed": 0, "pending": 0, "errors": 0}
    client = alipay_client()
    for refusing in TopUp.objects.filter(status=TopUp.Status.REFUNDING).values_list("pk", flat=True)[:200]:
        # a purpose order refused on payment whose refund did not go through yet
        done = alipay_order_refund(topup_pk=refusing)
        counts["refunded" if done else "errors"] = counts.get("refunded" if done else "errors", 0) + 1
    pending = TopUp.objects.filter(
        status=TopUp.Status.PENDING, created_at__lte=at - min_age, created_at__gte=at - timedelta(days=2)
    )
    for topup in pending.order_by("created_at")[:200]:
        try:
            response: dict[str, Any] = client.api_alipay_trade_query(out_trade_no=topup.out_trade_no)
        except Exception:  # network or a verification failure: try again next run
            counts["errors"] += 1
            continue
        status = response.get("trade_status")
        if response.get("code") == "10000" and status in PAID_STATUSES:
            outcome = _credit(
                topup_pk=topup.pk,
                trade_no=str(response.get("trade_no", "")),
                total_fen=yuan_to_fen(str(response.get("total_amount", "0"))),
                via="query",
                at=at,
            )
            counts["credited" if outcome in ("credited", "paid", "refunding") else "errors"] += 1
        elif status == "TRADE_CLOSED" or (
            response.get("sub_code") == "ACQ.TRADE_NOT_EXIST" and topup.created_at < at - timedelta(days=1)
        ):
            TopUp.objects.filter(pk=topup.pk, status=TopUp.Status.PENDING).update(status=TopUp.Status.CLOSED)
            counts["closed"] += 1
        else:
            counts["pending"] += 1
    return counts
