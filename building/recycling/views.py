"""Pages: the staff page (points, drops, redemptions, the points shop) and the managers' report."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from building.recycling.conf import setting
from building.recycling.export import report_xlsx
from building.recycling.models import Drop
from building.recycling.selectors import Report, drops_of, goods_for_user, held_drops_for, recycling_report, redemptions_of
from building.recycling.services.drops import ReviewError, drop_review
from building.recycling.services.points import RedeemError, points_exchange
from building.recycling.strings import redeem_reason, review_reason
from canteen.selectors import wallet_balances
from portal.models import User

use_portal = permission_required("portal.use_portal", raise_exception=True)
view_report = permission_required("recycling.view_recycling_report", raise_exception=True)
review_drop = permission_required("recycling.review_drop", raise_exception=True)


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@login_required
@use_portal
def home(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    context = {
        "points": wallet_balances(user).points,
        "drops": Paginator(drops_of(user, limit=500), 20).get_page(request.GET.get("page")),
        "redemptions": redemptions_of(user),
        "goods": goods_for_user(user),
        "request_key": uuid.uuid4().hex,  # one per rendered form: a double submit exchanges once
        "points_per_yuan": setting("POINTS_PER_YUAN"),
        "max_share": f"{setting('MAX_SHARE_PERCENT')}%",  # no literal % in a msgid with placeholders
    }
    return render(request, "recycling/home.html", context)


@login_required
@use_portal
@require_POST
def redeem(request: HttpRequest, good_id: int) -> HttpResponse:
    try:
        quantity = int(request.POST.get("quantity", "1"))
    except ValueError:
        quantity = 0
    try:
        done = points_exchange(
            user=_user(request),
            good_id=good_id,
            quantity=quantity,
            request_key=request.POST.get("key", "")[:64] or uuid.uuid4().hex,
        )
    except RedeemError as exc:
        messages.error(request, redeem_reason(exc.reason))
    else:
        messages.success(request, _("Exchanged %(points)d points for %(item)s.") % {"points": done.points, "item": done.good})
    return redirect("recycling:home")


def _month(request: HttpRequest) -> date:
    try:
        year, month = (int(p) for p in request.GET.get("month", "").split("-"))
        return date(year, month, 1)
    except ValueError:
        return timezone.localdate().replace(day=1)


@login_required
@view_report
def report(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    figures = recycling_report(user=user, month=_month(request))
    top = max((c["weight_g"] for c in figures.categories), default=0) or 1
    for c in figures.categories:
        c["bar"] = round(c["weight_g"] * 100 / top)
    held = held_drops_for(user)[:500] if user.has_perm("recycling.review_drop") else Drop.objects.none()
    context = {
        "report": figures,
        "held": Paginator(held, 20).get_page(request.GET.get("page")),
        "chart": _months_chart(figures),
    }
    return render(request, "recycling/report.html", context)


def _months_chart(figures: Report) -> dict[str, Any]:
    """The months table as the stacked-bar spec of portal/static/portal/charts.js (kg)."""
    months = figures.months
    return {
        "categories": [m["month"].strftime("%Y-%m") for m in months],
        "series": [
            {"name": _("Recyclables (kg)"), "data": [round(m["recyclable_g"] / 1000, 1) for m in months], "color": "#2e7d32"},
            {
                "name": _("Other waste (kg)"),
                "data": [round((m["weight_g"] - m["recyclable_g"]) / 1000, 1) for m in months],
                "color": "#9e9e9e",
            },
        ],
    }


@login_required
@view_report
def report_export(request: HttpRequest) -> HttpResponse:
    figures = recycling_report(user=_user(request), month=_month(request))
    response = HttpResponse(
        report_xlsx(figures), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="recycling-{figures.month:%Y-%m}.xlsx"'
    return response


@login_required
@review_drop
@require_POST
def review(request: HttpRequest, drop_id: int) -> HttpResponse:
    approve = request.POST.get("decision") == "approve"
    try:
        drop = drop_review(drop_id=drop_id, actor=_user(request), approve=approve, note=request.POST.get("note", ""))
    except ReviewError as exc:
        messages.error(request, review_reason(exc.reason))
    else:
        if approve:
            messages.success(request, _("Approved: %(points)d points credited.") % {"points": drop.points})
        else:
            messages.success(request, _("Rejected: no points credited."))
    return redirect("recycling:report")
