"""Canteen rush: a POS paying at a steady rate over MQTT, event-to-`payment` latency.

    .venv/bin/python bench/canteen_rush.py [--rate 10] [--seconds 30] [--method face|code] [--payers 50]

A simulated POS (a real paho client with its own credentials) publishes `face_pay` (real
photos of four enrolled people in turn, recognised by face_recognition every time) or `code_pay`
(a fresh signed pay code of a random payer) events at --rate per second for --seconds,
through the broker (MQTT_URL, else the embedded amqtt in this process) and the real bridge,
and times each event until its `payment` cmd arrives. Baseline in the same run: `ping`
events at the same rate (the device path with no payment: pong latency). Prints p50/p95/max
of both, the ratio, paid/declined counts and the achieved rate. Never asserts a time.

Database: DJANGO_SETTINGS_MODULE=config.settings.test (a fresh test database from
DATABASE_URL, or a fresh SQLite file), created and dropped.
"""

from __future__ import annotations

import argparse
import base64
import random
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: make the project importable
from bench.common import free_port, setup_django  # noqa: E402

FACES = ROOT / "tests" / "data" / "faces"
# (enrolment photo, what the POS camera sends) for the four real people in tests/data/faces
PEOPLE = [
    ("person_a_obama_1.jpg", "gate_frame_person_a_obama_640x480.jpg"),
    ("person_b_joe_biden.jpg", "person_b_joe_biden.jpg"),
    ("person_c_grace_hopper.jpg", "person_c_grace_hopper.jpg"),
    ("person_d_eileen_collins.jpg", "person_d_eileen_collins.jpg"),
]






def drive(pos: Any, *, rate: float, seconds: float, make: Any) -> tuple[list[float], dict[str, int], float]:
    """Send make(i) -> (type, data) at `rate`/s; wait for every answer; return latencies (s)."""
    sent: dict[str, float] = {}
    latencies: list[float] = []
    outcomes: dict[str, int] = {}
    done = threading.Event()
    total = int(rate * seconds)
    lock = threading.Lock()
    original = pos.client.on_message

    def on_message(client: Any, userdata: Any, msg: Any) -> None:
        import json

        body = json.loads(msg.payload)
        with lock:
            t0 = sent.pop(body.get("re"), None)
            if t0 is None:
                return
            latencies.append(time.perf_counter() - t0)
            key = body["type"] if body["type"] != "payment" else f"payment:{body['data']['status']}:{body['data']['reason']}"
            outcomes[key] = outcomes.get(key, 0) + 1
            if len(latencies) == total:
                done.set()

    pos.client.on_message = on_message
    start = time.perf_counter()
    for i in range(total):
        target = start + i / rate
        delay = target - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        msg_type, data = make(i)
        msg_id = uuid.uuid4().hex
        with lock:
            sent[msg_id] = time.perf_counter()
        pos.send(msg_type, data, msg_id=msg_id)
    done.wait(timeout=60)
    elapsed = time.perf_counter() - start
    pos.client.on_message = original
    if len(latencies) < total:
        outcomes["unanswered"] = total - len(latencies)
    return latencies, outcomes, len(latencies) / elapsed


def show(name: str, lat: list[float], outcomes: dict[str, int], achieved: float) -> tuple[float, float]:
    lat = sorted(lat)
    p50 = statistics.median(lat) * 1000
    p95 = lat[max(0, int(len(lat) * 0.95) - 1)] * 1000
    top = lat[-1] * 1000
    print(f"{name:<22} n={len(lat):<5} {achieved:5.1f}/s answered   p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   max {top:7.1f} ms")
    print(f"{'':<22} outcomes: {outcomes}")
    return p50, p95


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rate", type=float, default=10.0)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--method", choices=["face", "code"], default="face")
    ap.add_argument("--payers", type=int, default=50)
    args = ap.parse_args(argv)
    setup_django("rush")
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    from building.models import Site
    from canteen.models import Merchant, MerchantKind
    from canteen.services.paycode import paycode_issue
    from canteen.services.wallet import wallet_adjust
    from devices.bridge import Bridge
    from devices.mqtt_config import mqtt_endpoint
    from devices.services import device_create
    from devices.simulator import SimDevice
    from portal.models import User

    old = setup_databases(verbosity=0, interactive=False, serialized_aliases=set())
    broker = bridge = None
    try:
        if not settings.MQTT_URL:
            from devices.broker import embedded_broker

            settings.MQTT_PORT = free_port()
            broker = embedded_broker(host="127.0.0.1", port=settings.MQTT_PORT)
            broker.start()
        endpoint = mqtt_endpoint()
        run = f"rush{uuid.uuid4().hex[:6]}"
        settings.MQTT_CLIENT_ID = run
        site = Site.objects.create(code=run, name="bench")
        Merchant.objects.create(site=site, code="canteen", name="一食堂", kind=MerchantKind.CANTEEN)
        payers = [User.objects.create(username=f"{run}-{i}", site=site) for i in range(args.payers)]
        for user in payers:
            wallet_adjust(user=user, amount_fen=1_000_000, reason="bench funding", actor="bench")
        if args.method == "face":
            from security.services.faces import face_consent_give, face_enrol

            for user, (enrol, _) in zip(payers, PEOPLE, strict=False):
                face_consent_give(user=user)
                face_enrol(user=user, image=(FACES / enrol).read_bytes(), actor="bench")
        new = device_create(site=site, kind="pos", device_id="pos-1")
        connection.close()
        bridge = Bridge()
        bridge.start()
        assert bridge.wait_connected(10), "bridge did not connect"
        pos = SimDevice(
            host=endpoint.host,
            port=endpoint.port,
            site=site.code,
            device="pos-1",
            username=new.device.mqtt_username,
            password=new.password,
        )
        assert pos.connect(), pos.connect_rc
        print(
            f"database: {connection.vendor} · broker: {settings.MQTT_URL or 'embedded amqtt'} · "
            f"{args.rate}/s for {args.seconds:.0f} s · method {args.method}"
        )
        pos.request("ping", timeout=10)  # warm the path
        images = [base64.b64encode((FACES / probe).read_bytes()).decode() for _, probe in PEOPLE]
        rng = random.Random(1)

        def payment(i: int) -> tuple[str, dict[str, Any]]:
            data: dict[str, Any] = {"amount_fen": rng.randint(500, 2500), "merchant": "canteen", "order_ref": f"{run}-{i}"}
            if args.method == "face":
                return "face_pay", {**data, "image": images[i % len(images)]}
            return "code_pay", {**data, "code": paycode_issue(user=rng.choice(payers)).code}

        if args.method == "face":  # the first recognition loads the models into the pool workers
            pos.request(
                "face_pay", {"amount_fen": 1, "merchant": "canteen", "order_ref": f"{run}-warm", "image": images[0]}, timeout=60
            )
        base = drive(pos, rate=args.rate, seconds=args.seconds, make=lambda i: ("ping", {}))
        pay = drive(pos, rate=args.rate, seconds=args.seconds, make=payment)
        _, base95 = show("baseline: ping/pong", *base)
        _, pay95 = show(f"{args.method}_pay/payment", *pay)
        print(f"ratio p95 payment/ping: {pay95 / base95:.1f}x")
        pos.close()
        return 0 if "unanswered" not in pay[1] else 1
    finally:
        if bridge is not None:
            bridge.stop()
        if broker is not None:
            broker.stop()
        connection.close()
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    sys.exit(main())
