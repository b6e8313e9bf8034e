"""`manage.py workcalendar_seed`: add the official days a newer `chinesecalendar` knows (after an
upgrade of the package); days already in the table, edited or not, are kept."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand

from building.workorders.calendar_seed import calendar_seed, known_years
from building.workorders.models import WorkCalendarDay


class Command(BaseCommand):
    help = "Seed the working calendar from the chinesecalendar package (idempotent)."

    def handle(self, *args: Any, **opts: Any) -> None:
        added = calendar_seed(WorkCalendarDay)
        first, last = known_years()
        self.stdout.write(json.dumps({"added": added, "years": [first, last]}))
