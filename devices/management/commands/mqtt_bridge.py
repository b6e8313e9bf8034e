from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from devices.bridge import Bridge


class Command(BaseCommand):
    help = "Run the MQTT bridge (broker -> devices.dispatch -> services) until SIGINT/SIGTERM."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--workers", type=int, default=None)

    def handle(self, *args: Any, **opts: Any) -> None:
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        signal.signal(signal.SIGINT, lambda *_: stop.set())
        bridge = Bridge(workers=opts["workers"])
        bridge.start()
        self.stderr.write(f"mqtt bridge running with {bridge.workers} workers; Ctrl-C stops")
        stop.wait()
        bridge.stop()
