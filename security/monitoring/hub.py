"""Process-local fan-out of a site's realtime events to the panel sockets of this process.

Why not one channel-layer group member per socket: channels-redis makes every socket of a
process wait on one shared receive lock, and each delivered message makes every waiter cancel
its lock request (an O(n) removal from the lock's queue): with 500 panels in one process one
alarm costs ~n² steps and deliveries fell seconds behind at 2 alarms/s (bench/panel_fanout.py).
So each process joins the site's group ONCE (its own channel, added with group_add like any
consumer) and hands every event to its local panels' outboxes. Events still leave only through
core.realtime.publish_on_commit -> the channel layer -> this feed.

Nothing is dropped silently: a socket whose outbox is full (a stalled client) is closed, and
the panel reconnects and reloads its state over HTTP; if the feed's channel-layer receive
fails, every local panel of that site is closed for the same reason.
"""

from __future__ import annotations

import asyncio
import json
import logging
import weakref
from typing import Any, Protocol

from channels.layers import get_channel_layer

from core.realtime import site_group

logger = logging.getLogger(__name__)

GROUP_REFRESH_S = 3600.0  # group membership expires after a day in channels' layers: renew it
RECEIVE_RETRIES = 5


def _idle_timeouts() -> tuple[type[BaseException], ...]:
    try:
        from redis.exceptions import TimeoutError as RedisTimeout
    except ImportError:  # the in-memory layer only
        return ()
    return (RedisTimeout,)


IDLE_TIMEOUTS = _idle_timeouts()


class PanelSocket(Protocol):
    prefixes: tuple[str, ...]

    def deliver(self, event: dict[str, Any], text: str) -> None: ...

    def feed_lost(self) -> None: ...


def encode(event: dict[str, Any]) -> str:
    return json.dumps(event, ensure_ascii=False, separators=(",", ":"))


class SiteFeed:
    """One channel-layer channel in the group of one site, read by one task."""

    def __init__(self, hub: PanelHub, site_code: str) -> None:
        self.hub = hub
        self.group = site_group(site_code)
        self.sockets: set[PanelSocket] = set()
        self.channel = ""
        self.task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        layer = self.hub.layer
        self.channel = await layer.new_channel(prefix="panel.")
        await layer.group_add(self.group, self.channel)
        self.task = asyncio.get_running_loop().create_task(self._run(), name=f"panel-feed-{self.group}")

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            await asyncio.gather(self.task, return_exceptions=True)
        await self.hub.layer.group_discard(self.group, self.channel)

    async def _refresh(self) -> None:
        while True:
            await asyncio.sleep(GROUP_REFRESH_S)
            await self.hub.layer.group_add(self.group, self.channel)

    async def _run(self) -> None:
        layer = self.hub.layer
        refresher = asyncio.get_running_loop().create_task(self._refresh())
        failures = 0
        try:
            while True:
                try:
                    message = await layer.receive(self.channel)
                except asyncio.CancelledError:
                    raise
                except IDLE_TIMEOUTS:
                    # redis-py 8 times out reads after 5 s (socket_timeout), exactly channels-redis's
                    # 5 s BZPOPMIN: on a quiet site every receive "fails" this way. Not a failure.
                    continue
                except Exception:
                    # A hiccup (a Redis read timeout under load) loses nothing: messages wait in
                    # the layer for its `expiry`. Only a lasting failure gives up.
                    failures += 1
                    if failures > RECEIVE_RETRIES:
                        raise
                    logger.warning("panel feed %s: receive failed (%d), retrying", self.group, failures, exc_info=True)
                    await asyncio.sleep(0.2 * failures)
                    continue
                failures = 0
                self._fan_out(message)
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("panel feed %s lost its channel layer; closing its panels so they reload", self.group)
            for socket in list(self.sockets):
                socket.feed_lost()
            self.hub.forget(self)
        finally:
            refresher.cancel()

    def _fan_out(self, message: dict[str, Any]) -> None:
        if message.get("type") != "realtime.event":
            return
        event = message.get("event") or {}
        kind = str(event.get("type", ""))
        text: str | None = None
        for socket in list(self.sockets):
            if kind.startswith(socket.prefixes):
                text = text if text is not None else encode(event)  # once for all sockets
                socket.deliver(event, text)


class PanelHub:
    """The feeds of one event loop (one per server process in production)."""

    def __init__(self) -> None:
        layer = get_channel_layer()
        if layer is None:
            raise RuntimeError("the monitoring panel needs a channel layer (CHANNEL_LAYERS)")
        self.layer: Any = layer
        self.feeds: dict[str, SiteFeed] = {}
        self._lock = asyncio.Lock()

    async def join(self, site_code: str, socket: PanelSocket) -> None:
        async with self._lock:  # two first panels of a site must not start two feeds
            feed = self.feeds.get(site_code)
            if feed is None:
                feed = SiteFeed(self, site_code)
                await feed.start()
                self.feeds[site_code] = feed
            feed.sockets.add(socket)

    async def leave(self, site_code: str, socket: PanelSocket) -> None:
        async with self._lock:
            feed = self.feeds.get(site_code)
            if feed is None:
                return
            feed.sockets.discard(socket)
            if not feed.sockets:
                del self.feeds[site_code]
                await feed.stop()

    def forget(self, feed: SiteFeed) -> None:
        for code, known in list(self.feeds.items()):
            if known is feed:
                del self.feeds[code]


_hubs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, PanelHub] = weakref.WeakKeyDictionary()


def panel_hub() -> PanelHub:
    loop = asyncio.get_running_loop()
    hub = _hubs.get(loop)
    if hub is None:
        hub = _hubs[loop] = PanelHub()
    return hub
