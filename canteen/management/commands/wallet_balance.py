from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from canteen.selectors import wallet_balances
from core.cli import print_json
from portal.models import User


class Command(BaseCommand):
    help = "Print a user's cash, subsidy and points balances as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no user {options['username']!r}")
        balances = wallet_balances(user)
        print_json(
            self,
            {
                "user": user.username,
                "cash_fen": balances.cash_fen,
                "subsidy_fen": balances.subsidy_fen,
                "points": balances.points,
            },
        )
