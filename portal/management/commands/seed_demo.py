from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone

from core.cli import print_json
from core.registry import DemoContext, demo_contributions
from core.roles import roles_sync


class Command(BaseCommand):
    help = "Create or refresh the demo compound: every installed app's demo data, in INSTALLED_APPS order (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--password", default="demo", help="password for every demo user")

    def handle(self, *args: Any, **opts: Any) -> None:
        with transaction.atomic():
            roles_sync()
            ctx = DemoContext(password=opts["password"], now=timezone.now())
            for _label, contribute in demo_contributions():
                ctx.out.update(contribute(ctx) or {})
        print_json(self, {"site": ctx.site.code, "users": list(ctx.users), **ctx.out})
