from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from building.models import Site
from canteen.services.setup import canteen_demo_ensure
from core.cli import print_json


class Command(BaseCommand):
    help = "Create the demo canteen, supermarket and takeaway window of a site (idempotent). Prints JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("site", nargs="?", default="demo")

    def handle(self, *args: Any, **options: Any) -> None:
        site = Site.objects.filter(code=options["site"]).first()
        if site is None:
            raise CommandError(f"no site {options['site']!r}")
        print_json(self, {"site": site.code, **canteen_demo_ensure(site=site)})
