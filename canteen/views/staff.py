"""Staff pages: wallet (balances, statement, top-up, QR pay code), takeaway, receipts."""

from __future__ import annotations

from datetime import datetime, timedelta

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from canteen.models import Charge, Dish, Merchant, MerchantKind, TakeawayOrder, TopUp
from canteen.selectors import wallet_balances, wallet_statement
from canteen.services.alipay import TopUpError, topup_create
from canteen.services.paycode import paycode_issue
from canteen.services.shop import SaleError, takeaway_order_place
from core.money import yuan_to_fen
from portal.models import User

use_portal = permission_required("portal.use_portal", raise_exception=True)


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@login_required
@use_portal
def wallet(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    context = {
        "balances": wallet_balances(user),
        "statement": wallet_statement(user, limit=30),
        "topups": TopUp.objects.filter(user=user)[:5],
        "charges": Charge.objects.filter(user=user).select_related("merchant")[:10],
    }
    return render(request, "canteen/wallet.html", context)


@login_required
@use_portal
def paycode(request: HttpRequest) -> JsonResponse:
    """A fresh code every call; the page polls it, so what is on screen is never older than 30 s."""
    code = paycode_issue(user=_user(request))
    svg = segno.make(code.code, error="m").svg_inline(scale=5)
    return JsonResponse({"code": code.code, "expires_at": code.expires_at.isoformat(), "svg": svg})


@login_required
@use_portal
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
        messages.error(request, _("The top-up could not be started: %(reason)s") % {"reason": exc.reason})
        return redirect("canteen:wallet")
    if start.qr_code:
        svg = segno.make(start.qr_code, error="m").svg_inline(scale=5)
        return render(request, "canteen/topup_qr.html", {"topup": start.topup, "svg": svg, "qr_code": start.qr_code})
    return redirect(start.pay_url)


def _slots(now: datetime) -> list[datetime]:
    local = timezone.localtime(now)
    first = (local + timedelta(minutes=30)).replace(minute=0 if local.minute < 30 else 30, second=0, microsecond=0)
    return [first + timedelta(minutes=30 * i) for i in range(1, 13)]


@login_required
@use_portal
def takeaway(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    merchants = Merchant.objects.filter(kind=MerchantKind.TAKEAWAY, is_active=True)
    if user.site_id:
        merchants = merchants.filter(site_id=user.site_id)
    if request.method == "POST":
        merchant = get_object_or_404(merchants, pk=request.POST.get("merchant"))
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
            messages.error(request, _("The order was not placed: %(reason)s") % {"reason": exc.reason})
        else:
            messages.success(request, _("Paid. Your pickup code is %(code)s.") % {"code": order.pickup_code})
            return redirect("canteen:receipt", charge_id=order.charge_id)
    context = {
        "menus": [(m, list(Dish.objects.filter(merchant=m, is_active=True))) for m in merchants],
        "slots": _slots(timezone.now()),
        "orders": TakeawayOrder.objects.filter(user=user).select_related("merchant")[:10],
    }
    return render(request, "canteen/takeaway.html", context)


@login_required
def receipt(request: HttpRequest, charge_id: int) -> HttpResponse:
    charge = get_object_or_404(Charge.objects.select_related("merchant", "user", "period"), pk=charge_id)
    if charge.user_id != request.user.pk and not request.user.has_perm("canteen.view_reports"):
        raise PermissionDenied
    order = TakeawayOrder.objects.filter(charge=charge).first()
    return render(request, "canteen/receipt.html", {"charge": charge, "order": order, "refunds": charge.refunds.all()})
