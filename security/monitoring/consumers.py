"""/ws/panel/: the live monitoring panel. Read-only: actions go through HTTP to the alarm services.

The socket is authenticated from the session (AuthMiddlewareStack), the role is checked here,
foreign origins (scheme, host and port) are refused by core/ws_origin.py (config/asgi.py). Events reach it
through this process's feed of its site's channel-layer group (security/monitoring/hub.py).
"""

from __future__ import annotations

import asyncio
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from security.monitoring.hub import panel_hub
from security.monitoring.panels import event_prefixes
from security.monitoring.permissions import PANEL_PERMISSION

OUTBOX_MAX = 1000  # events queued for one socket; past that the client is stalled: close, it reloads
CLOSE_UNAUTHENTICATED, CLOSE_FORBIDDEN, CLOSE_TOO_SLOW, CLOSE_FEED_LOST = 4401, 4403, 4408, 4503


@database_sync_to_async
def _panel_site_code(user: Any) -> str | None:
    """The site whose panel this user may watch, or None."""
    if user is None or not user.is_authenticated or not user.is_active or not user.has_perm(PANEL_PERMISSION):
        return None
    site = getattr(user, "site", None)
    return site.code if site is not None else None


class PanelConsumer(AsyncWebsocketConsumer):
    # No channel of its own: the process-wide feed (hub.py) is the group member.
    channel_layer_alias = None
    site_code: str | None = None
    writer: asyncio.Task[None] | None = None
    prefixes: tuple[str, ...] = ()

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        site_code = await _panel_site_code(user)
        if site_code is None:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.prefixes = event_prefixes()
        self.outbox: asyncio.Queue[str] = asyncio.Queue(maxsize=OUTBOX_MAX)
        # Join before accepting: what is published from now on waits in the outbox, so a panel
        # that loads its state right after the socket opens misses nothing in between.
        await panel_hub().join(site_code, self)
        self.site_code = site_code
        await self.accept()
        self.writer = asyncio.get_running_loop().create_task(self._write())

    async def _write(self) -> None:
        while True:
            text = await self.outbox.get()
            await self.send(text_data=text)

    def deliver(self, event: dict[str, Any], text: str) -> None:
        try:
            self.outbox.put_nowait(text)
        except asyncio.QueueFull:
            self._close_soon(CLOSE_TOO_SLOW)

    def feed_lost(self) -> None:
        self._close_soon(CLOSE_FEED_LOST)

    def _close_soon(self, code: int) -> None:
        if self.writer is not None:
            self.writer.cancel()
        asyncio.get_running_loop().create_task(self.close(code=code))

    async def disconnect(self, code: int) -> None:
        if self.writer is not None:
            self.writer.cancel()
        if self.site_code is not None:
            await panel_hub().leave(self.site_code, self)
            self.site_code = None

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        # Nothing is accepted from the browser over this socket; a ping keeps proxies awake.
        if text_data and '"ping"' in text_data:
            await self.send(text_data='{"type":"pong"}')
