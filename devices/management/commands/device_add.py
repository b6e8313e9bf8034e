from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from building.models import Site, Space
from core.cli import print_json
from core.registry import device_kinds
from devices.services import DeviceError, device_create


class Command(BaseCommand):
    help = "Register a device and print its MQTT credentials (the password is shown only once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--site", required=True)
        parser.add_argument("--kind", required=True, choices=sorted(device_kinds()), help="a kind an installed app registered")
        parser.add_argument("--id", required=True, dest="device_id")
        parser.add_argument("--space", help="space code on the same site")
        parser.add_argument("--name", default="")

    def handle(self, *args: Any, **opts: Any) -> None:
        site = Site.objects.filter(code=opts["site"]).first()
        if site is None:
            raise CommandError(f"no site {opts['site']!r} (run seed_demo, or create it in the admin)")
        space = None
        if opts["space"]:
            space = Space.objects.filter(site=site, code=opts["space"]).first()
            if space is None:
                raise CommandError(f"no space {opts['space']!r} on site {site.code!r}")
        try:
            new = device_create(
                site=site, kind=opts["kind"], device_id=opts["device_id"], space=space, name=opts["name"], actor="cli"
            )
        except DeviceError as exc:
            raise CommandError(str(exc)) from exc
        print_json(
            self,
            {
                "device": new.device.device_id,
                "site": site.code,
                "kind": new.device.kind,
                "username": new.device.mqtt_username,
                "password": new.password,
                "topic_prefix": new.device.topic_prefix,
                # A new integrator's first connection is silently refused without this (docs/devices.md).
                "client_id_rule": f"the MQTT client id must start with the username, e.g. {new.device.mqtt_username!r}",
                "protocol": "MQTT 3.1.1",
            },
        )
