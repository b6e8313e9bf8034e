"""manage.py access_credential_issue USERNAME (--card CODE | --qr) [--valid-until 2027-12-31]

Prints {"user", "kind", "id", "hint"} (and "code" for a new QR code, shown only here)."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from core.cli import print_json
from portal.models import User
from security.services.credentials import credential_issue


class Command(BaseCommand):
    help = "Issue a card or a QR code to a person (the non-face way through the gates)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        kind = parser.add_mutually_exclusive_group(required=True)
        kind.add_argument("--card", metavar="CODE", help="the card's UID as the reader sends it")
        kind.add_argument("--qr", action="store_true", help="generate a QR code")
        parser.add_argument("--valid-until", metavar="YYYY-MM-DD")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no user {options['username']!r}")
        until = None
        if options["valid_until"]:
            try:
                day = datetime.strptime(options["valid_until"], "%Y-%m-%d").date()
            except ValueError as exc:
                raise CommandError("--valid-until must be YYYY-MM-DD") from exc
            until = timezone.make_aware(datetime.combine(day, time.max))
        kind = "qr" if options["qr"] else "card"
        try:
            issued = credential_issue(user=user, kind=kind, code=options["card"], valid_until=until, actor="cli")
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        out: dict[str, Any] = {"user": user.username, "kind": kind, "id": issued.credential.pk, "hint": issued.credential.hint}
        if kind == "qr":
            out["code"] = issued.code
        print_json(self, out)
