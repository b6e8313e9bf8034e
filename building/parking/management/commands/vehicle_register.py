from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from building.parking.messages import message_for
from building.parking.services import VehicleError, vehicle_register
from core.cli import print_json
from portal.models import User


class Command(BaseCommand):
    help = 'Register a staff vehicle: prints {"user", "plate"} with the normalised plate; an invalid plate exits non-zero.'

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("plate")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no user {options['username']!r}")
        try:
            vehicle = vehicle_register(user=user, plate=options["plate"])
        except VehicleError as exc:
            code = exc.detail if exc.reason == "invalid" and exc.detail else exc.reason
            raise CommandError(f"{code}: {message_for(code)}") from exc
        print_json(self, {"user": user.username, "plate": vehicle.plate})
