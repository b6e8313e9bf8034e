"""MQTT fuzz run (issue 9, "Done when"): fuzzed messages interleaved with valid ones; lost valid messages must be 0.

    MQTT_URL=mqtt://127.0.0.1:1883 DATABASE_URL=postgres://postgres@127.0.0.1:5432/so_bridge_fuzz \\
        .venv/bin/python bench/mqtt_fuzz.py [--messages 10000] [--window 200] [--seed 9]

Not a test, and it asserts no time. Poison devices publish `--messages` fuzzed payloads
(tests/devices/poison.py: the attack run's classes, their variations, flipped bytes and random
bytes; a tenth on the `status` channel); after each, a valid device publishes a `ping`. The
real devices.bridge.Bridge handles them. It reports how many valid pings did not reach the
database (must be 0), the dead letters by reason, the bridge's health (must be `ok`) and the
rate. Exit status 1 if a valid message was lost or the bridge is not healthy.

Flow control (--window): at most that many messages published but not yet acknowledged by the
bridge (Mosquitto drops beyond its queue per subscriber; see bench/README.md).
Database: as bench/mqtt_ingest.py (a fresh test_<name> database, dropped after).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import paho.mqtt.client as mqtt

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.common import free_port, setup_django  # noqa: E402
from tests.devices.poison import TS, random_poison  # noqa: E402


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=10_000, help="fuzzed messages (each followed by a valid ping)")
    parser.add_argument("--poison-devices", type=int, default=4)
    parser.add_argument("--valid-devices", type=int, default=4)
    parser.add_argument("--window", type=int, default=200)
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--stall", type=float, default=90.0, help="give up after this long without progress")
    return parser.parse_args(argv)


def device_client(host: str, port: int, username: str, password: str) -> mqtt.Client:
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=username, clean_session=True, protocol=mqtt.MQTTv311)
    client.username_pw_set(username, password)
    client.max_inflight_messages_set(100)
    connected = threading.Event()
    client.on_connect = lambda *args: connected.set()
    client.connect(host, port, keepalive=60)
    client.loop_start()
    if not connected.wait(10):
        raise TimeoutError(f"{username}: no CONNACK")
    return client


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    setup_django("mqtt-fuzz")
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    from building.models import Site
    from devices.bridge import Bridge
    from devices.bridge_status import bridge_state
    from devices.models import DeadLetter, DeviceMessage
    from devices.mqtt_config import mqtt_endpoint
    from devices.services import device_create

    run = f"fuzz{uuid.uuid4().hex[:8]}"
    settings.MQTT_CLIENT_ID = run
    old_config = setup_databases(verbosity=0, interactive=False, serialized_aliases=set())
    broker = bridge = None
    clients: list[mqtt.Client] = []
    rng = random.Random(args.seed)
    try:
        if settings.MQTT_URL:
            broker_label = "Mosquitto (MQTT_URL)"
        else:
            from devices.broker import embedded_broker

            settings.MQTT_PORT = free_port()
            broker = embedded_broker(host="127.0.0.1", port=settings.MQTT_PORT)
            broker.start()
            broker_label = "embedded amqtt"
        endpoint = mqtt_endpoint()
        site = Site.objects.create(code=run, name="fuzz")
        poison: list[tuple[mqtt.Client, str]] = []
        valid: list[tuple[mqtt.Client, str]] = []
        for group, count, prefix in ((poison, args.poison_devices, "p"), (valid, args.valid_devices, "v")):
            for i in range(count):
                new = device_create(site=site, kind="gate", device_id=f"{prefix}{i}")
                client = device_client(endpoint.host, endpoint.port, new.device.mqtt_username, new.password)
                clients.append(client)
                group.append((client, f"so/{run}/{new.device.device_id}"))
        db_label = connection.vendor
        connection.close()

        bridge = Bridge()
        bridge.start()
        if not bridge.wait_connected(10):
            raise RuntimeError("the bridge did not connect")
        sent_valid: list[str] = []
        published, last_progress = 0, time.monotonic()
        t0 = time.monotonic()

        def processed() -> int:
            # Ours only: on a shared Mosquitto the bridge also hears other runs' devices.
            return DeviceMessage.objects.filter(device__site=site).count() + DeadLetter.objects.filter(device__site=site).count()

        done = 0

        def wait_below(limit: int) -> None:
            nonlocal done, last_progress
            while published - done > limit:
                time.sleep(0.02)
                now_done = processed()
                if now_done != done:
                    done, last_progress = now_done, time.monotonic()
                elif time.monotonic() - last_progress > args.stall:
                    raise TimeoutError(f"no progress for {args.stall:.0f} s: {done} of {published} processed")

        for n in range(args.messages):
            client, prefix = poison[n % len(poison)]
            channel = "status" if rng.random() < 0.1 else "event"
            client.publish(f"{prefix}/{channel}", random_poison(rng), qos=1)
            client, prefix = valid[n % len(valid)]
            msg_id = uuid.uuid4().hex
            client.publish(f"{prefix}/event", json.dumps({"id": msg_id, "ts": TS, "type": "ping", "data": {}}), qos=1)
            sent_valid.append(msg_id)
            published += 2
            wait_below(args.window)
            if n and n % 2000 == 0:
                print(f"{n} fuzzed + {n} valid published; bridge: {bridge_state()}", flush=True)
        wait_below(0)
        seconds = time.monotonic() - t0
        time.sleep(3)  # one more health report after the last batch
        health = bridge_state()
        stored = set(DeviceMessage.objects.filter(device__site=site, msg_id__in=sent_valid).values_list("msg_id", flat=True))
        lost = len(sent_valid) - len(stored)
        reasons = Counter(DeadLetter.objects.filter(device__site=site).values_list("reason", flat=True))
        valid_letters = DeadLetter.objects.filter(device__device_id__startswith="v", device__site=site).count()
        connection.close()
    finally:
        if bridge is not None:
            bridge.stop(end_session=True)
        for client in clients:
            client.disconnect()
            client.loop_stop()
        if broker is not None:
            broker.stop()
        connection.close()
        teardown_databases(old_config, verbosity=0)

    load = "/".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        json.dumps(
            {
                "broker": broker_label,
                "database": db_label,
                "fuzzed": args.messages,
                "valid": len(sent_valid),
                "lost_valid": lost,
                "dead_letters_of_valid_devices": valid_letters,
                "dead_letters": dict(reasons.most_common()),
                "bridge_health": health,
                "seconds": round(seconds, 1),
                "messages_per_s": round(2 * args.messages / seconds),
                "load_average": load,
            },
            indent=2,
        )
    )
    return 0 if lost == 0 and valid_letters == 0 and health == "ok" else 1


if __name__ == "__main__":
    sys.exit(main())
