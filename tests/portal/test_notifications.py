"""Notifications: one writer, only one's own, pushed live on commit."""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.test import Client

from core.realtime import user_group
from portal.notifications.models import Notification
from portal.notifications.services import notification_send, notifications_mark_read


def test_a_notification_is_listed_with_the_unread_count_and_opens_its_link(db, li_ming) -> None:
    notification_send(user=li_ming, kind="test.hello", title="会议室预约已批准", body="明天 09:00", url="/canteen/")
    client = Client()
    client.force_login(li_ming)
    page = client.get("/notifications/").content.decode()
    assert "会议室预约已批准" in page and 'data-testid="unread"' in page
    assert client.get("/api/notifications/").json()["unread"] == 1
    note = Notification.objects.get(user=li_ming)
    response = client.post(f"/notifications/{note.pk}/open/")
    assert response.status_code == 302 and response["Location"] == "/canteen/"
    assert client.get("/api/notifications/").json()["unread"] == 0


def test_someone_elses_notification_is_a_404_and_stays_unread(db, li_ming, zhang_li) -> None:
    note = notification_send(user=zhang_li, kind="test.private", title="私信")
    assert note is not None
    client = Client()
    client.force_login(li_ming)
    assert client.post(f"/notifications/{note.pk}/open/").status_code == 404
    assert client.post("/api/notifications/read/", {"ids": [note.pk]}, content_type="application/json").json() == {"marked": 0}
    note.refresh_from_db()
    assert note.read_at is None


def test_only_paths_of_this_site_are_kept_as_links(db, li_ming) -> None:
    note = notification_send(user=li_ming, kind="test.link", title="x", url="https://evil.example/")
    assert note is not None and note.url == ""


def test_a_dedupe_key_sends_once(db, li_ming) -> None:
    assert notification_send(user=li_ming, kind="test.remind", title="提醒", dedupe_key="remind:1") is not None
    assert notification_send(user=li_ming, kind="test.remind", title="提醒", dedupe_key="remind:1") is None
    assert Notification.objects.filter(user=li_ming).count() == 1


@pytest.mark.django_db(transaction=True)
async def test_the_push_leaves_on_commit_to_the_users_group(li_ming) -> None:
    # One event loop for the whole exchange: channels-redis keeps per-loop receive state, and a
    # new loop per call (async_to_sync) can hand the same message out twice.
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add(user_group(li_ming.pk), channel)
    await sync_to_async(notification_send)(user=li_ming, kind="test.live", title="包裹已到")
    event = (await asyncio.wait_for(layer.receive(channel), 5))["event"]
    assert event["type"] == "notification.new" and event["title"] == "包裹已到" and event["unread"] == 1
    await sync_to_async(notifications_mark_read)(user=li_ming)
    assert (await asyncio.wait_for(layer.receive(channel), 5))["event"] == {"type": "notification.read", "unread": 0}
    await layer.group_discard(user_group(li_ming.pk), channel)
