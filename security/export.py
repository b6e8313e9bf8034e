"""Access log -> xlsx (openpyxl), local times, one row per decision."""

from __future__ import annotations

import io
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from security.models import AccessLog


def access_log_xlsx(logs: Iterable[AccessLog]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Access log"))
    sheet.append([_("Time"), _("Gate"), _("Zone"), _("Method"), _("Direction"), _("Person"), _("Decision"), _("Reason"),
                  _("Face distance"), _("Latency (ms)")])
    for log in logs:
        sheet.append([
            timezone.localtime(log.at).replace(tzinfo=None),
            log.gate.device_id if log.gate else "",
            log.zone.code if log.zone else "",
            log.method,
            log.direction,
            log.person_name,
            log.decision,
            log.reason,
            log.distance,
            log.latency_ms,
        ])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
