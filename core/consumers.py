"""A signed-in user's personal event stream (/ws/events/): notifications pushed on commit."""

from __future__ import annotations

from typing import Any

from channels.generic.websocket import AsyncJsonWebsocketConsumer

from core.realtime import user_group


class EventStreamConsumer(AsyncJsonWebsocketConsumer):
    """Read-only: never writes to the database; actions go through HTTP to services."""

    group: str | None = None

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        self.group = user_group(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def realtime_event(self, message: dict[str, Any]) -> None:
        await self.send_json(message["event"])
