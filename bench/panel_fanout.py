"""Panel fan-out benchmark: alarms to 500 live panels through the Redis channel layer.

    REDIS_URL=redis://127.0.0.1:6379/0 .venv/bin/python bench/panel_fanout.py \
        [--clients 500] [--rate 10] [--seconds 10] [--burst 300]

One run, three parts, all on the same machine and the same Redis:

  A. baseline: a raw Redis pub/sub round trip (redis-py asyncio, one publisher, one
     subscriber) at the same steady rate -> latency p50/p95.
  B. the real path: `config.asgi:application` under uvicorn (a subprocess, as in
     production), N WebSocket clients logged in as a guard on /ws/panel/ (the real
     PanelConsumer: session auth, role check, site group). Events are published exactly as
     core.realtime does after commit (channel-layer group_send of a "realtime.event") at a
     steady rate; every client timestamps what it receives -> delivery latency p50/p95 and
     drops (expected - received over all clients).
  C. a burst of --burst alarms published back to back (a flapping detector, a power cut
     taking 300 devices offline), once with channels-redis's default capacity 100 and once
     with the project's CHANNEL_LAYER_CAPACITY (1000): the default drops silently.

B runs at both capacities too. It prints the figures and the ratio to the raw round trip; it
never asserts a time. Exit status 1 if the configured capacity dropped anything.

Database: a throwaway SQLite file (sessions and the guard only). Redis keys use a random
CHANNEL_LAYER_PREFIX, so other runs on the same Redis are not disturbed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: make the project importable
from bench.common import free_port  # noqa: E402

SITE = "bench"
DEFAULT_CAPACITY = 100  # channels-redis's own default
sys.path.insert(0, str(ROOT))




def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# --------------------------------------------------------------------------- setup
def prepare(db_path: Path) -> str:
    """Migrate a fresh SQLite file, create the site and a guard; return a session key."""
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command

    from building.models import Site
    from core.roles import SECURITY, roles_sync
    from portal.services import user_ensure

    call_command("migrate", verbosity=0, interactive=False)
    roles_sync()
    site, _ = Site.objects.get_or_create(code=SITE, defaults={"name": "压测大院"})
    guard = user_ensure(username="bench_guard", password=uuid.uuid4().hex, site=site, roles=[SECURITY])
    session = SessionStore()
    session[SESSION_KEY] = str(guard.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = guard.get_session_auth_hash()
    session.save()
    return str(session.session_key)


def start_server(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "uvicorn", "config.asgi:application", "--host", "127.0.0.1", "--port", str(port)]
    cmd += ["--log-level", "warning", "--no-access-log", "--lifespan", "off", "--timeout-graceful-shutdown", "1"]
    proc = subprocess.Popen(
        cmd,
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return proc
        if proc.poll() is not None:
            raise SystemExit("the server exited at start")
        time.sleep(0.1)
    proc.kill()
    raise SystemExit("the server did not start within 30 s")


# --------------------------------------------------------------------------- clients
@dataclass
class Client:
    latencies: dict[str, list[float]] = field(default_factory=dict)  # phase -> ms
    received: dict[str, int] = field(default_factory=dict)


async def run_client(
    url: str, cookie: str, origin: str, client: Client, ready: asyncio.Event, gate: asyncio.Semaphore, deflate: bool
) -> None:
    import json

    from websockets.asyncio.client import connect

    async with gate:
        ws = await connect(
            url,
            origin=origin,  # type: ignore[arg-type]
            additional_headers={"Cookie": cookie},
            proxy=None,
            open_timeout=30,
            compression="deflate" if deflate else None,  # browsers offer permessage-deflate
        )
    ready.set()
    try:
        async for message in ws:
            now = time.time()
            event = json.loads(message)
            bench = event.get("alarm", {}).get("bench")
            if not bench:
                continue
            phase = bench["phase"]
            client.received[phase] = client.received.get(phase, 0) + 1
            client.latencies.setdefault(phase, []).append((now - bench["sent"]) * 1000)
    except Exception:  # noqa: S110  (closed by the benchmark at the end)
        pass
    finally:
        await ws.close()


# --------------------------------------------------------------------------- publishing
def layer_for(redis_url: str, prefix: str, capacity: int) -> Any:
    from channels_redis.core import RedisChannelLayer

    return RedisChannelLayer(hosts=[redis_url], capacity=capacity, expiry=60, prefix=prefix)


def alarm_message(phase: str, n: int) -> dict[str, Any]:
    # What core.realtime.publish_on_commit sends for services.alarm_raise, plus a timestamp.
    alarm = {"id": n, "source": "fire", "severity": "critical", "state": "new", "title": f"压测 {n}", "occurrences": 1}
    alarm["bench"] = {"phase": phase, "sent": time.time()}
    return {"type": "realtime.event", "event": {"type": "alarm.raised", "alarm": alarm}}


async def publish_steady(layer: Any, group: str, phase: str, rate: float, seconds: float) -> int:
    count = int(rate * seconds)
    start = time.monotonic()
    for n in range(count):
        await asyncio.sleep(max(0.0, start + n / rate - time.monotonic()))
        await layer.group_send(group, alarm_message(phase, n))
    return count


async def publish_burst(layer: Any, group: str, phase: str, count: int) -> int:
    for n in range(count):
        await layer.group_send(group, alarm_message(phase, n))
    return count


async def raw_pubsub(redis_url: str, rate: float, seconds: float) -> list[float]:
    """The floor: one Redis PUBLISH -> SUBSCRIBE round trip, same rate, same machine."""
    import redis.asyncio as redis

    channel = f"bench-raw-{uuid.uuid4().hex[:8]}"
    sub_conn, pub_conn = redis.from_url(redis_url), redis.from_url(redis_url)
    pubsub = sub_conn.pubsub()
    await pubsub.subscribe(channel)
    await pubsub.get_message(timeout=1)  # the subscribe confirmation
    latencies: list[float] = []
    count = int(rate * seconds)

    async def read() -> None:
        while len(latencies) < count:
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1)
            if message:
                latencies.append((time.time() - float(message["data"])) * 1000)

    reader = asyncio.create_task(read())
    start = time.monotonic()
    for n in range(count):
        await asyncio.sleep(max(0.0, start + n / rate - time.monotonic()))
        await pub_conn.publish(channel, repr(time.time()))
    await asyncio.wait_for(reader, timeout=10)
    await pubsub.unsubscribe(channel)
    await sub_conn.aclose()
    await pub_conn.aclose()
    return latencies


# --------------------------------------------------------------------------- one capacity
async def run_capacity(args: argparse.Namespace, env: dict[str, str], session: str, capacity: int) -> dict[str, Any]:
    port = free_port()
    prefix = f"bench{uuid.uuid4().hex[:8]}"
    server_env = {**env, "CHANNEL_LAYER_CAPACITY": str(capacity), "CHANNEL_LAYER_PREFIX": prefix}
    server = start_server(server_env, port)
    layer = layer_for(args.redis, prefix, capacity)
    group = f"site-{SITE}"
    clients = [Client() for _ in range(args.clients)]
    tasks: list[asyncio.Task[None]] = []
    try:
        gate = asyncio.Semaphore(50)
        readies = [asyncio.Event() for _ in clients]
        url, origin = f"ws://127.0.0.1:{port}/ws/panel/", f"http://127.0.0.1:{port}"
        t0 = time.monotonic()
        cookie = f"sessionid={session}"
        tasks = [
            asyncio.create_task(run_client(url, cookie, origin, c, r, gate, args.deflate))
            for c, r in zip(clients, readies, strict=True)
        ]
        await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), timeout=120)
        connect_s = time.monotonic() - t0
        await asyncio.sleep(1.0)  # every consumer has joined the group once accept() returned; margin for the last ones

        results: dict[str, Any] = {"capacity": capacity, "connect_s": connect_s}
        for phase, publish in (
            ("steady", lambda: publish_steady(layer, group, "steady", args.rate, args.seconds)),
            ("burst", lambda: publish_burst(layer, group, "burst", args.burst)),
        ):
            t1 = time.monotonic()
            sent = await publish()
            publish_s = time.monotonic() - t1
            expected = sent * len(clients)
            deadline = time.monotonic() + args.drain
            while time.monotonic() < deadline and sum(c.received.get(phase, 0) for c in clients) < expected:
                await asyncio.sleep(0.1)
            await asyncio.sleep(0.5)  # late stragglers
            got = sum(c.received.get(phase, 0) for c in clients)
            lat = [v for c in clients for v in c.latencies.get(phase, [])]
            results[phase] = {
                "sent": sent,
                "publish_s": publish_s,
                "expected": expected,
                "received": got,
                "drops": expected - got,
                "p50": pct(lat, 0.50),
                "p95": pct(lat, 0.95),
                "max": max(lat) if lat else float("nan"),
                "mean": statistics.fmean(lat) if lat else float("nan"),
            }
        return results
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await layer.flush()
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


def report(raw: list[float], runs: list[dict[str, Any]], args: argparse.Namespace, project_capacity: int) -> int:
    deflate = "permessage-deflate" if args.deflate else "no compression"
    print(f"\npanel fan-out: {args.clients} WebSocket clients on /ws/panel/ (uvicorn, channels-redis, {deflate})")
    print(f"raw Redis pub/sub round trip ({args.rate:g}/s x {args.seconds:g}s, n={len(raw)}):"
          f" p50 {pct(raw, .5):.2f} ms  p95 {pct(raw, .95):.2f} ms")  # fmt: skip
    status = 0
    for run in runs:
        print(f"\ncapacity {run['capacity']}  ({args.clients} clients connected in {run['connect_s']:.1f}s)")
        for phase in ("steady", "burst"):
            r = run[phase]
            what = f"steady {args.rate:g} alarms/s x {args.seconds:g}s" if phase == "steady" else f"burst of {r['sent']} alarms"
            print(
                f"  {what:<28} deliveries {r['received']}/{r['expected']}  drops {r['drops']}"
                f"  p50 {r['p50']:.1f} ms  p95 {r['p95']:.1f} ms  max {r['max']:.1f} ms"
                f"  (p50 x{r['p50'] / pct(raw, 0.5):.0f} / p95 x{r['p95'] / pct(raw, 0.95):.0f} raw;"
                f" published in {r['publish_s']:.2f}s)"
            )
            if run["capacity"] == project_capacity and r["drops"]:
                status = 1
    return status


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--rate", type=float, default=10.0, help="steady alarms per second")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--burst", type=int, default=300)
    parser.add_argument("--drain", type=float, default=30.0, help="seconds to wait for deliveries after publishing")
    parser.add_argument("--capacity", type=int, default=int(os.environ.get("CHANNEL_LAYER_CAPACITY", "1000")))
    parser.add_argument("--redis", default=os.environ.get("REDIS_URL", ""))
    parser.add_argument(
        "--deflate", action=argparse.BooleanOptionalAction, default=True, help="offer permessage-deflate, as browsers do"
    )
    args = parser.parse_args()
    if not args.redis:
        raise SystemExit("set REDIS_URL (e.g. redis://127.0.0.1:6379/0): the benchmark is about the Redis channel layer")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 4 * args.clients + 256)), hard))

    tmp = Path(tempfile.mkdtemp(prefix="panel-fanout-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DATABASE_URL=f"sqlite:///{tmp / 'bench.sqlite3'}",
        REDIS_URL=args.redis,
        DEBUG="false",
        LOG_LEVEL="WARNING",
    )
    os.environ.update(env)
    session = prepare(tmp / "bench.sqlite3")

    async def run_all() -> tuple[list[float], list[dict[str, Any]]]:
        raw = await raw_pubsub(args.redis, args.rate, args.seconds)
        runs = [await run_capacity(args, env, session, cap) for cap in (DEFAULT_CAPACITY, args.capacity)]
        return raw, runs

    raw, runs = asyncio.run(run_all())
    status = report(raw, runs, args, args.capacity)
    for leftover in tmp.iterdir():
        leftover.unlink()
    tmp.rmdir()
    return status


if __name__ == "__main__":
    sys.exit(main())
