"""Operator pages: sales per merchant and meal period, refunds, pickups, daily reconciliation."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from canteen.models import Charge, MerchantKind
from canteen.reasons import canteen_reason
from canteen.reports import reconciliation_for_user, reconciliation_xlsx, refunds_for_user, sales_for_user
from canteen.selectors import charge_for_cashier, merchant_for_user, merchants_for_user
from canteen.services.charges import RefundError, charge_refund
from canteen.services.shop import SaleError, takeaway_pickup, takeaway_pickup_by_face
from core.money import yuan_to_fen
from portal.models import User

MAX_PHOTO_BYTES = 5 * 1024 * 1024
PAYMENT_SORTS = {"time": "created_at", "merchant": "merchant__name", "amount": "amount_fen", "method": "method"}


def _day(request: HttpRequest) -> date:
    try:
        return date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        return timezone.localdate()


@login_required
@permission_required("canteen.view_reports", raise_exception=True)
def sales(request: HttpRequest) -> HttpResponse:
    day = _day(request)
    sort = request.GET.get("sort", "-time")
    payments = Charge.objects.filter(created_at__date=day, merchant__in=merchants_for_user(request.user)).select_related(
        "merchant", "user", "period"
    )
    field = PAYMENT_SORTS.get(sort.lstrip("-"), "created_at")
    payments = payments.order_by(("-" if sort.startswith("-") else "") + field, "-id")
    context = {
        "day": day,
        "rows": sales_for_user(request.user, day),
        "refunds": refunds_for_user(request.user, day),
        "recent": Paginator(payments, 30).get_page(request.GET.get("page")),
        "takeaway_merchants": merchants_for_user(request.user).filter(kind=MerchantKind.TAKEAWAY),
    }
    return render(request, "canteen/ops_sales.html", context)


@login_required
@permission_required("canteen.refund_charge", raise_exception=True)
@require_POST
def refund(request: HttpRequest, charge_id: int) -> HttpResponse:
    charge = charge_for_cashier(user=request.user, charge_id=charge_id)
    if charge is None:
        raise Http404
    assert isinstance(request.user, User)
    try:
        amount = yuan_to_fen(request.POST.get("amount", ""))
        charge_refund(charge=charge, amount_fen=amount, reason=request.POST.get("reason", ""), actor=request.user)
    except (ValueError, TypeError):
        messages.error(request, _("Enter the amount to refund in yuan."))
    except RefundError as exc:
        messages.error(request, _("Refund refused: %(reason)s") % {"reason": canteen_reason(exc.reason)})
    else:
        messages.success(request, _("Refunded."))
    return redirect("canteen:receipt", charge_id=charge.pk)


@login_required
@permission_required("canteen.operate_pos", raise_exception=True)
@require_POST
def pickup(request: HttpRequest) -> HttpResponse:
    merchant = merchant_for_user(user=request.user, merchant_id=request.POST.get("merchant"), kind=MerchantKind.TAKEAWAY)
    if merchant is None:
        raise Http404
    photo = request.FILES.get("photo")
    try:
        if photo is not None:
            order = takeaway_pickup_by_face(merchant=merchant, image=photo.read(MAX_PHOTO_BYTES + 1)[:MAX_PHOTO_BYTES])
        else:
            order = takeaway_pickup(merchant=merchant, pickup_code=request.POST.get("code", ""))
    except SaleError as exc:
        messages.error(request, _("No order to hand over: %(reason)s") % {"reason": canteen_reason(exc.reason)})
    else:
        messages.success(request, _("Hand over order %(code)s to %(name)s.") % {"code": order.pickup_code, "name": order.user})
    return redirect("canteen:sales")


@login_required
@permission_required("canteen.view_reports", raise_exception=True)
def reconcile(request: HttpRequest) -> HttpResponse:
    report = reconciliation_for_user(request.user, _day(request))
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            reconciliation_xlsx(report), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="reconciliation-{report.day.isoformat()}.xlsx"'
        return response
    return render(request, "canteen/ops_reconcile.html", {"report": report})
