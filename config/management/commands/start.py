"""`make run` in one process: migrate, seed the demo, serve (three interpreters paid the imports three times)."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "migrate --noinput, seed_demo, then serve: what `make run` does, in one process for a faster start."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-seed", action="store_true", help="skip seed_demo (a real deployment's data)")

    def handle(self, *args: Any, **opts: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        if not opts["no_seed"]:
            call_command("seed_demo", stdout=self.stdout)
        call_command("serve")
