"""Fast pages (issue 10 item 8, issue 11's benchmark): the main pages' query counts stay small and
do not grow with the data; the web server's request threads (core/asgi.py) are reused, with their
database connections."""

from __future__ import annotations

import asyncio
import threading
from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.core.signals import request_finished
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from building.models import Site
from core.asgi import PooledThreadsASGIHandler
from core.roles import STAFF
from portal.booking.rules import TZ
from portal.booking.services import booking_create
from portal.booking.services.resources import resource_ensure
from portal.models import User
from portal.services import user_ensure
from tests.helpers import session_for

# The session and the person's permissions come from the cache (core/perm_cache.py): the user (1).
AUTH = 1
BUDGET = {
    "/": AUTH,
    "/services/": AUTH,
    "calendar": AUTH + 2,  # the room; its week's bookings with their people
    "/booking/calendar/": AUTH + 1,  # the person's week with the resources
    "/booking/mine/": AUTH + 3,  # upcoming; earlier; the calendar feed address
}


def _staff(site: Site, n: int) -> User:
    return user_ensure(username=f"q{n}", password="x-Pass-2026", site=site, roles=[STAFF], last_name="测", first_name=str(n))


def _book_week(site: Site, people: list[User], *, rooms: range) -> str:
    """`rooms` rooms, each booked every open hour of next week by the people in turn; the first
    room's calendar path."""
    monday = timezone.localdate() + timedelta(days=7 - timezone.localdate().weekday())
    first = ""
    for r in rooms:
        room = resource_ensure(
            site=site, kind="room", code=f"q-room-{r}", name=f"{r}号会议室", opens_at=time(8), closes_at=time(21)
        )
        first = first or f"/booking/r/{room.pk}/calendar/?date={monday:%Y-%m-%d}"
        for n, (day, hour) in enumerate((d, h) for d in range(5) for h in range(8, 21)):
            start = datetime.combine(monday + timedelta(days=day), time(hour), tzinfo=TZ)
            booking_create(
                user=people[n % len(people)], resource=room, start=start, end=start + timedelta(hours=1), title=f"会{n}"
            )
    return first


def _counts(user: User, calendar: str) -> dict[str, int]:
    client = Client()
    client.force_login(user)
    week = calendar.rpartition("=")[2]
    out = {}
    for key in BUDGET:
        path = calendar if key == "calendar" else f"{key}?date={week}" if key == "/booking/calendar/" else key
        assert client.get(path).status_code == 200, path  # warm: the session in the cache, the CSRF cookie
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200, path
        out[key] = len(queries)
    return out


@pytest.mark.django_db
def test_the_main_pages_stay_within_their_query_budget_and_do_not_grow_with_the_bookings(site: Site) -> None:
    people = [_staff(site, n) for n in range(3)]
    small = _counts(people[0], _book_week(site, people[:1], rooms=range(1)))
    assert small == BUDGET, small
    # Four times the bookings, spread over more people and rooms: the same number of queries.
    people += [_staff(site, n) for n in range(3, 10)]
    calendar = _book_week(site, people, rooms=range(1, 4))
    big = _counts(people[0], calendar)
    assert big == BUDGET, big
    page = Client()
    page.force_login(people[0])
    html = page.get(calendar).content.decode()
    assert html.count('<li data-status="confirmed">') == 65 and "会13 · 测3" in html  # the week, with its people


@pytest.mark.django_db
def test_cached_permissions_follow_every_change_at_once(site: Site) -> None:
    from django.contrib.auth.models import Group, Permission

    person = _staff(site, 1)
    client = Client()
    client.force_login(person)
    assert client.get("/booking/mine/").status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/booking/mine/").status_code == 200
    assert not [q for q in queries if "auth_permission" in q["sql"]]  # from the cache
    staff = Group.objects.get(name=STAFF)
    person.groups.remove(staff)
    assert client.get("/booking/mine/").status_code == 403
    person.groups.add(staff)
    assert client.get("/booking/mine/").status_code == 200
    book = Permission.objects.get(codename="book_resource", content_type__app_label="booking")
    staff.permissions.remove(book)
    assert client.get("/booking/mine/").status_code == 403
    person.user_permissions.add(book)
    assert client.get("/booking/mine/").status_code == 200
    person.user_permissions.clear()
    assert client.get("/booking/mine/").status_code == 403


def _get(handler: PooledThreadsASGIHandler, path: str, cookie: str, hold: asyncio.Event | None = None) -> dict[str, Any]:
    """An ASGI GET; with `hold`, a client that stops reading after the status line until it is set."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), (b"cookie", f"sessionid={cookie}".encode())],
        "client": ("127.0.0.1", 5000),
        "server": ("testserver", 80),
    }
    sent: dict[str, Any] = {}

    async def receive() -> dict[str, Any]:
        if sent.get("asked"):
            await asyncio.sleep(3600)  # no disconnect while the response is made
        sent["asked"] = True
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            sent["status"] = message["status"]
            if hold is not None:
                await hold.wait()

    async def run() -> None:
        await handler(scope, receive, send)

    return {"run": run, "sent": sent}


@pytest.mark.django_db(transaction=True)
def test_requests_reuse_a_fixed_set_of_threads_and_their_database_connections(site: Site) -> None:
    cookie = session_for(_staff(site, 1))
    handler = PooledThreadsASGIHandler(threads=2)
    seen: list[tuple[str, int]] = []

    def finished(**kwargs: object) -> None:  # runs on the request's thread, before Django's own close
        seen.append((threading.current_thread().name, id(connections["default"].connection)))

    request_finished.connect(finished, dispatch_uid="test-pooled-threads")
    settings_dict = connections["default"].settings_dict
    settings_dict["CONN_MAX_AGE"] = 60  # as served (tests use 0)
    try:

        async def batch() -> list[int]:
            calls = [_get(handler, "/", cookie) for _ in range(12)]
            await asyncio.gather(*(c["run"]() for c in calls))
            calls = [_get(handler, "/", cookie) for _ in range(6)]
            for c in calls:  # one at a time: always the same warm thread
                await c["run"]()
            static = _get(handler, "/static/portal/site.css", cookie)  # WhiteNoise in the sync chain
            await static["run"]()
            return [c["sent"]["status"] for c in [*calls, static]]

        assert asyncio.run(batch()) == [200] * 7
    finally:
        settings_dict["CONN_MAX_AGE"] = 0
        request_finished.disconnect(dispatch_uid="test-pooled-threads")
        handler.close()
    assert len(seen) == 19
    threads = {name for name, _ in seen}
    assert len(threads) == 2 and all(name.startswith("django-request-") for name in threads)
    assert len({conn for _, conn in seen}) == 2  # one connection per thread, kept between requests
    assert len({seen[i] for i in range(12, 19)}) == 1


@pytest.mark.django_db(transaction=True)
def test_slow_clients_holding_every_pooled_thread_do_not_stop_the_site(site: Site) -> None:
    """A client reading its response very slowly keeps its pooled thread; the next request, after
    waiting wait_s for a free one, is served on a thread of its own, whose connection is closed."""
    cookie = session_for(_staff(site, 1))
    handler = PooledThreadsASGIHandler(threads=1, wait_s=0.2)
    threads: list[str] = []

    def finished(**kwargs: object) -> None:
        threads.append(threading.current_thread().name)

    request_finished.connect(finished, dispatch_uid="test-overflow-thread")
    try:

        async def scenario() -> tuple[int, bool]:
            release = asyncio.Event()
            slow = _get(handler, "/", cookie, hold=release)  # stops reading: its pooled thread stays taken
            slow_task = asyncio.create_task(slow["run"]())
            await asyncio.sleep(0.5)  # the slow request has its thread and is stuck sending
            quick = _get(handler, "/", cookie)
            await asyncio.wait_for(quick["run"](), timeout=30)  # served, not queued behind it
            still_stuck = not slow_task.done()
            release.set()
            await slow_task
            return quick["sent"]["status"], still_stuck

        status, still_stuck = asyncio.run(scenario())
    finally:
        request_finished.disconnect(dispatch_uid="test-overflow-thread")
        handler.close()
    assert status == 200 and still_stuck
    assert any(name.startswith("django-request-overflow") for name in threads)
    assert any(name.startswith("django-request-") and "overflow" not in name for name in threads)
