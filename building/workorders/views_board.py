"""The manager/dispatcher side: the board, an order from an alarm, monthly evaluations and pay."""

from __future__ import annotations

import functools
from datetime import date
from decimal import Decimal, InvalidOperation
from io import BytesIO

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.staticfiles import finders
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from openpyxl import Workbook

from building.workorders import services
from building.workorders.models import Breach, Company, Evaluation, WorkOrder
from building.workorders.selectors import orders_for_user, site_of
from building.workorders.views import _user
from security.monitoring.serializers import alarm_data

S = WorkOrder.Status
ECHARTS = "vendor/echarts/echarts.common.min.js"


@functools.cache
def echarts_available() -> bool:
    """The chart library comes with the UI system (portal/static/vendor); without it, the table only."""
    return bool(finders.find(ECHARTS))

OPEN = [S.SUBMITTED, S.ACCEPTED, S.IN_PROGRESS, S.WAITING, S.REOPENED, S.REJECTED, S.DONE]


@require_GET
@login_required
@permission_required("workorders.dispatch_workorder", raise_exception=True)
def board(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    open_orders = orders_for_user(user).filter(status__in=OPEN).select_related("company").order_by("response_due", "pk")
    unrouted = list(open_orders.filter(Q(company__isnull=True) | Q(status=S.REJECTED))[:50])
    breaches = Breach.objects.filter(order__site_id=site_of(user)).select_related("order", "order__company")[:50]
    statuses = [(s.value, s.label) for s in S if s.value in OPEN]
    companies = Company.objects.filter(site_id=site_of(user)).order_by("name")
    f = {"status": request.GET.get("status", ""), "company": request.GET.get("company", "")}
    rows = open_orders
    if f["status"] in {v for v, _label in statuses}:
        rows = rows.filter(status=f["status"])
    if f["company"]:
        rows = rows.filter(company__code=f["company"])
    context = {
        "orders": Paginator(rows, 30).get_page(request.GET.get("page")),
        "breaches": breaches,
        "unrouted": unrouted,
        "statuses": statuses,
        "companies": companies,
        "f": f,
        "now": timezone.now(),
    }
    return render(request, "workorders/board.html", context)


@require_POST
@login_required
@permission_required("monitoring.acknowledge_alarm", raise_exception=True)
def from_alarm(request: HttpRequest, alarm_id: int) -> HttpResponse:
    """The panel's one click (JSON for its fetch; a redirect for a plain form)."""
    wants_json = "application/json" in request.headers.get("Accept", "")
    try:
        order = services.work_order_from_alarm(alarm_id=alarm_id, actor=_user(request))
    except services.WorkOrderError as exc:
        if wants_json:
            return JsonResponse({"error": str(exc)}, status=exc.status)
        if exc.status == 404:
            raise Http404(str(exc)) from exc
        messages.error(request, str(exc))
        return redirect("monitoring:panel")
    if wants_json:
        assert order.alarm is not None
        order.alarm.refresh_from_db()
        url = reverse("workorders:detail", args=[order.pk])
        return JsonResponse({"order": {"id": order.pk, "number": order.number, "url": url}, "alarm": alarm_data(order.alarm)})
    messages.success(request, _("Work order %(number)s opened for the alarm.") % {"number": order.number})
    return redirect("workorders:detail", order.pk)


def _month(text: str) -> date | None:
    try:
        year, month = (int(x) for x in text.split("-"))
        return date(year, month, 1)
    except ValueError:
        return None


@require_http_methods(["GET", "POST"])
@login_required
@permission_required("workorders.evaluate_contractor", raise_exception=True)
def evaluations(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    companies = Company.objects.filter(site_id=site_of(user))
    if request.method == "POST":
        month = _month(request.POST.get("month", ""))
        if month is None:
            messages.error(request, _("Choose a month."))
        else:
            try:
                for company in companies:
                    services.evaluation_compute(company=company, month=month)
            except services.WorkOrderError as exc:
                messages.error(request, str(exc))
        return redirect("workorders:evaluations")
    rows = list(Evaluation.objects.filter(company__in=companies).select_related("company").order_by("month", "company__code"))
    months = sorted({r.month for r in rows})
    chart = [
        {
            "company": c.name,
            "scores": [next((str(r.score) for r in rows if r.company_id == c.pk and r.month == m), "") for m in months],
        }
        for c in companies
    ]
    today = timezone.localdate()
    context = {
        "rows": Paginator(rows[::-1], 24).get_page(request.GET.get("page")),
        "months": months,
        "score_rows": [{"company": line["company"], "cells": list(zip(months, line["scores"], strict=True))} for line in chart],
        "chart": chart,
        "chart_data": {"months": [f"{m:%Y-%m}" for m in months], "lines": chart},
        "echarts": echarts_available(),
        "default_month": f"{today:%Y-%m}",
    }
    return render(request, "workorders/evaluations.html", context)


def _evaluation(request: HttpRequest, evaluation_id: int) -> Evaluation:
    row = (
        Evaluation.objects.select_related("company", "contract")
        .filter(pk=evaluation_id, company__site_id=site_of(_user(request)))
        .first()
    )
    if row is None:
        raise Http404(_("No such evaluation."))
    return row


@require_http_methods(["GET", "POST"])
@login_required
@permission_required("workorders.evaluate_contractor", raise_exception=True)
def evaluation_detail(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    row = _evaluation(request, evaluation_id)
    if request.method == "POST":
        try:
            if request.POST.get("do") == "approve":
                services.evaluation_approve(evaluation_id=row.pk, actor=_user(request))
            else:
                try:
                    score = Decimal(request.POST.get("score", ""))
                    incidents = int(request.POST.get("incidents", "0") or 0)
                except (InvalidOperation, ValueError) as exc:
                    raise services.WorkOrderError(
                        _("Enter a score from 0 to 100 and a number of incidents."), status=400
                    ) from exc
                services.evaluation_adjust(
                    evaluation_id=row.pk,
                    actor=_user(request),
                    score=score,
                    incidents=incidents,
                    reason=request.POST.get("reason", ""),
                )
        except services.WorkOrderError as exc:
            messages.error(request, str(exc))
        return redirect("workorders:evaluation", row.pk)
    return render(request, "workorders/evaluation.html", {"row": row})


@require_GET
@login_required
@permission_required("workorders.evaluate_contractor", raise_exception=True)
def evaluation_xlsx(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    row = _evaluation(request, evaluation_id)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = f"{row.month:%Y-%m}"
    metrics = row.metrics
    lines: list[tuple[str, object]] = [
        (_("Company"), row.company.name),
        (_("Month"), f"{row.month:%Y-%m}"),
        (_("Orders"), metrics.get("orders")),
        (_("Late responses"), metrics.get("late_response")),
        (_("Late completions"), metrics.get("late_completion")),
        (_("Average rating"), metrics.get("average_rating") or "-"),
        (_("Reopened"), metrics.get("reopened")),
        (_("Complaints"), metrics.get("complaints")),
        (_("Computed score"), float(row.computed_score)),
        (_("Score"), float(row.score)),
        (_("Adjustment reason"), row.adjust_reason),
        (_("Serious incidents"), row.incidents),
        (_("Monthly fee (yuan)"), row.fee_fen / 100),
        (_("Reduction (yuan)"), row.reduction_fen / 100),
        (_("Deductions (yuan)"), row.deduction_fen / 100),
        (_("Payable (yuan)"), row.payable_fen / 100),
        (_("Status"), row.get_status_display()),
    ]
    for label, value in lines:
        sheet.append([str(label), value])
    out = BytesIO()
    book.save(out)
    response = HttpResponse(out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="evaluation-{row.company.code}-{row.month:%Y-%m}.xlsx"'
    return response
