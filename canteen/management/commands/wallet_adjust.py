from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from canteen.ledger import LedgerError
from canteen.services.wallet import wallet_adjust
from core.cli import print_json
from portal.models import User


class Command(BaseCommand):
    help = "Audited operator adjustment of a user's cash wallet (positive credits, negative debits)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("amount_fen", type=int)
        parser.add_argument("--reason", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no user {options['username']!r}")
        try:
            cash = wallet_adjust(user=user, amount_fen=options["amount_fen"], reason=options["reason"], actor="cli")
        except LedgerError as exc:
            raise CommandError(str(exc)) from exc
        print_json(self, {"user": user.username, "cash_fen": cash})
