"""The embedded MQTT broker (amqtt 0.12.1, MQTT 3.1.1 only) for `make run` and the tests.

Runs its own asyncio loop in a thread, bound to 127.0.0.1. Devices authenticate against the
device registry (username + token) and are confined to so/<site>/<device>/ exactly as the
generated Mosquitto ACL confines them in production. HardenedBroker works around amqtt bugs
found while building this (see its docstring); amqtt is pinned because it overrides private
methods.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import errno
import functools
import hmac
import logging
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from amqtt.broker import Broker
from amqtt.contexts import Action
from amqtt.errors import AMQTTError, BrokerError, MQTTError, NoDataError
from amqtt.mqtt.connack import NOT_AUTHORIZED, ConnackPacket
from amqtt.mqtt.protocol.broker_handler import BrokerProtocolHandler
from amqtt.plugins.base import BaseAuthPlugin, BaseTopicPlugin

log = logging.getLogger(__name__)

AuthenticateFn = Callable[[str | None, str | None, str], bool]   # sync, may hit the DB
AuthorizeFn = Callable[[str | None, str, str], bool]             # sync, must be cheap (called per message)
DEVICE_PUBLISH_CHANNELS = ("event", "telemetry", "status")


class PortInUseError(OSError):
    """The configured MQTT port is already bound by another socket."""


def device_authorize(platform_username: str) -> AuthorizeFn:
    """Default ACL: platform may do anything; dev-<site>-<device> is confined to so/<site>/<device>/..."""
    def authorize(username: str | None, action: str, topic: str) -> bool:
        if username == platform_username:
            return True
        parts = (username or "").split("-", 2)
        if len(parts) != 3 or parts[0] != "dev" or not all(parts[1:]):
            return False
        site, device = parts[1], parts[2]
        if any(c in site + device for c in "/+#$"):
            return False
        levels = topic.split("/")
        if levels[:3] != ["so", site, device] or len(levels) < 4:
            return False
        if action == "publish":
            return levels[3] in DEVICE_PUBLISH_CHANNELS and "+" not in topic and "#" not in topic
        if action == "subscribe":
            return topic == f"so/{site}/{device}/cmd"
        return False
    return authorize


def django_db_callable(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a sync ORM-using callable run in a worker thread: drop stale/expired DB connections
    before and after, like Django does around each request (worker threads are reused)."""
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from django.db import close_old_connections
        close_old_connections()
        try:
            return fn(*args, **kwargs)
        finally:
            close_old_connections()
    return wrapper


# --------------------------------------------------------------------------- amqtt plugins
class CallableAuthPlugin(BaseAuthPlugin):
    """Auth plugin: platform credentials checked in-loop, everything else via a sync callable in a thread."""

    @dataclass
    class Config:
        authenticate: Any = None          # AuthenticateFn
        authorize: Any = None             # AuthorizeFn (used to vet the last-will topic)
        platform_username: str = "platform"
        platform_password: str = ""
        executor: Any = None              # concurrent.futures.Executor
        timeout: float = 5.0

    async def authenticate(self, *, session: Any) -> bool:
        cfg = self.config
        user, pwd, cid = session.username, session.password, session.client_id or ""
        if user == cfg.platform_username:
            ok = bool(cfg.platform_password) and hmac.compare_digest(
                (pwd or "").encode(), cfg.platform_password.encode())
        else:
            loop = asyncio.get_running_loop()
            try:
                ok = bool(await asyncio.wait_for(
                    loop.run_in_executor(cfg.executor, cfg.authenticate, user, pwd, cid), cfg.timeout))
            except Exception:  # never let a DB hiccup kill the broker; deny instead
                log.exception("authenticate() failed for %r", user)
                ok = False
        # amqtt does NOT run topic filtering on the will topic -> vet it here
        if ok and session.will_flag and not cfg.authorize(user, "publish", session.will_topic or ""):
            log.warning("client %r: will topic %r not allowed", cid, session.will_topic)
            ok = False
        return ok


class CallableTopicPlugin(BaseTopicPlugin):
    @dataclass
    class Config:
        authorize: Any = None  # AuthorizeFn

    async def topic_filtering(self, *, session: Any = None, topic: str | None = None,
                              action: Action | None = None) -> bool:
        if session is None or not topic:
            return False
        # RECEIVE is checked per delivered message: treat it like the subscribe rule (defence in depth)
        act = "publish" if action == Action.PUBLISH else "subscribe"
        return bool(self.config.authorize(session.username, act, topic))


# --------------------------------------------------------------------------- broker fixes
class _SnapshotItemsDict(dict[str, Any]):
    """amqtt's _run_broadcast iterates `_subscriptions.items()` across awaits; a client
    subscribing meanwhile raised "dictionary changed size during iteration" and the message in
    hand was lost. Iterating a snapshot delivers it to everyone subscribed when it started."""

    def items(self) -> Any:
        return list(super().items())


class HardenedBroker(Broker):
    """Works around these amqtt 0.12.1 issues (summarised in docs/architecture.md, "amqtt is hardened"):

    1. Session takeover/deletion happens BEFORE authentication: a CONNECT with someone else's
       client_id and a wrong password deletes that client's persistent session (clean_session=1)
       or kicks the connected client (clean_session=0).  -> authenticate first, reject with
       CONNACK 5 before amqtt touches self._sessions (also avoids leaking rejected sessions).
    2. On every CONNECT amqtt pushes retained messages matching *every* subscription in the broker
       (any client's) to the new client, bypassing topic ACLs.  -> only the session's own filters.
    3. No timeout for the CONNECT packet (idle or MQTT 5 sockets are held forever) -> connect_timeout.
    4. shutdown() leaves sockets that never sent CONNECT (and their tasks) alive -> close them.
    5. a subscription made while a message is being broadcast lost that message -> snapshot.
    """

    connect_timeout: float = 10.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._handshaking: set[Any] = set()  # writers of sockets that have not completed CONNECT yet
        self._subscriptions = _SnapshotItemsDict()  # issue 5: broadcasts iterate a snapshot

    async def shutdown(self) -> None:
        # amqtt's shutdown only stops *sessions*; sockets still in the CONNECT phase keep their task alive
        for w in list(self._handshaking):
            with contextlib.suppress(Exception):
                await w.close()
        await super().shutdown()

    async def _initialize_client_session(  # type: ignore[no-untyped-def]
        self, reader, writer, remote_address, remote_port
    ):
        # same as amqtt 0.12.1 Broker._initialize_client_session, with authentication moved first
        self._handshaking.add(writer)
        try:  # amqtt has no CONNECT timeout: an idle/MQTT5 socket would otherwise hang here forever
            handler, session = await asyncio.wait_for(
                BrokerProtocolHandler.init_from_connect(reader, writer, self.plugins_manager), self.connect_timeout)
            # (client_id is never empty here: amqtt's CONNECT decoder generates one for empty ids)
            if not await super()._authenticate(session, None):
                await ConnackPacket.build(0, NOT_AUTHORIZED).to_stream(writer)
                raise MQTTError(f"auth failed: client_id={session.client_id!r} username={session.username!r}")
        except (AMQTTError, MQTTError, NoDataError, OSError, TimeoutError) as exc:
            with contextlib.suppress(Exception):
                await writer.close()
            raise AMQTTError(f"CONNECT rejected/failed: {exc!r}") from exc
        finally:
            self._handshaking.discard(writer)
        if session.clean_session:
            await self._delete_session(session.client_id)
            session.parent = 0
        elif session.client_id in self._sessions:
            old, _ = self._sessions[session.client_id]
            for attr in ("will_flag", "will_message", "will_topic", "will_qos", "will_retain",
                         "keep_alive", "username", "password"):
                setattr(old, attr, getattr(session, attr))
            session, session.parent = old, 1
        else:
            session.parent = 0
        delay = self.config.get("timeout-disconnect-delay", 0)
        if session.keep_alive > 0 and isinstance(delay, int):
            session.keep_alive += delay
        session.attributes["embedded_broker.authenticated"] = True
        return handler, session

    async def _authenticate(self, session, listener):  # type: ignore[no-untyped-def]
        # already authenticated in _initialize_client_session (existing persistent sessions are
        # re-used by amqtt, so the flag is set on the final session object above)
        return bool(session.attributes.pop("embedded_broker.authenticated", False))

    async def _publish_retained_messages_for_subscription(self, subscription, session):  # type: ignore[no-untyped-def]
        topic_filter, _ = subscription
        own = [q for s, q in self._subscriptions.get(topic_filter, []) if s.client_id == session.client_id]
        if not own:
            return
        await super()._publish_retained_messages_for_subscription((topic_filter, own[0]), session)


# --------------------------------------------------------------------------- thread runner
def _check_port_free(host: str, port: int) -> None:
    if port == 0:
        return
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        # same option amqtt/asyncio use (reuse_address=True): ignores TIME_WAIT, still fails on a LISTENer
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as e:
            if e.errno == errno.EADDRINUSE:
                raise PortInUseError(errno.EADDRINUSE, f"MQTT port {host}:{port} is already in use") from e
            raise


class EmbeddedBroker:
    def __init__(self, *, port: int, authenticate: AuthenticateFn, platform_username: str,
                 platform_password: str, authorize: AuthorizeFn | None = None, host: str = "127.0.0.1",
                 auth_workers: int = 4, auth_timeout: float = 5.0, session_expiry_interval: int | None = 3600,
                 max_connections: int = 0, connect_timeout: float = 10.0, harden: bool = True) -> None:
        self.host, self.port = host, port
        self._authorize = authorize or device_authorize(platform_username)
        self._executor = concurrent.futures.ThreadPoolExecutor(auth_workers, thread_name_prefix="mqtt-auth")
        self._plugin_cfg = {
            f"{__name__}.CallableAuthPlugin": {
                "authenticate": authenticate, "authorize": self._authorize,
                "platform_username": platform_username, "platform_password": platform_password,
                "executor": self._executor, "timeout": auth_timeout},
            f"{__name__}.CallableTopicPlugin": {"authorize": self._authorize},
        }
        self._session_expiry = session_expiry_interval
        self._connect_timeout = connect_timeout
        self._max_connections = max_connections
        self._broker_cls = HardenedBroker if harden else Broker
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self.broker: Broker | None = None
        self.leaked_tasks: list[str] = []

    def config(self) -> dict[str, Any]:
        return {
            # only one listener, named "default" (required name); no "ws" listener
            "listeners": {"default": {"type": "tcp", "bind": f"{self.host}:{self.port}",
                                      "max_connections": self._max_connections}},
            # an explicit 'plugins' dict REPLACES amqtt's defaults (EventLogger, PacketLogger,
            # AnonymousAuth(allow_anonymous=True), BrokerSysPlugin -> $SYS every 20s)
            "plugins": self._plugin_cfg,
            "session_expiry_interval": self._session_expiry,  # None = persistent sessions live forever
            "timeout_disconnect_delay": 0,
        }

    def start(self, timeout: float = 10.0) -> None:
        if self._thread is not None:
            raise RuntimeError("broker already started")
        _check_port_free(self.host, self.port)
        ready: concurrent.futures.Future[None] = concurrent.futures.Future()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, args=(ready,), name="mqtt-broker", daemon=True)
        self._thread.start()
        try:
            ready.result(timeout)
        except BaseException:
            self._join()
            raise

    def _run(self, ready: concurrent.futures.Future[None]) -> None:
        loop = self._loop
        assert loop is not None
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(self._astart())
        except BaseException as e:  # report start failure to the caller thread
            ready.set_exception(e)
            self._finish_loop()
            return
        ready.set_result(None)
        loop.run_forever()
        self._finish_loop()

    async def _astart(self) -> None:
        self.broker = self._broker_cls(self.config())
        if isinstance(self.broker, HardenedBroker):
            self.broker.connect_timeout = self._connect_timeout
        try:
            await self.broker.start()
        except BrokerError as e:
            cause = e.__cause__
            if isinstance(cause, OSError) and cause.errno == errno.EADDRINUSE:
                raise PortInUseError(errno.EADDRINUSE, f"MQTT port {self.host}:{self.port} is already in use") from e
            raise
        if self.port == 0:  # ephemeral port (tests)
            self.port = self.broker._servers["default"].instance.sockets[0].getsockname()[1]

    async def _ashutdown(self, grace: float = 3.0) -> None:
        assert self.broker is not None
        await self.broker.shutdown()
        others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        if others:  # per-connection tasks unwind after their sockets were closed by shutdown()
            await asyncio.wait(others, timeout=grace)

    def _finish_loop(self) -> None:
        loop = self._loop
        assert loop is not None
        pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
        self.leaked_tasks = [repr(t.get_coro()) for t in pending]
        for t in pending:
            t.cancel()
        if pending:
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.run_until_complete(loop.shutdown_default_executor())
        loop.close()

    def stop(self, timeout: float = 15.0) -> None:
        if self._thread is None or self._loop is None:
            return
        if self.broker is not None and self.broker.transitions.state == "started":
            fut = asyncio.run_coroutine_threadsafe(self._ashutdown(), self._loop)
            try:
                fut.result(timeout)
            except Exception:
                log.exception("broker shutdown failed")
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._join(timeout)

    def _join(self, timeout: float = 15.0) -> None:
        if self._thread is not None:
            self._thread.join(timeout)
        self._executor.shutdown(wait=True, cancel_futures=True)
        self._thread = None


# --------------------------------------------------------------------------- Django side
@django_db_callable
def registry_authenticate(username: str | None, password: str | None, client_id: str) -> bool:
    """A device may connect with its own token, under a client id that starts with its username
    (so no device can take over the bridge's or another device's session)."""
    from devices.credentials import token_matches
    from devices.models import Device

    if not username or not client_id.startswith(username):
        return False
    device = Device.objects.filter(mqtt_username=username, is_active=True).only("secret_sha256").first()
    return device is not None and token_matches(password, device.secret_sha256)


def embedded_broker(*, host: str, port: int) -> EmbeddedBroker:
    from django.conf import settings

    return EmbeddedBroker(
        host=host,
        port=port,
        authenticate=registry_authenticate,
        platform_username=settings.MQTT_PLATFORM_USERNAME,
        platform_password=settings.MQTT_PLATFORM_PASSWORD,
    )
