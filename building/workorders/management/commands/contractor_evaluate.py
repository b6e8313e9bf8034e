"""`manage.py contractor_evaluate --company CODE --month YYYY-MM` -> the month's evaluation as JSON."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from building.workorders.models import Company
from building.workorders.services import WorkOrderError, evaluation_compute
from building.workorders.services.evaluation import evaluation_data


class Command(BaseCommand):
    help = "Compute (draft) or show (approved) a contractor company's monthly evaluation and pay."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--company", required=True)
        parser.add_argument("--month", required=True, help="YYYY-MM")
        parser.add_argument("--site", default=None, help="site code when company codes repeat across sites")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            year, month = (int(x) for x in opts["month"].split("-"))
            first = date(year, month, 1)
        except ValueError as exc:
            raise CommandError("--month must be YYYY-MM") from exc
        companies = Company.objects.filter(code=opts["company"])
        if opts["site"]:
            companies = companies.filter(site__code=opts["site"])
        company = companies.first()
        if company is None:
            raise CommandError(f"no company {opts['company']!r}")
        try:
            row = evaluation_compute(company=company, month=first)
        except WorkOrderError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps(evaluation_data(row), ensure_ascii=False))
