"""Staff pages: wallet (balances, statement, top-up, QR pay code), takeaway, receipts."""

from __future__ import annotations

from datetime import datetime

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from canteen.models import Charge, Dish, MerchantKind, TakeawayOrder, TopUp
from canteen.reasons import canteen_reason
from canteen.selectors import charge_for_user, merchant_for_user, merchants_for_user, wallet_balances, wallet_entries
from canteen.services.alipay import TopUpError, topup_create
from canteen.services.paycode import paycode_issue
from canteen.services.shop import SaleError, takeaway_order_place
from canteen.slots import takeaway_slots
from core.money import yuan_to_fen
from core.registry import ledger_kinds
from portal.models import User

# A wallet is for in-house people; contractors have none by default (403, not an empty wallet).
use_wallet = permission_required("canteen.use_wallet", raise_exception=True)


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@login_required
@use_wallet
def wallet(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    kind = request.GET.get("kind", "")
    kinds = [(code, spec.label) for code, spec in ledger_kinds().items()]
    if kind not in dict(kinds):
        kind = ""
    context = {
        "balances": wallet_balances(user),
        "statement": Paginator(wallet_entries(user, kind=kind), 20).get_page(request.GET.get("page")),
        "kinds": kinds,
        "kind": kind,
        "topups": TopUp.objects.filter(user=user)[:5],
        "charges": Charge.objects.filter(user=user).select_related("merchant")[:10],
    }
    return render(request, "canteen/wallet.html", context)


@login_required
@use_wallet
def paycode(request: HttpRequest) -> JsonResponse:
    """A fresh code every call; the page polls it, so what is on screen is never older than 30 s."""
    code = paycode_issue(user=_user(request))
    svg = segno.make(code.code, error="m").svg_inline(scale=5)
    return JsonResponse({"code": code.code, "expires_at": code.expires_at.isoformat(), "svg": svg})


@login_required
@use_wallet
@require_POST
def topup(request: HttpRequest) -> HttpResponse:
    try:
        amount = yuan_to_fen(request.POST.get("amount", ""))
        start = topup_create(
            user=_user(request),
            amount_fen=amount,
            channel="qr" if request.POST.get("channel") == "qr" else "page",
            return_url=request.build_absolute_uri(reverse("canteen:wallet")),
        )
    except (ValueError, TypeError):
        messages.error(request, _("Enter an amount in yuan, e.g. 100 or 50.50."))
        return redirect("canteen:wallet")
    except TopUpError as exc:
        messages.error(request, _("The top-up could not be started: %(reason)s") % {"reason": canteen_reason(exc.reason)})
        return redirect("canteen:wallet")
    if start.qr_code:
        svg = segno.make(start.qr_code, error="m").svg_inline(scale=5)
        return render(request, "canteen/topup_qr.html", {"topup": start.topup, "svg": svg, "qr_code": start.qr_code})
    return redirect(start.pay_url)


@login_required
@use_wallet
def takeaway(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    merchants = merchants_for_user(user).filter(kind=MerchantKind.TAKEAWAY)
    if request.method == "POST":
        merchant = merchant_for_user(user=user, merchant_id=request.POST.get("merchant"), kind=MerchantKind.TAKEAWAY)
        if merchant is None:
            raise Http404
        items = []
        for dish in Dish.objects.filter(merchant=merchant, is_active=True):
            qty = request.POST.get(f"qty_{dish.pk}", "0")
            if qty.isdigit() and int(qty) > 0:
                items.append((dish.pk, int(qty)))
        try:
            slot = datetime.fromisoformat(request.POST.get("slot", ""))
            order = takeaway_order_place(user=user, merchant=merchant, items=items, slot_start=slot)
        except ValueError:
            messages.error(request, _("Choose a pickup time."))
        except SaleError as exc:
            messages.error(request, _("The order was not placed: %(reason)s") % {"reason": canteen_reason(exc.reason)})
        else:
            messages.success(request, _("Paid. Your pickup code is %(code)s.") % {"code": order.pickup_code})
            return redirect("canteen:receipt", charge_id=order.charge_id)
    # After a refused order the form comes back as it was sent: quantities and slot kept.
    posted = request.POST if request.method == "POST" else None
    menus = []
    for m in merchants:
        dishes = list(Dish.objects.filter(merchant=m, is_active=True))
        same = posted is not None and posted.get("merchant") == str(m.pk)
        counts = {d.pk: _qty(posted.get(f"qty_{d.pk}", "0")) if same and posted else 0 for d in dishes}
        chosen = posted.get("slot", "") if same and posted else ""
        lines = [{"dish": d, "qty": counts[d.pk], "field": f"qty_{d.pk}", "model": f"qty['{d.pk}']"} for d in dishes]
        cart = {"prices": {str(d.pk): d.price_fen for d in dishes}, "qty": {str(k): v for k, v in counts.items()}}
        menus.append({"merchant": m, "lines": lines, "slots": takeaway_slots(m), "chosen": chosen, "cart": cart})
    context = {"menus": menus, "orders": TakeawayOrder.objects.filter(user=user).select_related("merchant")[:10]}
    return render(request, "canteen/takeaway.html", context, status=400 if posted is not None else 200)


def _qty(value: str) -> int:
    return min(int(value), 9) if value.isdigit() else 0


@login_required
def receipt(request: HttpRequest, charge_id: int) -> HttpResponse:
    charge = charge_for_user(user=request.user, charge_id=charge_id)
    if charge is None:
        raise Http404
    order = TakeawayOrder.objects.filter(charge=charge).first()
    return render(request, "canteen/receipt.html", {"charge": charge, "order": order, "refunds": charge.refunds.all()})
