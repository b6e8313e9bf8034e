"""The alarm history page (guards and managers): filters, sort, pages, xlsx."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.dateparse import parse_date
from django.views.decorators.http import require_GET

from security.monitoring.history import SOURCES, AlarmFilter, alarm_history, alarm_history_xlsx
from security.monitoring.models import Alarm
from security.monitoring.views import PANEL_PERMISSION, _site


@require_GET
@login_required
@permission_required(PANEL_PERMISSION, raise_exception=True)
def alarm_history_page(request: HttpRequest) -> HttpResponse:
    get = request.GET
    f = AlarmFilter(
        state=get.get("state", ""),
        severity=get.get("severity", ""),
        source=get.get("source", "") if get.get("source", "") in SOURCES else "",
        since=parse_date(get.get("since", "") or "") if _is_date(get.get("since")) else None,
        until=parse_date(get.get("until", "") or "") if _is_date(get.get("until")) else None,
        sort=get.get("sort", "-raised"),
    )
    alarms = alarm_history(site=_site(request), f=f)
    if get.get("format") == "xlsx":
        response = HttpResponse(
            alarm_history_xlsx(alarms), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = 'attachment; filename="alarms.xlsx"'
        return response
    context = {
        "page": Paginator(alarms, 30).get_page(get.get("page")),
        "f": f,
        "states": Alarm.State.choices,
        "severities": Alarm.Severity.choices,
        "sources": sorted(SOURCES.items(), key=lambda kv: str(kv[1])),
    }
    return render(request, "monitoring/alarm_history.html", context)


def _is_date(value: str | None) -> bool:
    try:
        return bool(value) and parse_date(value or "") is not None
    except ValueError:  # "2026-13-45" is well-formed but not a day
        return False
