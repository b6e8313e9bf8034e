"""publish_on_commit: events reach a connected WebSocket only after the transaction commits."""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import transaction

from config.asgi import application
from core.realtime import publish_on_commit, user_group
from tests.helpers import session_for

pytestmark = pytest.mark.django_db(transaction=True)


async def connect_as(user) -> WebsocketCommunicator:
    key = await sync_to_async(session_for)(user)
    communicator = WebsocketCommunicator(
        application,
        "/ws/events/",
        headers=[(b"host", b"localhost"), (b"origin", b"http://localhost"), (b"cookie", f"sessionid={key}".encode())],
    )
    return communicator


async def test_event_is_delivered_after_commit_and_not_on_rollback(li_ming) -> None:
    ws = await connect_as(li_ming)
    connected, _ = await ws.connect()
    assert connected

    def rolled_back() -> None:
        with pytest.raises(RuntimeError), transaction.atomic():
            publish_on_commit(user_group(li_ming.pk), {"type": "note", "n": 1})
            raise RuntimeError("abort")

    def committed() -> None:
        with transaction.atomic():
            publish_on_commit(user_group(li_ming.pk), {"type": "note", "n": 2})
            assert not received_early()  # still inside the transaction: nothing sent yet

    received: list[dict[str, object]] = []

    def received_early() -> bool:
        return bool(received)

    await sync_to_async(rolled_back)()
    await sync_to_async(committed)()
    received.append(await ws.receive_json_from(timeout=2))
    assert received == [{"type": "note", "n": 2}]
    assert await ws.receive_nothing(timeout=0.2)
    await ws.disconnect()


async def test_anonymous_and_foreign_origin_are_refused(li_ming) -> None:
    anonymous = WebsocketCommunicator(
        application, "/ws/events/", headers=[(b"host", b"localhost"), (b"origin", b"http://localhost")]
    )
    connected, _ = await anonymous.connect()
    assert not connected
    ws = await connect_as(li_ming)
    ws.scope["headers"] = [(b"origin", b"http://evil.example.com"), *[h for h in ws.scope["headers"] if h[0] != b"origin"]]
    connected, _ = await ws.connect()
    assert not connected
    await asyncio.sleep(0)
