"""MQTT ingest benchmark: the bridge's sustained commit rate beside a raw paho subscriber.

    .venv/bin/python bench/mqtt_ingest.py [--devices 50] [--messages 20000] [--qos 1]

N simulated devices (each its own paho client, client id = its MQTT username, its own
credentials) publish M telemetry `heartbeat` envelopes, spread over several publisher
processes so one GIL does not limit the offered load. The same load runs twice in one run:

  A. baseline: a raw paho subscriber (--qos, auto-ack) on so/<site>/+/telemetry counts what
     the broker delivers -> msg/s from the start signal to the M-th message received;
  B. the real devices.bridge.Bridge dispatches and commits the load -> msg/s from the start
     signal until the DeviceMessage count (polled every 100 ms) reaches M.

It prints both, the ratio bridge/baseline and the publish rates; it never asserts a time.
Exit status 1 means a phase did not see all M messages (lost, or stalled past --stall).

Database: DJANGO_SETTINGS_MODULE=config.settings.test, so DATABASE_URL when set (PostgreSQL:
a fresh test_<name> database is created and dropped) else SQLite (a fresh var/ file that is
removed). Dev data is never touched. Broker: MQTT_URL when set (Mosquitto) else the embedded
amqtt broker on a free port, in this process (as in `make run`).

Flow control (--window, default 200): publishers pause while more than `window` messages are
published but not yet received (A) or committed (B). Mosquitto keeps a bounded queue per QoS 1
subscriber (max_queued_messages, default 1000; the bridge's unacknowledged messages count too)
and drops the rest although the publisher already has its PUBACK; Mosquitto 2.0.11 was seen
dropping from ~500 outstanding. So an open loop (--window 0) against a slower consumer
measures Mosquitto's drops, not the bridge. See bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import json
import logging
import multiprocessing as mp
import os
import pstats
import re
import resource
import select
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: make the project importable
from bench.common import free_port, setup_django  # noqa: E402

CST = timezone(timedelta(hours=8))


# --------------------------------------------------------------------------- publisher processes
@dataclass(frozen=True)
class SimCred:
    site: str
    device: str
    username: str
    password: str


@dataclass(frozen=True)
class PublisherSpec:
    index: int
    host: str
    port: int
    devices: list[SimCred]
    counts: list[int]  # messages per device
    id_prefix: str
    qos: int
    msg_type: str
    window: int  # global cap on published-but-not-consumed messages; 0 = open loop
    publishers: int
    client_inflight: int  # per device client


@dataclass
class PublishResult:
    index: int
    published: int = 0
    first_publish: float = 0.0
    last_ack: float = 0.0
    cpu_s: float = 0.0
    error: str = ""


def _publisher(spec: PublisherSpec, sent: Any, consumed: Any, start: Any, stop: Any, ready: Any, results: Any) -> None:
    """One process, one thread, many device clients on paho's external-loop API (select)."""
    result = PublishResult(spec.index)
    try:
        _publish_all(spec, sent, consumed, start, stop, ready, results, result)
    except Exception as exc:  # report instead of dying silently; the parent prints it
        result.error = f"{exc.__class__.__name__}: {exc}"
        with contextlib.suppress(Exception):
            ready.put(spec.index)
        results.put(result)


def _publish_all(
    spec: PublisherSpec, sent: Any, consumed: Any, start: Any, stop: Any, ready: Any, results: Any, result: PublishResult
) -> None:
    n = len(spec.devices)
    inflight = [0] * n
    acked = [0]
    connected: dict[int, object] = {}
    last_ack = [0.0]

    def on_connect(client: mqtt.Client, userdata: int, flags: object, rc: object, props: object) -> None:
        connected[userdata] = rc

    def on_publish(client: mqtt.Client, userdata: int, mid: int, rc: object, props: object) -> None:
        inflight[userdata] -= 1
        acked[0] += 1
        last_ack[0] = time.monotonic()

    clients: list[mqtt.Client] = []
    for i, cred in enumerate(spec.devices):
        c = mqtt.Client(
            mqtt.CallbackAPIVersion.VERSION2,
            client_id=cred.username,
            clean_session=True,
            userdata=i,
            protocol=mqtt.MQTTv311,
        )
        c.username_pw_set(cred.username, cred.password)
        c.max_inflight_messages_set(spec.client_inflight)
        c.on_connect = on_connect
        c.on_publish = on_publish
        c.connect(spec.host, spec.port, keepalive=60)
        clients.append(c)

    by_sock: dict[Any, mqtt.Client] = {c.socket(): c for c in clients}  # connect() opened them all
    socks = list(by_sock)

    def pump(timeout: float) -> None:
        want_w = [s for s, c in by_sock.items() if c.want_write()]
        readable, writable, _ = select.select(socks, want_w, [], timeout)
        for s in readable:
            rc = by_sock[s].loop_read()
            if rc != mqtt.MQTT_ERR_SUCCESS:
                raise RuntimeError(f"{by_sock[s]._client_id!r}: read failed: {mqtt.error_string(rc)}")
        for s in writable:
            by_sock[s].loop_write()

    deadline = time.monotonic() + 30
    while len(connected) < n:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{n - len(connected)} device clients got no CONNACK within 30 s")
        pump(0.05)
    refused = [spec.devices[i].username for i, rc in connected.items() if getattr(rc, "is_failure", False)]
    if refused:
        raise RuntimeError(f"broker refused {len(refused)} devices, e.g. {refused[0]}: {connected}")

    topics = [f"so/{d.site}/{d.device}/telemetry" for d in spec.devices]
    remaining = list(spec.counts)
    seq = [0] * n
    total = sum(spec.counts)
    published = 0
    ready.put(spec.index)
    start.wait()
    cpu0 = time.process_time()
    result.first_publish = time.monotonic()
    last_misc = result.first_publish
    dumps = json.dumps
    while acked[0] < total:
        budget = total
        if spec.window:  # my share of the free window, so that all publishers together stay inside it
            budget = (spec.window - (sum(sent[:]) - consumed.value)) // spec.publishers
        for i in range(n):
            if budget <= 0:
                break
            c = clients[i]
            while remaining[i] and inflight[i] < spec.client_inflight and budget > 0:
                seq[i] += 1
                body = {
                    "id": f"{spec.id_prefix}-{spec.index}-{i}-{seq[i]}",
                    "ts": datetime.now(CST).isoformat(),
                    "type": spec.msg_type,
                    "data": {},
                }
                info = c.publish(topics[i], dumps(body, separators=(",", ":")), qos=spec.qos)
                if info.rc != mqtt.MQTT_ERR_SUCCESS:
                    raise RuntimeError(f"publish failed: {mqtt.error_string(info.rc)}")
                inflight[i] += spec.qos > 0
                remaining[i] -= 1
                published += 1
                budget -= 1
            sent[spec.index] = published
        if spec.qos == 0:
            acked[0] = published  # nothing to wait for
            last_ack[0] = time.monotonic()
        pump(0.002 if budget <= 0 else 0.0005)
        now = time.monotonic()
        if now - last_misc > 1.0:
            for c in clients:
                c.loop_misc()
            last_misc = now
    result.published = published
    result.last_ack = last_ack[0]
    result.cpu_s = time.process_time() - cpu0
    results.put(result)
    # Stay connected until the phase is over, as real devices do: amqtt 0.12.1 drops QoS 1
    # messages it has already PUBACKed but not yet routed when their publisher disconnects.
    with contextlib.suppress(Exception):  # the result is out; nothing left to report
        while not stop.is_set():
            pump(0.05)
            for c in clients:
                c.loop_misc()
        for c in clients:
            c.disconnect()
        pump(0.05)


# --------------------------------------------------------------------------- measurement helpers
def cpu_busy() -> tuple[float, float]:
    """(busy, total) jiffies over all cores, from /proc/stat (0, 0 where unavailable)."""
    try:
        with open("/proc/stat") as fh:
            fields = [float(x) for x in fh.readline().split()[1:]]
    except OSError:
        return 0.0, 0.0
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0.0)
    return sum(fields) - idle, sum(fields)


@dataclass
class Phase:
    name: str
    target: int
    done_count: int = 0
    seconds: float = 0.0
    publish: list[PublishResult] = field(default_factory=list)
    machine_busy: float = 0.0  # fraction of all cores busy during the phase
    self_cpu_s: float = 0.0  # CPU seconds of this process (bridge or raw subscriber, + embedded broker)
    stalled: bool = False
    max_outstanding: int = 0  # published but not yet received/committed, seen by the flow control

    @property
    def rate(self) -> float:
        return self.done_count / self.seconds if self.seconds else 0.0

    @property
    def publish_rate(self) -> float:
        ok = [r for r in self.publish if r.published]
        if not ok:
            return 0.0
        first = min(r.first_publish for r in ok)
        last = max(r.last_ack for r in ok)
        return sum(r.published for r in ok) / (last - first) if last > first else 0.0


def run_phase(
    *,
    name: str,
    specs: list[PublisherSpec],
    target: int,
    consumed_count: Callable[[], int],
    finished_count: Callable[[], int],
    poll_s: float,
    stall_s: float,
) -> Phase:
    """Start the publishers, release them together, wait until finished_count() >= target."""
    ctx = mp.get_context("spawn")  # no forked copies of Django's connections or paho threads
    sent = ctx.RawArray("q", len(specs))
    consumed = ctx.RawValue("q", 0)
    start, stop, ready, results = ctx.Event(), ctx.Event(), ctx.Queue(), ctx.Queue()
    procs = [
        ctx.Process(target=_publisher, args=(s, sent, consumed, start, stop, ready, results), daemon=True) for s in specs
    ]
    for p in procs:
        p.start()
    for _ in procs:
        ready.get(timeout=120)

    stop_feed = threading.Event()

    max_outstanding = [0]

    def feed() -> None:  # flow control: tell the publishers what was consumed
        while not stop_feed.is_set():
            done = consumed_count()
            consumed.value = done
            max_outstanding[0] = max(max_outstanding[0], sum(sent[:]) - done)
            time.sleep(0.005)

    feeder = threading.Thread(target=feed, name="bench-feed", daemon=True)
    feeder.start()
    phase = Phase(name, target)
    busy0, total0 = cpu_busy()
    self0 = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.monotonic()
    start.set()
    last_count, last_progress = 0, t0
    while True:
        time.sleep(poll_s)
        count = finished_count()
        now = time.monotonic()
        if count >= target:
            break
        if count > last_count:
            last_count, last_progress = count, now
        elif now - last_progress > stall_s:
            phase.stalled = True
            break
    phase.seconds = now - t0 if not phase.stalled else last_progress - t0
    phase.done_count = count
    self1 = resource.getrusage(resource.RUSAGE_SELF)
    busy1, total1 = cpu_busy()
    phase.self_cpu_s = (self1.ru_utime + self1.ru_stime) - (self0.ru_utime + self0.ru_stime)
    phase.machine_busy = (busy1 - busy0) / (total1 - total0) if total1 > total0 else 0.0
    stop_feed.set()
    feeder.join()
    phase.max_outstanding = max_outstanding[0]
    for _ in procs:
        with contextlib.suppress(Exception):
            phase.publish.append(results.get(timeout=30 if not phase.stalled else 2))
    stop.set()
    for p in procs:
        p.join(timeout=10)
        if p.is_alive():
            p.terminate()
    for r in phase.publish:
        if r.error:
            print(f"publisher {r.index} failed: {r.error}", file=sys.stderr)
    return phase


# --------------------------------------------------------------------------- bridge instrumentation
@dataclass
class BridgeStats:
    batches: list[tuple[int, float]] = field(default_factory=list)  # (size, seconds in _apply)
    profiles: list[cProfile.Profile] = field(default_factory=list)


def instrument(bridge: Any, stats: BridgeStats, *, profile: bool) -> None:
    """Wrap the bridge's own methods on this instance only (bridge.py is not modified)."""
    apply = bridge._apply

    def timed_apply(batch: list[Any], *args: Any) -> None:
        t = time.perf_counter()
        apply(batch, *args)
        stats.batches.append((len(batch), time.perf_counter() - t))

    bridge._apply = timed_apply
    if profile:
        work = bridge._work

        def profiled_work(*args: Any) -> None:
            prof = cProfile.Profile()
            stats.profiles.append(prof)
            prof.runcall(work, *args)

        bridge._work = profiled_work


def profile_report(stats: BridgeStats, path: str) -> None:
    if not stats.profiles:
        return
    merged = pstats.Stats(stats.profiles[0])
    for prof in stats.profiles[1:]:
        merged.add(prof)
    merged.dump_stats(path)
    out = io.StringIO()
    merged.stream = out  # type: ignore[attr-defined]
    merged.sort_stats("cumulative").print_stats(35)
    merged.sort_stats("tottime").print_stats(25)
    Path(path).with_suffix(".txt").write_text(out.getvalue())
    print(f"cProfile of the bridge workers: {path} (pstats), {Path(path).with_suffix('.txt')} (top functions)")


class LogTally(logging.Filter):
    """Counts the bridge's warnings/errors (e.g. retried batches) instead of printing tracebacks."""

    def __init__(self, *, show: bool) -> None:
        super().__init__()
        self.show = show
        self.kinds: dict[str, int] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:
            return True
        exc = record.exc_info[1] if record.exc_info else None
        text = f"{exc.__class__.__name__}: {(str(exc).splitlines() or [''])[0]}" if exc else record.getMessage()
        kind = re.sub(r"\d+", "N", re.sub(r"<Task .*exception=", "<Task ... exception=", text))[:140]
        self.kinds[kind] = self.kinds.get(kind, 0) + 1
        return self.show

    def summary(self) -> str:
        if not self.kinds:
            return "none"
        top = sorted(self.kinds.items(), key=lambda kv: -kv[1])[:3]
        return f"{sum(self.kinds.values())} ({'; '.join(f'{n}x {k}' for k, n in top)})"


# --------------------------------------------------------------------------- main
def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--devices", type=int, default=50)
    ap.add_argument("--messages", type=int, default=20000, help="per phase")
    ap.add_argument("--qos", type=int, default=1, choices=(0, 1))
    ap.add_argument("--publishers", type=int, default=2, help="publisher processes")
    ap.add_argument("--window", type=int, default=200, help="max published-but-unconsumed messages; 0 = open loop")
    ap.add_argument("--client-inflight", type=int, default=20, help="per-device unacked QoS 1 publishes (paho default 20)")
    ap.add_argument("--workers", type=int, default=None, help="bridge workers (default: MQTT_BRIDGE_WORKERS / vendor default)")
    ap.add_argument("--batch", type=int, default=None, help="bridge batch size (default: MQTT_BRIDGE_BATCH)")
    ap.add_argument("--kind", default="gate", help="device kind to register (any: heartbeat is every kind's)")
    ap.add_argument("--type", dest="msg_type", default="heartbeat", help="telemetry type (heartbeat has a handler)")
    ap.add_argument("--stall", type=float, default=20.0, help="give a phase up after this many seconds without progress")
    ap.add_argument("--only", choices=("baseline", "bridge"), help="run one phase only")
    ap.add_argument("--verbose", action="store_true", help="print the bridge's own warnings and tracebacks")
    ap.add_argument("--profile", metavar="FILE.pstats", help="cProfile the bridge worker threads into this file")
    args = ap.parse_args(argv)
    if args.devices < 1 or args.messages < args.devices or args.publishers < 1:
        ap.error("need devices >= 1, messages >= devices, publishers >= 1")
    args.publishers = min(args.publishers, args.devices)
    return args






def split(devices: list[SimCred], messages: int, publishers: int, **common: Any) -> list[PublisherSpec]:
    per_device = [messages // len(devices) + (1 if i < messages % len(devices) else 0) for i in range(len(devices))]
    specs = []
    for p in range(publishers):
        idx = list(range(p, len(devices), publishers))
        specs.append(
            PublisherSpec(
                index=p,
                devices=[devices[i] for i in idx],
                counts=[per_device[i] for i in idx],
                publishers=publishers,
                **common,
            )
        )
    return specs


def raw_subscriber(host: str, port: int, username: str, password: str, topic: str, qos: int, run: str) -> tuple[mqtt.Client, Any]:
    state: dict[str, Any] = {"count": 0, "broker_version": "", "subscribed": threading.Event()}

    def on_connect(client: mqtt.Client, userdata: object, flags: object, rc: object, props: object) -> None:
        client.subscribe([(topic, qos), ("$SYS/broker/version", 0)])

    def on_subscribe(client: mqtt.Client, userdata: object, mid: int, codes: list[Any], props: object) -> None:
        state["subscribed"].set()

    def on_message(client: mqtt.Client, userdata: object, msg: mqtt.MQTTMessage) -> None:
        if msg.topic.startswith("$SYS/"):
            state["broker_version"] = msg.payload.decode(errors="replace")
            return
        state["count"] += 1

    client = mqtt.Client(
        mqtt.CallbackAPIVersion.VERSION2, client_id=f"{run}-raw", clean_session=True, protocol=mqtt.MQTTv311
    )
    client.username_pw_set(username, password)
    client.on_connect, client.on_subscribe, client.on_message = on_connect, on_subscribe, on_message
    client.connect(host, port, keepalive=30)
    client.loop_start()
    if not state["subscribed"].wait(10):
        raise TimeoutError("raw subscriber: no SUBACK within 10 s")
    return client, state


def clear_session(host: str, port: int, username: str, password: str, client_id: str) -> None:
    """The bridge uses a persistent session; end it so the broker stops queueing for it."""
    done = threading.Event()
    c = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, clean_session=True, protocol=mqtt.MQTTv311)
    c.username_pw_set(username, password)
    c.on_connect = lambda *a: done.set()
    with contextlib.suppress(OSError):
        c.connect(host, port, keepalive=10)
        c.loop_start()
        done.wait(5)
        c.disconnect()
        c.loop_stop()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    setup_django("mqtt-ingest")
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    from building.models import Site
    from devices.bridge import Bridge
    from devices.models import DeviceMessage
    from devices.mqtt_config import mqtt_endpoint
    from devices.services import device_create

    tally = LogTally(show=args.verbose)
    logging.getLogger("devices.bridge").addFilter(tally)
    broker_tally = LogTally(show=args.verbose)  # amqtt logs per message; asyncio reports its crashed tasks
    for name in ("amqtt", "amqtt.broker", "amqtt.mqtt.protocol.handler", "amqtt.mqtt.protocol.broker_handler", "asyncio"):
        logging.getLogger(name).addFilter(broker_tally)
    run = f"bench{uuid.uuid4().hex[:8]}"
    settings.MQTT_CLIENT_ID = run  # the bridge's session id: never an old session's backlog
    t_setup = time.monotonic()
    old_config = setup_databases(verbosity=0, interactive=False, serialized_aliases=set())
    broker = None
    bridge = None
    endpoint = None
    stats = BridgeStats()
    try:
        if settings.MQTT_URL:
            endpoint = mqtt_endpoint()
            broker_label = f"MQTT_URL {endpoint.host}:{endpoint.port}"
        else:
            from devices.broker import embedded_broker

            settings.MQTT_PORT = free_port()
            broker = embedded_broker(host="127.0.0.1", port=settings.MQTT_PORT)
            broker.start()
            endpoint = mqtt_endpoint()
            from importlib.metadata import version

            broker_label = f"embedded amqtt {version('amqtt')} (in this process) 127.0.0.1:{endpoint.port}"

        site = Site.objects.create(code=run, name="bench")
        creds = []
        for i in range(args.devices):
            new = device_create(site=site, kind=args.kind, device_id=f"d{i:05d}")
            creds.append(SimCred(site.code, new.device.device_id, new.device.mqtt_username, new.password))
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SHOW server_version")
                db_label = f"PostgreSQL {cur.fetchone()[0]} ({settings.DATABASES['default']['NAME']})"
        else:
            import sqlite3

            db_label = f"SQLite {sqlite3.sqlite_version} WAL ({Path(str(settings.DATABASES['default']['NAME'])).name})"
        connection.close()  # the main thread only polls from here on
        print(f"setup: {args.devices} devices on site {run}, {db_label}, {broker_label} "
              f"({time.monotonic() - t_setup:.1f}s)", flush=True)

        common = {
            "host": endpoint.host,
            "port": endpoint.port,
            "qos": args.qos,
            "msg_type": args.msg_type,
            "window": args.window,
            "client_inflight": args.client_inflight,
        }
        topic = f"so/{run}/+/telemetry"
        baseline = None
        broker_version = ""
        if args.only != "bridge":
            raw, raw_state = raw_subscriber(
                endpoint.host, endpoint.port, endpoint.username, endpoint.password, topic, args.qos, run
            )
            baseline = run_phase(
                name="A raw paho subscriber",
                specs=split(creds, args.messages, args.publishers, id_prefix="a", **common),
                target=args.messages,
                consumed_count=lambda: int(raw_state["count"]),
                finished_count=lambda: int(raw_state["count"]),
                poll_s=0.01,
                stall_s=args.stall,
            )
            broker_version = raw_state["broker_version"]
            raw.disconnect()
            raw.loop_stop()
            print(f"phase A done: {baseline.done_count} msgs in {baseline.seconds:.2f}s", flush=True)

        bridge_phase = None
        workers, batch_size = 0, 0
        if args.only != "baseline":
            bridge = Bridge(workers=args.workers, batch_size=args.batch)
            instrument(bridge, stats, profile=bool(args.profile))
            bridge.start()
            if not bridge.wait_connected(10):
                raise RuntimeError("bridge did not connect/subscribe within 10 s")
            running = bridge
            bridge_phase = run_phase(
                name="B devices.bridge.Bridge",
                specs=split(creds, args.messages, args.publishers, id_prefix="b", **common),
                target=args.messages,
                consumed_count=lambda: int(running.handled),
                finished_count=lambda: DeviceMessage.objects.count(),
                poll_s=0.1,
                stall_s=args.stall,
            )
            connection.close()
            workers, batch_size = bridge.workers, bridge.batch_size
            bridge.stop()
            bridge = None
    finally:
        if bridge is not None:
            bridge.stop()
        if settings.MQTT_URL and endpoint is not None:
            clear_session(endpoint.host, endpoint.port, endpoint.username, endpoint.password, f"{run}-bridge")
        if broker is not None:
            broker.stop()
        connection.close()
        teardown_databases(old_config, verbosity=0)

    if args.profile:
        profile_report(stats, args.profile)
    report(args, baseline, bridge_phase, stats, db_label=db_label,
           broker_label=f"{broker_label}{' ' + broker_version if broker_version else ''}",
           workers=workers, batch_size=batch_size, bridge_log=tally.summary(),
           broker_log=broker_tally.summary())
    complete = all(p.done_count >= args.messages for p in (baseline, bridge_phase) if p is not None)
    return 0 if complete else 1


def report(
    args: argparse.Namespace,
    baseline: Phase | None,
    bridge: Phase | None,
    stats: BridgeStats,
    *,
    db_label: str,
    broker_label: str,
    workers: int,
    batch_size: int,
    bridge_log: str,
    broker_log: str,
) -> None:
    sizes = [s for s, _ in stats.batches]
    secs = [t for _, t in stats.batches]
    rows: list[tuple[str, str]] = []
    for phase in [p for p in (baseline, bridge) if p is not None]:
        lost = "" if phase.done_count >= phase.target else f"  INCOMPLETE: {phase.done_count}/{phase.target}"
        rows += [
            (f"{phase.name}: msg/s", f"{phase.rate:,.0f}  ({phase.done_count} msgs in {phase.seconds:.2f} s){lost}"),
            ("  offered (publish, acked) msg/s / max outstanding", f"{phase.publish_rate:,.0f} / {phase.max_outstanding}"),
            ("  CPU: machine busy / this process", f"{phase.machine_busy:.0%} of {os.cpu_count()} cores / "
             f"{phase.self_cpu_s / phase.seconds if phase.seconds else 0:.2f} cores"),
        ]
    if baseline is not None and bridge is not None and baseline.rate:
        rows.append(("ratio bridge / baseline", f"{bridge.rate / baseline.rate:.2f}"))
    if sizes:
        median = sorted(sizes)[len(sizes) // 2]
        mean = sum(sizes) / len(sizes)
        rows.append(("bridge batches: n / mean / median / max size", f"{len(sizes)} / {mean:.1f} / {median} / {max(sizes)}"))
        rows.append(("bridge per-message apply+commit (mean)", f"{sum(secs) / sum(sizes) * 1e3:.3f} ms"))
    rows.append(("bridge warnings/errors logged", bridge_log))
    rows.append(("broker (in-process) warnings/errors logged", broker_log))
    rows += [
        ("DB", db_label),
        ("broker", broker_label),
        ("devices / messages per phase / QoS", f"{args.devices} / {args.messages} / {args.qos}"),
        ("telemetry type / device kind", f"{args.msg_type} / {args.kind}"),
        ("bridge workers / batch size", f"{workers} / {batch_size}"),
        ("publisher processes / flow-control window", f"{args.publishers} / {args.window or 'open loop'}"),
        ("load average (1 min) at the end", f"{os.getloadavg()[0]:.2f}"),
    ]
    width = max(len(k) for k, _ in rows)
    print()
    print("mqtt_ingest: " + datetime.now(CST).strftime("%Y-%m-%d %H:%M %z"))
    for k, v in rows:
        print(f"  {k:<{width}}  {v}")


if __name__ == "__main__":
    sys.exit(main())
