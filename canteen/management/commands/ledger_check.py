from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from canteen.ledger import ledger_check
from core.cli import print_json


class Command(BaseCommand):
    help = "Check the ledger invariants; prints JSON, exits non-zero if any is broken."

    def handle(self, *args: Any, **options: Any) -> None:
        report = ledger_check()
        print_json(self, report)
        if not report["ok"]:
            raise CommandError("ledger invariants broken (see the JSON report)")
