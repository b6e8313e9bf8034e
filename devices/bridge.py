"""The MQTT bridge: the paho loop and nothing else of the domain.

paho's network thread only queues messages. Worker threads take them in batches, parse each
once (devices.dispatch.parse), run the prepare steps outside any transaction, then handle the
whole batch in one transaction without savepoints (the fast path), commit, and only then
acknowledge (manual QoS 1 acks). A crash before commit means the broker redelivers; nothing
accepted is lost and nothing is applied twice (dedupe by id).

If the fast path fails for any reason, each message of the batch is handled in its own
transaction (devices.isolation): a message that still fails is a dead letter, answered and
acknowledged, and never takes the others with it. Only a database that does not answer at
all holds a batch back (retried until it does); the bridge then reports itself stalled.
"""

from __future__ import annotations

import functools
import logging
import queue
import threading
import time
import zlib
from collections.abc import Callable
from concurrent.futures import CancelledError, Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, TypeVar

import paho.mqtt.client as mqtt
from django.conf import settings
from django.db import InterfaceError, OperationalError, close_old_connections, connection, transaction
from django.utils import timezone

from devices import dispatch, isolation, publisher, registry_cache
from devices.bridge_status import STALL_AFTER_S, Progress, bridge_report
from devices.dead_letters import dead_letter_record
from devices.mqtt_client import platform_client
from devices.mqtt_config import mqtt_endpoint
from devices.protocol import ProtocolError
from devices.services import presence_marks_forget
from devices.signals import bridge_recovered, bridge_stalled

logger = logging.getLogger(__name__)

EARLY_PREPARE_BYTES = 8 * 1024  # events this large carry an image: prepare them on arrival
INBOX_CAPACITY = 10_000  # Mosquitto's max_queued_messages (deploy/mosquitto) is set above this
FAST_PATH_DB_RETRIES = 3  # a batch failing this often with the database up is isolated, not retried forever
RETRY_DELAY_S = 0.5
T = TypeVar("T")
SUBSCRIPTIONS = [("so/+/+/event", 1), ("so/+/+/telemetry", 1), ("so/+/+/status", 1)]


@dataclass(frozen=True)
class Incoming:
    topic: str
    payload: bytes
    mid: int
    qos: int
    received_at: datetime
    early: Future[Parsed] | None = None  # parsed and prepared on arrival (images)


Parsed = tuple[dispatch.Message, dispatch.Prepared | None]


def _parse(item: Incoming) -> dispatch.Message:
    """dispatch.parse never raises for bad input; only the device lookup can meet the database."""
    try:
        return dispatch.parse(item.topic, item.payload, item.received_at)
    except (OperationalError, InterfaceError):
        raise
    except Exception as exc:  # a bug: the message is refused, the batch goes on
        logger.exception("bridge: parsing a message failed")
        return _unparsed(item, exc, reason="internal_error")


def _unparsed(item: Incoming, error: Exception, *, reason: str = "database_error") -> dispatch.Message:
    """Parsing failed (a bug, or the device lookup kept failing with the database up): the message
    is refused and dead-lettered alone."""
    refusal = ProtocolError(reason, error.__class__.__name__)
    return dispatch.Message(topic=item.topic, payload=item.payload, received_at=item.received_at, error=refusal)


def _parse_and_prepare_closing(item: Incoming) -> Parsed:
    """In a pool thread, on arrival; drops the thread's database connection after (pool threads
    outlive the bridge, and an open connection would pin the database)."""
    try:
        message = _parse(item)
        return message, isolation.prepare_now(message)
    finally:
        connection.close()


def _run_closing(job: Callable[[], dispatch.Prepared | None]) -> dispatch.Prepared | None:
    """Run a prepare job in a pool thread and drop that thread's database connection after."""
    try:
        return job()
    finally:
        connection.close()


def _result(future: Future[T]) -> T | None:
    try:
        return future.result()
    except CancelledError:  # the bridge is stopping
        return None
    except Exception:  # preparing is an optimisation: the worker parses again / handles without it
        logger.exception("bridge: a prepare step failed; handling without it")
        return None


def _dead_letter_all(batch: list[Incoming]) -> None:
    for item in batch:
        try:
            with transaction.atomic():
                dead_letter_record(
                    topic=item.topic,
                    device=None,
                    received_at=item.received_at,
                    reason="internal_error",
                    detail="the bridge failed on this message's batch",
                    payload=item.payload,
                )
        except Exception:
            logger.exception("bridge: could not dead-letter a message of %s", item.topic[:200])


class Bridge:
    def __init__(
        self,
        *,
        workers: int | None = None,
        batch_size: int | None = None,
        stall_after_s: float = STALL_AFTER_S,
        report_every_s: float = 2.0,
    ) -> None:
        # SQLite has one writer; on PostgreSQL two workers already saturate the GIL (bench/README.md).
        default_workers = 1 if connection.vendor == "sqlite" else 2
        self.workers = workers or settings.MQTT_BRIDGE_WORKERS or default_workers
        self.batch_size = batch_size or settings.MQTT_BRIDGE_BATCH
        # One inbox per worker, chosen by device: a device's messages stay in order, and two
        # workers never hold locks on the same device row (no deadlocks between batches).
        self.inboxes: list[queue.Queue[Incoming]] = [
            queue.Queue(maxsize=max(1000, INBOX_CAPACITY // self.workers)) for _ in range(self.workers)
        ]
        self.stopping = threading.Event()
        self.connected = threading.Event()
        self.handled = 0
        self.progress = Progress(self.workers, stall_after_s=stall_after_s)
        self.report_every_s = report_every_s
        self.stalled = ""  # why, while stalled (the reporter's view)
        self._alarm_pending = False
        self._threads: list[threading.Thread] = []
        self._prepare_pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="mqtt-bridge-prepare")
        self.client = platform_client(client_id_suffix="bridge", clean=False, manual_ack=True)
        self.client.on_connect = self._on_connect
        self.client.on_subscribe = self._on_subscribe
        self.client.on_disconnect = self._on_disconnect
        self.client.on_message = self._on_message

    # paho callbacks (network thread): keep them tiny
    def _on_connect(self, client: mqtt.Client, userdata: object, flags: object, rc: object, props: object) -> None:
        if getattr(rc, "is_failure", False):
            logger.error("bridge: broker refused the connection: %s", rc)
            return
        result, _mid = client.subscribe(SUBSCRIPTIONS)  # again on every reconnect
        if result != mqtt.MQTT_ERR_SUCCESS:
            logger.error("bridge: subscribe failed: %s", mqtt.error_string(result))

    def _on_subscribe(self, client: mqtt.Client, userdata: object, mid: int, codes: list[Any], props: object) -> None:
        # Ready only once the broker granted the subscriptions (SUBACK), not at CONNACK.
        refused = [c for c in codes if getattr(c, "is_failure", False)]
        if refused:
            logger.error("bridge: broker refused subscriptions: %s", refused)
            return
        self.connected.set()
        logger.info("bridge: connected, subscribed to %s", ", ".join(t for t, _ in SUBSCRIPTIONS))

    def _on_disconnect(self, client: mqtt.Client, userdata: object, flags: object, rc: object, props: object) -> None:
        self.connected.clear()
        if not self.stopping.is_set():
            logger.warning("bridge: disconnected (%s); paho reconnects", rc)

    def _on_message(self, client: mqtt.Client, userdata: object, msg: mqtt.MQTTMessage) -> None:
        # Nothing may escape into paho's thread (it would stop reading), so not even a topic that
        # is not UTF-8: it is kept readable and refused as bad_topic by the worker.
        try:
            topic = msg.topic
        except UnicodeDecodeError:
            topic = msg._topic.decode("utf-8", "backslashreplace")
        # Blocking put: a full inbox stops reading the socket, which is the backpressure we want.
        inbox = self.inboxes[zlib.crc32(topic.rpartition("/")[0].encode("utf-8", "backslashreplace")) % self.workers]
        item = Incoming(topic, bytes(msg.payload), msg.mid, msg.qos, timezone.now())
        if len(item.payload) >= EARLY_PREPARE_BYTES and topic.endswith("/event"):
            # An image (gate frame, face payment): parse and analyse it now, in parallel with
            # whatever the worker for this device is still doing.
            item = replace(item, early=self._prepare_pool.submit(_parse_and_prepare_closing, item))
        inbox.put(item)

    # workers
    def _take_batch(self, inbox: queue.Queue[Incoming]) -> list[Incoming]:
        try:
            batch = [inbox.get(timeout=0.5)]
        except queue.Empty:
            return []
        while len(batch) < self.batch_size:
            try:
                batch.append(inbox.get_nowait())
            except queue.Empty:
                break
        return batch

    def _parsed(self, batch: list[Incoming], worker: int) -> list[Parsed]:
        """Each message parsed once and its prepare step run (concurrently, outside any transaction)."""
        early = {i: _result(item.early) for i, item in enumerate(batch) if item.early is not None}
        parsed: dict[int, Parsed] = {i: done for i, done in early.items() if done is not None}
        running: dict[int, tuple[dispatch.Message, Future[dispatch.Prepared | None]]] = {}
        for i, item in enumerate(batch):
            if i in parsed:
                continue
            message = self._retrying(functools.partial(_parse, item), worker, give_up=functools.partial(_unparsed, item))
            job = dispatch.prepare_job(message)
            if job is None:
                parsed[i] = (message, None)
            else:
                running[i] = (message, self._prepare_pool.submit(_run_closing, job))
        for i, (message, future) in running.items():
            parsed[i] = (message, _result(future))
        return [parsed[i] for i in range(len(batch))]

    def _retrying(self, step: Callable[[], T], worker: int, *, give_up: Callable[[Exception], T] | None = None) -> T:
        """step() until the database answers it. With give_up, a database error that keeps coming
        while the database answers `SELECT 1` ends in give_up(error) instead of a retry."""
        delay, attempts = RETRY_DELAY_S, 0
        while True:
            try:
                return step()
            except (OperationalError, InterfaceError, isolation.DatabaseUnavailable) as exc:
                attempts += 1
                down = isinstance(exc, isolation.DatabaseUnavailable) or not isolation.database_reachable()
                if not down and give_up is not None and attempts >= FAST_PATH_DB_RETRIES:
                    return give_up(exc)
                if down:  # only that is a stall: a message's own trouble ends in a dead letter
                    self.progress.failed(worker, exc)
                if self.stopping.is_set():
                    raise
                logger.warning("bridge: database unavailable (%s); retrying in %.1fs", exc.__class__.__name__, delay)
                close_old_connections()
                time.sleep(delay)
                delay = min(delay * 2, 10.0)

    def _apply(self, batch: list[Incoming], worker: int = 0) -> None:
        # One topic order for every batch: two workers then lock the same device rows in the same
        # order and cannot deadlock on them. Same-device messages keep their arrival order.
        batch = sorted(batch, key=lambda item: item.topic)
        parsed = self._parsed(batch, worker)
        attempts, delay = 0, RETRY_DELAY_S
        while True:
            try:
                with transaction.atomic():  # fast path: the whole batch, no savepoints
                    for message, prepared in parsed:
                        dispatch.handle_message(message, prepared, savepoints=False)
                return
            except (OperationalError, InterfaceError) as exc:
                if self.stopping.is_set():
                    raise
                attempts += 1
                up = isolation.database_reachable()
                if not up:  # a stall; a poison batch (database up) is isolated below instead
                    self.progress.failed(worker, exc)
                elif attempts >= FAST_PATH_DB_RETRIES:
                    # The database answers, yet this batch keeps failing: one of its messages is
                    # poison to it (a timeout, a value it refuses). Find it by isolating each.
                    logger.warning("bridge: a batch of %d failed %d times on %s; isolating", len(batch), attempts, exc)
                    break
                logger.warning("bridge: database error (%s); retrying %d messages in %.1fs", exc, len(batch), delay)
                close_old_connections()
                time.sleep(delay)
                delay = min(delay * 2, 10.0)
            except Exception:
                # Some message needs isolating (bad data inside a handler, a unique race, a bug).
                logger.debug("bridge: isolating the %d messages of a failed batch", len(batch), exc_info=True)
                break
        # In-memory state the rolled-back attempt left behind must not steer the isolated pass.
        presence_marks_forget()
        registry_cache.forget()
        for message, prepared in parsed:
            self._retrying(functools.partial(isolation.handle_isolated, message, prepared), worker)

    def _work(self, worker: int) -> None:
        inbox = self.inboxes[worker]
        try:
            while not self.stopping.is_set() or not inbox.empty():
                batch = self._take_batch(inbox)
                if not batch:
                    self.progress.idle(worker)
                    continue
                self.progress.busy(worker, len(batch))
                try:
                    self._apply(batch, worker)
                except (OperationalError, InterfaceError, isolation.DatabaseUnavailable):
                    return  # stopping with the database down: unacked, the broker redelivers
                except Exception:
                    # Not reachable by design (every step above is guarded), but a worker must
                    # never die: its inbox would fill and freeze paho's thread. Dead-lettered and
                    # acknowledged, so the broker does not hand the same batch back forever.
                    logger.exception("bridge: a batch of %d failed unexpectedly; dead-lettered", len(batch))
                    _dead_letter_all(batch)
                for item in batch:
                    if item.qos > 0:
                        self.client.ack(item.mid, item.qos)
                self.handled += len(batch)
                self.progress.done(worker)
        finally:
            connection.close()

    def _report(self) -> None:
        # Here, not in paho callbacks: a slow cache must never stall the network thread.
        try:
            while True:
                self._check_stall()
                bridge_report(connected=self.connected.is_set(), stalled=self.stalled)
                if self.stopping.wait(self.report_every_s):
                    return
        finally:
            connection.close()

    def _check_stall(self) -> None:
        reason = self.progress.stalled([q.qsize() for q in self.inboxes], [q.full() for q in self.inboxes])
        if reason and not self.stalled:
            logger.error("bridge: stalled: %s", reason)
            self._alarm_pending = True
        elif not reason and self.stalled:
            logger.warning("bridge: making progress again")
            if not self._alarm_pending:  # an alarm went out for this episode: say it is over
                bridge_recovered.send_robust(sender=Bridge, at=timezone.now())
            self._alarm_pending = False
        self.stalled = reason
        if reason and self._alarm_pending:
            # Once per episode; again on the next check only if a receiver failed (the database
            # may be what is stalling us: the alarm goes out when it is back).
            results = bridge_stalled.send_robust(sender=Bridge, reason=reason, at=timezone.now())
            self._alarm_pending = any(isinstance(result, Exception) for _receiver, result in results)
            close_old_connections()

    def start(self) -> None:
        publisher.install(self.client)
        for i in range(self.workers):
            t = threading.Thread(target=self._work, args=(i,), name=f"mqtt-bridge-worker-{i}", daemon=True)
            t.start()
            self._threads.append(t)
        reporter = threading.Thread(target=self._report, name="mqtt-bridge-report", daemon=True)
        reporter.start()
        self._threads.append(reporter)
        self.client.loop_start()

    def wait_connected(self, timeout: float = 10.0) -> bool:
        return self.connected.wait(timeout)

    def stop(self, *, end_session: bool = False) -> None:
        """Stop; the broker keeps our persistent session (and queues for it) unless end_session."""
        self.stopping.set()
        self.client.disconnect()
        self.client.loop_stop()
        for t in self._threads:
            t.join(timeout=10)
        publisher.install(None)
        bridge_report(connected=False)
        self._prepare_pool.shutdown(wait=False, cancel_futures=True)
        if end_session:
            self._end_session()

    def _end_session(self) -> None:
        # A clean-session connect under the same client id makes the broker drop the session:
        # tests and benchmarks must not leave queues behind on a shared Mosquitto.
        endpoint = mqtt_endpoint()
        client_id = self.client._client_id.decode()
        closer = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, clean_session=True)
        closer.username_pw_set(endpoint.username, endpoint.password)
        try:
            closer.connect(endpoint.host, endpoint.port, keepalive=10)
            closer.loop_start()
            time.sleep(0.2)
            closer.disconnect()
            closer.loop_stop()
        except OSError:
            logger.warning("bridge: could not end the session of %s", client_id)
