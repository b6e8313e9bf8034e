from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from building.parking.fees import Rates, stay_fee
from building.parking.models import Lot
from core.cli import print_json

DEMO_LOT = "p1"


class Command(BaseCommand):
    help = "Print {\"fee_fen\"} for a stay of N minutes by a car park's tariff (the demo car park's by default)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--minutes", type=int, required=True)
        parser.add_argument("--lot", default=None, help="car park code (default: the demo car park, else the only one)")

    def handle(self, *args: Any, **options: Any) -> None:
        minutes = options["minutes"]
        if minutes < 0:
            raise CommandError("--minutes must be 0 or more")
        code = options["lot"]
        lots = Lot.objects.select_related("tariff")
        lot = lots.filter(code=code).first() if code else (lots.filter(code=DEMO_LOT).first() or lots.first())
        if lot is None:
            if code:
                raise CommandError(f"no car park {code!r}")
            rates = Rates()  # no car park yet: the demo tariff's rates
        else:
            rates = Rates.of(lot.tariff)
        print_json(self, {"fee_fen": stay_fee(minutes * 60, rates)})
