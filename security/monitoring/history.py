"""Alarm history: every alarm of the caller's site, filtered, sorted, paginated, exportable."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from io import BytesIO

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from building.models import Site
from security.monitoring.models import Alarm

SOURCES = {
    "fire": gettext_lazy("fire"),
    "intrusion": gettext_lazy("intrusion"),
    "device_offline": gettext_lazy("device offline"),
    "unknown_face": gettext_lazy("unknown face at a gate"),
    "access_denials": gettext_lazy("repeated denials at a gate"),
    "tailgating": gettext_lazy("tailgating"),
    "patrol_late": gettext_lazy("patrol checkpoint late"),
    "patrol_missed": gettext_lazy("patrol checkpoint missed"),
    "patrol_implausible": gettext_lazy("implausible patrol scan"),
}
SORTS = {"raised": "raised_at", "severity": "severity", "state": "state", "source": "source", "resolved": "resolved_at"}


@dataclass(frozen=True)
class AlarmFilter:
    state: str = ""
    severity: str = ""
    source: str = ""
    since: date | None = None
    until: date | None = None  # inclusive day
    sort: str = "-raised"


def source_label(source: str) -> str:
    return str(SOURCES.get(source, _("other")))


def alarm_history(*, site: Site, f: AlarmFilter) -> QuerySet[Alarm]:
    alarms = Alarm.objects.filter(site=site).select_related("device", "acknowledged_by", "resolved_by")
    if f.state == "open":
        alarms = alarms.exclude(state=Alarm.State.RESOLVED)
    elif f.state in Alarm.State.values:
        alarms = alarms.filter(state=f.state)
    if f.severity in Alarm.Severity.values:
        alarms = alarms.filter(severity=f.severity)
    if f.source:
        alarms = alarms.filter(source=f.source)
    zone = timezone.get_current_timezone()
    if f.since:
        alarms = alarms.filter(raised_at__gte=datetime.combine(f.since, time.min, tzinfo=zone))
    if f.until:
        alarms = alarms.filter(raised_at__lt=datetime.combine(f.until + timedelta(days=1), time.min, tzinfo=zone))
    field = SORTS.get(f.sort.lstrip("-"), "raised_at")
    return alarms.order_by(("-" if f.sort.startswith("-") else "") + field, "-id")


def alarm_history_xlsx(alarms: QuerySet[Alarm]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "alarms"
    sheet.append(
        [_("Raised"), _("Severity"), _("Source"), _("Title"), _("State"), _("Acknowledged by"), _("Resolved"), _("Comment")]
    )
    local = timezone.localtime
    for a in alarms[:50_000]:
        sheet.append(
            [
                local(a.raised_at).strftime("%Y-%m-%d %H:%M:%S"),
                a.get_severity_display(),
                source_label(a.source),
                a.title,
                a.get_state_display(),
                str(a.acknowledged_by or ""),
                local(a.resolved_at).strftime("%Y-%m-%d %H:%M:%S") if a.resolved_at else "",
                a.comment,
            ]
        )
    out = BytesIO()
    book.save(out)
    return out.getvalue()
