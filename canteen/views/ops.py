"""Operator pages: sales per merchant and meal period, refunds, pickups, daily reconciliation."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from canteen.models import Charge, Merchant, MerchantKind
from canteen.reports import reconciliation, reconciliation_xlsx, refunds_on, sales_by_merchant_period
from canteen.services.charges import RefundError, charge_refund
from canteen.services.shop import SaleError, takeaway_pickup, takeaway_pickup_by_face
from core.money import yuan_to_fen
from portal.models import User

MAX_PHOTO_BYTES = 5 * 1024 * 1024


def _day(request: HttpRequest) -> date:
    try:
        return date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        return timezone.localdate()


@login_required
@permission_required("canteen.view_reports", raise_exception=True)
def sales(request: HttpRequest) -> HttpResponse:
    day = _day(request)
    context = {
        "day": day,
        "rows": sales_by_merchant_period(day),
        "refunds": refunds_on(day),
        "recent": Charge.objects.filter(created_at__date=day).select_related("merchant", "user", "period")[:50],
        "takeaway_merchants": Merchant.objects.filter(kind=MerchantKind.TAKEAWAY, is_active=True),
    }
    return render(request, "canteen/ops_sales.html", context)


@login_required
@permission_required("canteen.refund_charge", raise_exception=True)
@require_POST
def refund(request: HttpRequest, charge_id: int) -> HttpResponse:
    charge = get_object_or_404(Charge, pk=charge_id)
    assert isinstance(request.user, User)
    try:
        amount = yuan_to_fen(request.POST.get("amount", ""))
        charge_refund(charge=charge, amount_fen=amount, reason=request.POST.get("reason", ""), actor=request.user)
    except (ValueError, TypeError):
        messages.error(request, _("Enter the amount to refund in yuan."))
    except RefundError as exc:
        messages.error(request, _("Refund refused: %(reason)s") % {"reason": exc.reason})
    else:
        messages.success(request, _("Refunded."))
    return redirect("canteen:receipt", charge_id=charge.pk)


@login_required
@permission_required("canteen.operate_pos", raise_exception=True)
@require_POST
def pickup(request: HttpRequest) -> HttpResponse:
    merchant = get_object_or_404(Merchant, pk=request.POST.get("merchant"), kind=MerchantKind.TAKEAWAY)
    photo = request.FILES.get("photo")
    try:
        if photo is not None:
            order = takeaway_pickup_by_face(merchant=merchant, image=photo.read(MAX_PHOTO_BYTES + 1)[:MAX_PHOTO_BYTES])
        else:
            order = takeaway_pickup(merchant=merchant, pickup_code=request.POST.get("code", ""))
    except SaleError as exc:
        messages.error(request, _("No order to hand over: %(reason)s") % {"reason": exc.reason})
    else:
        messages.success(request, _("Hand over order %(code)s to %(name)s.") % {"code": order.pickup_code, "name": order.user})
    return redirect("canteen:sales")


@login_required
@permission_required("canteen.view_reports", raise_exception=True)
def reconcile(request: HttpRequest) -> HttpResponse:
    report = reconciliation(_day(request))
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            reconciliation_xlsx(report), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="reconciliation-{report.day.isoformat()}.xlsx"'
        return response
    return render(request, "canteen/ops_reconcile.html", {"report": report})
