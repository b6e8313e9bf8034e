from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from core.cli import print_json
from devices.dead_letters import dead_letter_replay


def _since(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--since: not an ISO-8601 time: {value!r}") from exc
    # A time without an offset is Asia/Shanghai (TIME_ZONE), as every time the platform shows.
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


class Command(BaseCommand):
    help = (
        "Dispatch dead letters (inbound MQTT messages that were refused or failed) again through the bridge's "
        "path, after a fix; marks them replayed and prints JSON counts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group()
        which.add_argument("--id", type=int, dest="letter_id", help="only this dead letter")
        which.add_argument("--since", help="only those received at or after this ISO-8601 time (e.g. 2026-11-26T09:00+08:00)")
        parser.add_argument("--dry-run", action="store_true", help="count what would be replayed; dispatch nothing")

    def handle(self, *args: Any, **opts: Any) -> None:
        since = _since(opts["since"]) if opts["since"] else None
        print_json(self, dead_letter_replay(letter_id=opts["letter_id"], since=since, dry_run=opts["dry_run"]))
