"""/ws/panel/ through Channels' WebsocketCommunicator: who may connect, and what is forwarded."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import transaction

from config.asgi import application
from core.realtime import publish_on_commit, site_group
from security.monitoring.services import alarm_raise
from tests.factories import SiteFactory, persona
from tests.helpers import session_for

pytestmark = pytest.mark.django_db(transaction=True)


async def panel(user, origin: bytes = b"http://localhost") -> WebsocketCommunicator:
    headers = [(b"host", b"localhost"), (b"origin", origin)]
    if user is not None:
        headers.append((b"cookie", f"sessionid={await sync_to_async(session_for)(user)}".encode()))
    return WebsocketCommunicator(application, "/ws/panel/", headers=headers)


async def test_anonymous_is_refused() -> None:
    ws = await panel(None)
    connected, code = await ws.connect()
    assert (connected, code) == (False, 4401)


async def test_a_user_without_the_panel_role_is_refused(li_ming, liu_cashier) -> None:
    for user in (li_ming, liu_cashier):
        ws = await panel(user)
        connected, code = await ws.connect()
        assert (connected, code) == (False, 4403)


async def test_a_foreign_origin_is_refused(chen_guard) -> None:
    ws = await panel(chen_guard, origin=b"http://evil.example.com")
    connected, _ = await ws.connect()
    assert not connected


async def test_guard_and_manager_get_their_sites_panel_events_only(site, chen_guard, wang_manager) -> None:
    other_site = await sync_to_async(SiteFactory)()
    other_guard = await sync_to_async(persona)("security", "sun_guard", "孙", "保安", site=other_site)
    guard, manager, foreign = await panel(chen_guard), await panel(wang_manager), await panel(other_guard)
    for ws in (guard, manager, foreign):
        assert (await ws.connect())[0]

    def raise_and_chatter() -> int:
        with transaction.atomic():
            publish_on_commit(site_group(site.code), {"type": "canteen.menu", "x": 1})  # not a panel event
            publish_on_commit(site_group(site.code), {"type": "access.decision", "id": 7, "decision": "deny"})
            alarm = alarm_raise(site=site, source="intrusion", severity="major", title="入侵", dedupe_key="i1")
        return alarm.pk

    alarm_id = await sync_to_async(raise_and_chatter)()
    for ws in (guard, manager):
        assert await ws.receive_json_from(timeout=2) == {"type": "access.decision", "id": 7, "decision": "deny"}
        event = await ws.receive_json_from(timeout=2)
        assert event["type"] == "alarm.raised" and event["alarm"]["id"] == alarm_id
        assert await ws.receive_nothing(timeout=0.1)
    assert await foreign.receive_nothing(timeout=0.2)
    for ws in (guard, manager, foreign):
        await ws.disconnect()


async def test_the_socket_writes_nothing(chen_guard, site) -> None:
    from security.monitoring.models import Alarm

    ws = await panel(chen_guard)
    assert (await ws.connect())[0]
    await ws.send_json_to({"type": "alarm.acknowledge", "alarm": 1})
    await ws.send_json_to({"type": "ping"})
    assert await ws.receive_json_from(timeout=2) == {"type": "pong"}
    assert await sync_to_async(Alarm.objects.count)() == 0
    await ws.disconnect()
