from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from core.cli import print_json
from devices.services import mqtt_auth_files_write


class Command(BaseCommand):
    help = "Write Mosquitto's password_file and acl_file from the device registry (prints JSON)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dir", default=str(settings.MQTT_ACL_DIR), help="output directory")

    def handle(self, *args: Any, **opts: Any) -> None:
        print_json(self, mqtt_auth_files_write(Path(opts["dir"])))
