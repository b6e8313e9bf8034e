"""Supermarket checkout (a cart of barcodes) and takeaway pre-orders."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from canteen.models import Dish, Merchant, MerchantKind, Product, TakeawayOrder
from canteen.services.charges import ChargeResult, charge_refund_in_transaction, wallet_charge_in_transaction
from canteen.services.payer import payer_identify
from core.audit import audit_log
from portal.models import User


class SaleError(Exception):
    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


def supermarket_checkout(
    *,
    merchant: Merchant,
    user: User,
    lines: list[tuple[str, int]],
    order_ref: str,
    method: str,
    pay_code_digest: str | None = None,
    at: datetime | None = None,
    cover: Callable[[int], int] | None = None,
) -> ChargeResult:
    """Price a cart from the shelf, take the stock and the money in one transaction.

    `cover(total)`: another app pays part of the total (recycling points), posting it in this
    same transaction, and returns the fen it covered; the wallet is charged the rest."""
    if merchant.kind != MerchantKind.SUPERMARKET:
        raise SaleError("wrong_merchant", f"{merchant.code} is not a supermarket")
    wanted: dict[str, int] = {}
    for barcode, qty in lines:
        if not isinstance(qty, int) or isinstance(qty, bool) or qty <= 0:
            raise SaleError("bad_quantity", f"{barcode}: {qty!r}")
        wanted[barcode] = wanted.get(barcode, 0) + qty
    if not wanted:
        raise SaleError("empty_cart")
    with transaction.atomic(durable=True):
        # Domain rows first, in pk order; the ledger locks accounts after them.
        products = list(Product.objects.select_for_update().filter(merchant=merchant, barcode__in=wanted).order_by("pk"))
        missing = set(wanted) - {p.barcode for p in products}
        if missing:
            raise SaleError("unknown_product", ", ".join(sorted(missing)))
        short = [p.barcode for p in products if p.stock < wanted[p.barcode]]
        total = sum(p.price_fen * wanted[p.barcode] for p in products)
        detail = [{"barcode": p.barcode, "name": p.name, "qty": wanted[p.barcode], "price_fen": p.price_fen} for p in products]
        if short:
            existing = merchant.charges.filter(order_ref=order_ref).first()
            if existing is None:  # a retry of a paid cart must still answer "paid", not "out of stock"
                raise SaleError("out_of_stock", ", ".join(short))
        covered = cover(total) if cover is not None else 0
        result = wallet_charge_in_transaction(
            user=user,
            merchant=merchant,
            amount_fen=total - covered,
            order_ref=order_ref,
            method=method,
            lines=detail,
            pay_code_digest=pay_code_digest,
            at=at,
        )
        if covered and not result.paid:
            transaction.set_rollback(True)  # what `cover` posted goes back with the declined payment
        if result.paid and not result.replay:
            for p in products:
                Product.objects.filter(pk=p.pk).update(stock=F("stock") - wanted[p.barcode])
    return result


def _pickup_code(merchant: Merchant) -> str:
    for _ in range(20):
        code = f"{secrets.randbelow(10**6):06d}"
        if not merchant.takeaway_orders.filter(pickup_code=code).exists():
            return code
    raise SaleError("no_code", "could not find a free pickup code")


def takeaway_order_place(
    *, user: User, merchant: Merchant, items: list[tuple[int, int]], slot_start: datetime, at: datetime | None = None
) -> TakeawayOrder:
    """Pay now, pick up in the slot (by face or the 6-digit pickup code)."""
    at = at or timezone.now()
    if merchant.kind != MerchantKind.TAKEAWAY:
        raise SaleError("wrong_merchant", f"{merchant.code} is not a takeaway window")
    if slot_start <= at:
        raise SaleError("slot_passed", "choose a pickup time in the future")
    dishes = {d.pk: d for d in Dish.objects.filter(merchant=merchant, is_active=True, pk__in=[i for i, _ in items])}
    lines: list[dict[str, Any]] = []
    total = 0
    for dish_id, qty in items:
        if dish_id not in dishes or qty <= 0:
            raise SaleError("bad_item", str(dish_id))
        dish = dishes[dish_id]
        lines.append({"dish": dish.pk, "name": dish.name, "qty": qty, "price_fen": dish.price_fen})
        total += qty * dish.price_fen
    if total <= 0:
        raise SaleError("empty_order")
    with transaction.atomic(durable=True):
        result = wallet_charge_in_transaction(
            user=user,
            merchant=merchant,
            amount_fen=total,
            order_ref=f"tk-{uuid.uuid4().hex[:16]}",
            method="portal",
            lines=lines,
            at=at,
        )
        if not result.paid or result.charge is None:
            raise SaleError(result.reason)
        slot = timedelta(minutes=int(getattr(settings, "CANTEEN_TAKEAWAY_SLOT_MINUTES", 30)))
        for _ in range(3):
            try:
                with transaction.atomic():
                    order = TakeawayOrder.objects.create(
                        merchant=merchant,
                        user=user,
                        slot_start=slot_start,
                        slot_end=slot_start + slot,
                        lines=lines,
                        total_fen=total,
                        pickup_code=_pickup_code(merchant),
                        charge=result.charge,
                        created_at=at,
                    )
                break
            except IntegrityError:  # two orders drew the same code at once
                continue
        else:
            raise SaleError("no_code")
        audit_log(action="canteen.takeaway.place", actor=user, target=order, data={"total_fen": total})
    return order


def takeaway_pickup(
    *, merchant: Merchant, pickup_code: str = "", user: User | None = None, at: datetime | None = None
) -> TakeawayOrder:
    """Hand over a paid order, found by its pickup code or (face pickup) by its owner's next order."""
    at = at or timezone.now()
    with transaction.atomic(durable=True):
        orders = TakeawayOrder.objects.select_for_update().filter(merchant=merchant, status=TakeawayOrder.Status.PAID)
        if pickup_code:
            orders = orders.filter(pickup_code=pickup_code.strip())
        elif user is not None:
            orders = orders.filter(user=user).order_by("slot_start")
        else:
            raise SaleError("no_identity")
        order = orders.first()
        if order is None:
            raise SaleError("no_order", "no paid order waiting for this code or person")
        order.status = TakeawayOrder.Status.PICKED_UP
        order.picked_up_at = at
        order.save(update_fields=["status", "picked_up_at"])
        audit_log(action="canteen.takeaway.pickup", actor=user or "pickup code", target=order)
    return order


def takeaway_expire_unclaimed(*, at: datetime | None = None) -> int:
    """Policy: an order still waiting an hour after its slot ends is refunded in full."""
    at = at or timezone.now()
    grace = timedelta(minutes=int(getattr(settings, "CANTEEN_TAKEAWAY_GRACE_MINUTES", 60)))
    count = 0
    for pk in TakeawayOrder.objects.filter(status=TakeawayOrder.Status.PAID, slot_end__lt=at - grace).values_list(
        "pk", flat=True
    ):
        with transaction.atomic(durable=True):
            order = TakeawayOrder.objects.select_for_update().select_related("charge").get(pk=pk)
            if order.status != TakeawayOrder.Status.PAID:
                continue
            left = order.charge.amount_fen - order.charge.refunded_fen
            if left:
                charge_refund_in_transaction(
                    charge=order.charge,
                    amount_fen=left,
                    reason="takeaway not collected",
                    actor=None,
                    request_key="unclaimed",
                    at=at,
                )
            order.status = TakeawayOrder.Status.REFUNDED
            order.save(update_fields=["status"])
            count += 1
    return count


def takeaway_pickup_by_face(*, merchant: Merchant, image: bytes, at: datetime | None = None) -> TakeawayOrder:
    """The window camera's photo -> the person -> their next paid order (or SaleError with why not)."""
    payer = payer_identify(site=merchant.site, at=at or timezone.now(), image=image)
    if payer.user is None:
        raise SaleError(payer.reason)
    return takeaway_pickup(merchant=merchant, user=payer.user, at=at)
