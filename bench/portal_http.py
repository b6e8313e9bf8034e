"""Portal pages under load: 50 logged-in staff against `make run`'s ASGI stack, beside a bare hello view.

    .venv/bin/python bench/portal_http.py [--users 50] [--seconds 8] [--procs 2] [--workers 1]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/so_bench .venv/bin/python bench/portal_http.py

One run: a fresh database (SQLite file in var/, or a fresh PostgreSQL database that is dropped
at the end), --users staff with a session each, then `config.asgi:application` under uvicorn in
a subprocess (one process unless --workers, DEBUG off, as `make run` serves it, with bench/portal_http_settings.py
adding /bench-hello/). For each path in turn, --users keep-alive clients (threads in --procs
processes, a session and a CSRF cookie each) request it back to back for --seconds. Printed per path:
requests/s, p50 and p95 latency, and the ratio of requests/s to the hello view's. Nothing is
asserted; figures go in docs/benchmarks.md with the machine's load average.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: make the project importable
from bench.common import free_port  # noqa: E402

PATHS = ("/bench-hello/", "/", "/canteen/", "/services/")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def booking_prepare(site: Any, users: list[Any]) -> list[str]:
    """A busy week of one room (booked every open hour, the bookings spread over the users):
    the paths of its resource calendar and of the booking list (my bookings)."""
    from datetime import datetime, time, timedelta

    from portal.booking.rules import TZ
    from portal.booking.services import booking_create
    from portal.booking.services.resources import resource_ensure

    room = resource_ensure(site=site, kind="room", code="bench-room", name="压测会议室", opens_at=time(8), closes_at=time(21))
    today = datetime.now(TZ).date()
    monday = today + timedelta(days=7 - today.weekday())
    for n, (day, hour) in enumerate((d, h) for d in range(5) for h in range(8, 21)):
        start = datetime.combine(monday + timedelta(days=day), time(hour), tzinfo=TZ)
        booking_create(user=users[n % len(users)], resource=room, start=start, end=start + timedelta(hours=1), title=f"例会 {n}")
    return [f"/booking/r/{room.pk}/calendar/?date={monday:%Y-%m-%d}", "/booking/mine/"]


def prepare(users: int) -> tuple[list[str], list[str]]:
    """Migrate, create the demo site and `users` staff with one session each; return each one's
    cookies (the session, and a CSRF cookie as a browser keeps it after its first page) and the
    booking paths (booking_prepare)."""
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.middleware.csrf import _get_new_csrf_string

    from building.models import Site
    from canteen.services.setup import canteen_demo_ensure
    from core.roles import STAFF, roles_sync
    from portal.services import user_ensure

    call_command("migrate", verbosity=0, interactive=False)
    roles_sync()
    site, _ = Site.objects.get_or_create(code="bench", defaults={"name": "压测大院"})
    canteen_demo_ensure(site=site)
    keys = []
    people = []
    for n in range(users):
        user = user_ensure(
            username=f"bench{n}", password=uuid.uuid4().hex, site=site, roles=[STAFF], last_name="压", first_name=f"测{n}"
        )
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.save()
        keys.append(f"sessionid={session.session_key}; csrftoken={_get_new_csrf_string()}")
        people.append(user)
    return keys, booking_prepare(site, people)


def start_server(env: dict[str, str], port: int, workers: int = 1) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "uvicorn", "config.asgi:application", "--host", "127.0.0.1", "--port", str(port)]
    cmd += ["--workers", str(workers)] if workers > 1 else []
    cmd += ["--log-level", "warning", "--no-access-log", "--lifespan", "off", "--timeout-graceful-shutdown", "1"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/bench-hello/")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            pass
        if proc.poll() is not None:
            raise SystemExit("the server exited at start")
        time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not answer within 60 s")


def _client(port: int, path: str, cookie: str, until: float, out: list[float], errors: list[int]) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Cookie": cookie, "Accept-Language": "zh-CN"}
    while time.monotonic() < until:
        start = time.perf_counter()
        try:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            errors.append(0)
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            continue
        if response.status != 200:
            errors.append(response.status)
        out.append((time.perf_counter() - start) * 1000)
    conn.close()


def _process(port: int, path: str, cookies: list[str], until: float, queue: multiprocessing.Queue) -> None:
    latencies: list[float] = []
    errors: list[int] = []
    threads = [threading.Thread(target=_client, args=(port, path, c, until, latencies, errors)) for c in cookies]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    queue.put((latencies, errors))


def load(port: int, path: str, cookies: list[str], seconds: float, procs: int) -> tuple[list[float], list[int], float]:
    queue: multiprocessing.Queue = multiprocessing.Queue()
    start = time.monotonic() + 0.5  # every process starts its clock together
    until = start + seconds
    parts = [cookies[i::procs] for i in range(procs)]
    workers = [multiprocessing.Process(target=_process, args=(port, path, part, until, queue)) for part in parts]
    for w in workers:
        w.start()
    latencies: list[float] = []
    errors: list[int] = []
    for _ in workers:
        got, bad = queue.get()
        latencies += got
        errors += bad
    for w in workers:
        w.join()
    return latencies, errors, seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--procs", type=int, default=2, help="client processes (threads are split between them)")
    parser.add_argument("--workers", type=int, default=1, help="server processes (uvicorn --workers; `make run` is 1)")
    args = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL", "")
    run_id = uuid.uuid4().hex[:8]
    sqlite = ROOT / "var" / f"bench-portal-http-{run_id}.sqlite3"
    if database_url:
        base, _, _name = database_url.rpartition("/")
        database_url = f"{base}/bench_portal_http_{run_id}"
        import psycopg

        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f"CREATE DATABASE bench_portal_http_{run_id}")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    if database_url:
        env["DATABASE_URL"] = database_url
    else:  # exactly `make run`'s SQLite configuration (WAL, busy timeout), in a file of this run's own
        sqlite.parent.mkdir(exist_ok=True)
        env["SQLITE_NAME"] = sqlite.name
    env.update(DJANGO_SETTINGS_MODULE="bench.portal_http_settings", LOG_LEVEL="WARNING")
    env.update(SERVE_CELERY="false", MQTT_URL="")
    os.environ.update(env)
    cookies, booking_paths = prepare(args.users)
    from django.db import connections

    connections.close_all()
    port = free_port()
    server = start_server(env, port, args.workers)
    rows = []
    try:
        for path in (*PATHS, *booking_paths):
            load(port, path, cookies[:5], 1.0, 1)  # warm-up: templates, caches, connections
            latencies, errors, seconds = load(port, path, cookies, args.seconds, args.procs)
            rows.append((path, len(latencies) / seconds, pct(latencies, 0.5), pct(latencies, 0.95), len(errors)))
    finally:
        server.terminate()
        server.wait(10)
        if database_url.startswith("postgres"):
            import psycopg

            base = database_url.rpartition("/")[0]
            with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS bench_portal_http_{run_id} WITH (FORCE)")
        else:
            for leftover in sqlite.parent.glob(f"{sqlite.name}*"):
                leftover.unlink(missing_ok=True)
    hello_rps = rows[0][1]
    db = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
    print(
        f"\nportal_http: {args.users} logged-in clients, {args.seconds:.0f} s per path, {db}, {args.workers} server process(es), "
        f"load {os.getloadavg()[0]:.2f}"
    )
    print(f"{'path':<40}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'x hello':>9}{'errors':>8}")
    for path, rps, p50, p95, failed in rows:
        print(f"{path:<40}{rps:>9.0f}{p50:>9.1f}{p95:>9.1f}{rps / hello_rps:>9.2f}{failed:>8}")
    return 1 if any(r[4] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
