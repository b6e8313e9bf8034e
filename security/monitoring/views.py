"""HTTP views of the panel: initial state, alarm actions (one service each), snapshots, patrol scan and report."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from io import BytesIO
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from building.models import Site
from security.monitoring import selectors, services
from security.monitoring.panels import sections
from security.monitoring.permissions import PANEL_PERMISSION
from security.monitoring.serializers import alarm_data
from security.monitoring.strings import PANEL_STRINGS


def _site(request: HttpRequest) -> Site:
    site = getattr(request.user, "site", None)
    if site is None:
        raise Http404(_("Your account is not attached to a site."))
    assert isinstance(site, Site)
    return site


@require_GET
@login_required
@permission_required(PANEL_PERMISSION, raise_exception=True)
def panel(request: HttpRequest) -> HttpResponse:
    site = _site(request)
    state = selectors.panel_state(site=site, at=timezone.now())
    context = {"state": state, "sections": sections(), "site": site, "strings": PANEL_STRINGS}
    return render(request, "monitoring/panel.html", context)


@require_GET
@login_required
@permission_required(PANEL_PERMISSION, raise_exception=True)
def panel_state(request: HttpRequest) -> JsonResponse:
    return JsonResponse(selectors.panel_state(site=_site(request), at=timezone.now()))


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _alarm_action(request: HttpRequest, alarm_id: int, action: str) -> HttpResponseBase:
    alarm = selectors.alarm_for_user(user=request.user, alarm_id=alarm_id)
    if alarm is None:
        raise Http404(_("No such alarm."))
    comment = request.POST.get("comment", "")
    try:
        if action == "acknowledge":
            alarm = services.alarm_acknowledge(alarm_id=alarm.pk, actor=request.user, comment=comment)  # type: ignore[arg-type]
        elif action == "dispatch":
            alarm = services.alarm_dispatch(
                alarm_id=alarm.pk,
                actor=request.user,  # type: ignore[arg-type]
                dispatched_to=request.POST.get("dispatched_to", ""),
                work_order_ref=request.POST.get("work_order_ref", ""),
                comment=comment,
            )
        else:
            alarm = services.alarm_resolve(alarm_id=alarm.pk, actor=request.user, comment=comment)  # type: ignore[arg-type]
    except services.AlarmError as exc:
        if _wants_json(request):
            return JsonResponse({"error": str(exc)}, status=400)
        messages.error(request, str(exc))
        return redirect("monitoring:panel")
    if _wants_json(request):
        return JsonResponse({"alarm": alarm_data(alarm)})
    return redirect("monitoring:panel")


@require_POST
@login_required
@permission_required("monitoring.acknowledge_alarm", raise_exception=True)
def alarm_acknowledge(request: HttpRequest, alarm_id: int) -> HttpResponseBase:
    return _alarm_action(request, alarm_id, "acknowledge")


@require_POST
@login_required
@permission_required("monitoring.acknowledge_alarm", raise_exception=True)
def alarm_dispatch(request: HttpRequest, alarm_id: int) -> HttpResponseBase:
    return _alarm_action(request, alarm_id, "dispatch")


@require_POST
@login_required
@permission_required("monitoring.resolve_alarm", raise_exception=True)
def alarm_resolve(request: HttpRequest, alarm_id: int) -> HttpResponseBase:
    return _alarm_action(request, alarm_id, "resolve")


@require_GET
@login_required
@permission_required(PANEL_PERMISSION, raise_exception=True)
def snapshot(request: HttpRequest, snapshot_id: int) -> HttpResponse:
    found = selectors.snapshot_for_user(user=request.user, snapshot_id=snapshot_id)
    if found is None:
        raise Http404(_("No such snapshot."))
    with found.image.open("rb") as image:  # a few tens of KB: no streaming (it would block under ASGI)
        response = HttpResponse(image.read(), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_http_methods(["GET", "POST"])
@login_required
@permission_required("monitoring.scan_patrol", raise_exception=True)
def patrol_scan(request: HttpRequest) -> HttpResponse:
    """A checkpoint's printed QR code opens this page with ?tag=...; the guard confirms the scan."""
    site = _site(request)
    tag = (request.POST.get("tag") or request.GET.get("tag") or "").strip()
    result: dict[str, Any] | None = None
    status = 200
    if request.method == "POST":
        if not tag:
            result, status = {"error": _("Scan or type the checkpoint tag.")}, 400
        else:
            try:
                visit = services.patrol_checkpoint_scan(site=site, tag=tag, guard=request.user, at=timezone.now(), via="qr")  # type: ignore[arg-type]
                result = {"visit": visit}
                tag = ""
            except services.PatrolError as exc:
                result, status = {"error": str(exc)}, 400
    return render(request, "monitoring/patrol_scan.html", {"tag": tag, "result": result}, status=status)


def _report_period(request: HttpRequest) -> tuple[datetime, datetime]:
    today = timezone.localdate()
    start_day = parse_date(request.GET.get("from", "") or "") or today - timedelta(days=7)
    end_day = parse_date(request.GET.get("to", "") or "") or today
    tz = timezone.get_current_timezone()
    return datetime.combine(start_day, time.min, tzinfo=tz), datetime.combine(end_day + timedelta(days=1), time.min, tzinfo=tz)


REPORT_COLUMNS = ("name", "rounds", "visits", "ok", "late", "missed", "flagged", "on_time_pct")


@require_GET
@login_required
@permission_required("monitoring.view_patrol_report", raise_exception=True)
def patrol_report(request: HttpRequest) -> HttpResponse:
    site = _site(request)
    by = "route" if request.GET.get("by") == "route" else "guard"
    start, end = _report_period(request)
    rows = selectors.patrol_report(site=site, start=start, end=end, by=by)
    if request.GET.get("format") == "xlsx":
        return _xlsx(rows, by=by, start=start, end=end)
    context = {"rows": rows, "by": by, "start": start.date(), "end": (end - timedelta(days=1)).date()}
    return render(request, "monitoring/patrol_report.html", context)


def _xlsx(rows: list[dict[str, Any]], *, by: str, start: datetime, end: datetime) -> HttpResponse:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _("Patrol report")[:31]
    headers = {
        "name": _("Guard") if by == "guard" else _("Route"),
        "rounds": _("Rounds"),
        "visits": _("Checkpoints"),
        "ok": _("On time"),
        "late": _("Late"),
        "missed": _("Missed"),
        "flagged": _("Flagged"),
        "on_time_pct": _("On time %"),
    }
    sheet.append([str(headers[c]) for c in REPORT_COLUMNS])
    for row in rows:
        sheet.append([row[c] for c in REPORT_COLUMNS])
    buffer = BytesIO()
    workbook.save(buffer)
    name = f"patrol-{by}-{start:%Y%m%d}-{(end - timedelta(days=1)):%Y%m%d}.xlsx"
    response = HttpResponse(buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
