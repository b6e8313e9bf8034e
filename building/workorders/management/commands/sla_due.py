"""`manage.py sla_due --start ISO-8601 --hours H [--site CODE]` -> {"due": ISO-8601}."""

from __future__ import annotations

import json
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.dateparse import parse_datetime

from building.models import Site
from building.workorders.worktime import CalendarError, business_due


class Command(BaseCommand):
    help = "The due time after H business hours from START on the working calendar."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--start", required=True)
        parser.add_argument("--hours", required=True, type=float)
        parser.add_argument("--site", default=None)
        parser.add_argument("--wall-clock", action="store_true", help="24x7 (the 'urgent' priority)")

    def handle(self, *args: Any, **opts: Any) -> None:
        tz = ZoneInfo(settings.TIME_ZONE)
        try:
            start = parse_datetime(opts["start"])
        except ValueError:
            start = None
        if start is None:
            raise CommandError("--start must be an ISO-8601 date and time")
        if start.tzinfo is None:
            start = start.replace(tzinfo=tz)  # a local time in the site's zone
        site = None
        if opts["site"]:
            site = Site.objects.filter(code=opts["site"]).first()
            if site is None:
                raise CommandError(f"no site {opts['site']!r}")
        try:
            due = business_due(start, opts["hours"], site, wall_clock=opts["wall_clock"])
        except CalendarError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps({"due": due.astimezone(tz).isoformat()}))
