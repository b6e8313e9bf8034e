"""Drive the demo compound's devices live over MQTT, for a demonstration next to `make run`."""

from __future__ import annotations

import itertools
import random
import time
import uuid
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from building.models import Site
from canteen.services.paycode import paycode_issue
from devices.models import Device
from devices.mqtt_config import mqtt_endpoint
from devices.services import device_secret_renew
from devices.simulator import SimDevice
from portal.models import User
from security.demo import demo_card
from security.monitoring.models import PatrolCheckpoint

KINDS = ("gate", "pos", "fire_detector", "patrol_reader", "space_sensor")


class Command(BaseCommand):
    help = (
        "Connect the demo site's gates, tills, smoke detectors, patrol reader and parking space sensors to the broker "
        "and make them act: card swipes, pay-code payments, a smoke alarm and its restore, patrol scans, cars parking "
        "and leaving, heartbeats. "
        "Their MQTT passwords are renewed (the real devices, if any, would have to be given the new ones)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--site", default="demo")
        parser.add_argument("--seconds", type=float, default=0, help="stop after this long (0: until Ctrl-C)")
        parser.add_argument("--interval", type=float, default=3.0, help="seconds between two actions")
        parser.add_argument("--seed", type=int, default=None, help="random seed, for a repeatable show")

    def handle(self, *args: Any, **opts: Any) -> None:
        site = Site.objects.filter(code=opts["site"]).first()
        if site is None:
            raise CommandError(f"no site {opts['site']!r}: run seed_demo (make run does) first")
        endpoint = mqtt_endpoint()
        rng = random.Random(opts["seed"])
        parking_rng = random.Random(opts["seed"])  # its own stream: the other devices' show stays as it was
        sims: dict[str, list[SimDevice]] = {kind: [] for kind in KINDS}
        for device in Device.objects.filter(site=site, kind__in=KINDS, is_active=True).order_by("device_id"):
            new = device_secret_renew(device=device, actor="simulate")
            sim = SimDevice(
                host=endpoint.host, port=endpoint.port, site=site.code, device=device.device_id,
                username=device.mqtt_username, password=new.password,
            )  # fmt: skip
            if not sim.connect():
                raise CommandError(f"the broker refused {device.device_id}: {sim.connect_rc} (is `make run` serving?)")
            sims[device.kind].append(sim)
        if not sims["gate"]:
            raise CommandError("no demo devices on this site: run seed_demo first")
        self.stderr.write(
            f"simulating {sum(map(len, sims.values()))} devices on mqtt://{endpoint.host}:{endpoint.port} (Ctrl-C stops)"
        )
        people = list(User.objects.filter(site=site, is_active=True, employee_no__isnull=False))
        inside: set[int] = set()
        patrol = itertools.cycle(PatrolCheckpoint.objects.filter(site=site).order_by("route_id", "order"))
        guard = next((u for u in people if u.groups.filter(name="security").exists()), None)
        smoke_until = 0.0
        deadline = time.monotonic() + opts["seconds"] if opts["seconds"] else float("inf")
        try:
            for tick in itertools.count():
                if time.monotonic() > deadline:
                    break
                roll = rng.random()
                if roll < 0.5 and people:  # a card at a gate: in if outside, out if inside
                    person = rng.choice(people)
                    direction = "out" if person.pk in inside else "in"
                    inside.symmetric_difference_update({person.pk})
                    code = demo_card(person.employee_no or "") if rng.random() > 0.05 else f"{0xBAD00000 + tick % 0xFFFFF:08X}"
                    rng.choice(sims["gate"]).send("card", {"code": code, "direction": direction})
                elif roll < 0.75 and sims["pos"] and people:  # lunch paid with a pay code
                    payer = rng.choice(people)
                    data = {"code": paycode_issue(user=payer).code, "amount_fen": rng.choice([1200, 1500, 1800]),
                            "merchant": "canteen", "order_ref": f"sim-{uuid.uuid4().hex[:12]}"}  # fmt: skip
                    rng.choice(sims["pos"]).send("code_pay", data)
                elif roll < 0.9 and sims["patrol_reader"] and guard is not None:
                    checkpoint = next(patrol, None)
                    if checkpoint is not None:
                        sims["patrol_reader"][0].send("checkpoint", {"tag": checkpoint.tag, "guard": guard.employee_no})
                elif sims["fire_detector"] and not smoke_until:  # smoke, restored 20 s later
                    rng.choice(sims["fire_detector"]).send("alarm", {"kind": "smoke"})
                    smoke_until = time.monotonic() + 20
                if smoke_until and time.monotonic() > smoke_until:
                    for detector in sims["fire_detector"]:
                        detector.send("restore", {"kind": "smoke"})
                    smoke_until = 0.0
                if sims["space_sensor"] and parking_rng.random() < 0.3:  # a car parks or leaves
                    parking_rng.choice(sims["space_sensor"]).send(
                        "occupancy", {"occupied": parking_rng.random() < 0.6}, channel="telemetry"
                    )
                if tick % 10 == 0:
                    for sim in itertools.chain.from_iterable(sims.values()):
                        sim.send("heartbeat", channel="telemetry")
                time.sleep(opts["interval"])
        except KeyboardInterrupt:
            pass
        finally:
            for sim in itertools.chain.from_iterable(sims.values()):
                sim.close()
