"""The MQTT bridge: the paho loop and nothing else of the domain.

paho's network thread only queues messages. Worker threads take them in batches, call
devices.dispatch.handle for each inside one transaction (one savepoint per message), commit,
and only then acknowledge (manual QoS 1 acks). A crash before commit means the broker
redelivers; nothing accepted is lost and nothing is applied twice (dedupe by id).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
import zlib
from collections.abc import Callable
from concurrent.futures import CancelledError, Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import paho.mqtt.client as mqtt
from django.conf import settings
from django.db import InterfaceError, OperationalError, close_old_connections, connection, transaction
from django.utils import timezone

from devices import dispatch, publisher, registry_cache
from devices.bridge_status import bridge_report
from devices.mqtt_client import platform_client
from devices.mqtt_config import mqtt_endpoint
from devices.services import presence_marks_forget

logger = logging.getLogger(__name__)

EARLY_PREPARE_BYTES = 8 * 1024  # events this large carry an image: prepare them on arrival
INBOX_CAPACITY = 10_000  # Mosquitto's max_queued_messages (deploy/mosquitto) is set above this
SUBSCRIPTIONS = [("so/+/+/event", 1), ("so/+/+/telemetry", 1), ("so/+/+/status", 1)]


@dataclass(frozen=True)
class Incoming:
    topic: str
    payload: bytes
    mid: int
    qos: int
    received_at: datetime
    early: Future[dispatch.Prepared | None] | None = None  # preparation started on arrival


def _outcome(future: Future[dispatch.Prepared | None]) -> dispatch.Prepared | None:
    try:
        return future.result()
    except CancelledError:  # the bridge is stopping; handle() works without a preparation
        return None
    except Exception:  # a preparation is an optimisation: handle() finds and answers any problem
        logger.exception("bridge: a prepare step failed; handling without it")
        return None


def _job_or_none(item: Incoming) -> Callable[[], dispatch.Prepared | None] | None:
    try:
        return dispatch.prepare_job(item.topic, item.payload)
    except Exception:  # e.g. the database blinked during the device lookup
        logger.exception("bridge: could not look for a prepare step of %s", item.topic)
        return None


def _prepare_closing(topic: str, payload: bytes) -> dispatch.Prepared | None:
    """Find and run a message's prepare job in a pool thread (see _run_closing)."""
    try:
        job = dispatch.prepare_job(topic, payload)
        return job() if job is not None else None
    finally:
        connection.close()


def _run_closing(job: Callable[[], dispatch.Prepared | None]) -> dispatch.Prepared | None:
    """Run a prepare job in a pool thread and drop that thread's database connection after:
    pool threads outlive the bridge, and an open connection would pin the database."""
    try:
        return job()
    finally:
        connection.close()


class Bridge:
    def __init__(self, *, workers: int | None = None, batch_size: int | None = None) -> None:
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
        # Blocking put: a full inbox stops reading the socket, which is the backpressure we want.
        device_prefix = msg.topic.rpartition("/")[0]
        inbox = self.inboxes[zlib.crc32(device_prefix.encode()) % self.workers]
        payload = bytes(msg.payload)
        early = None
        if len(payload) >= EARLY_PREPARE_BYTES and msg.topic.endswith("/event"):
            # An image (gate frame, face payment): start its analysis now, in parallel with
            # whatever the worker for this device is still doing.
            early = self._prepare_pool.submit(_prepare_closing, msg.topic, payload)
        inbox.put(Incoming(msg.topic, payload, msg.mid, msg.qos, timezone.now(), early))

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

    def _apply(self, batch: list[Incoming]) -> None:
        # One topic order for every batch: two workers then lock the same device rows in the same
        # order and cannot deadlock on them. Same-device messages keep their arrival order.
        batch = sorted(batch, key=lambda item: item.topic)
        # CPU-heavy preparation (face analysis) before the transaction, so no lock is held
        # meanwhile, and concurrently, so two gates' frames in one batch use two pool workers.
        jobs = [None if item.early else _job_or_none(item) for item in batch]
        running = {i: self._prepare_pool.submit(_run_closing, job) for i, job in enumerate(jobs) if job is not None}
        for i, item in enumerate(batch):
            if item.early is not None:
                running[i] = item.early
        prepared = [_outcome(running[i]) if i in running else None for i in range(len(batch))]
        delay = 0.5
        while True:
            try:
                try:
                    with transaction.atomic():  # fast path: the whole batch, no savepoints
                        for item, ready in zip(batch, prepared, strict=True):
                            dispatch.handle(item.topic, item.payload, item.received_at, ready, savepoints=False)
                except (OperationalError, InterfaceError):
                    raise  # the database itself: retry below, nothing acknowledged
                except Exception:
                    # Some message needs isolating (bad data inside a handler, a unique race):
                    # replay the batch with one savepoint per message, where each is answered.
                    logger.debug("bridge: replaying a batch of %d with savepoints", len(batch), exc_info=True)
                    # In-memory state the rolled-back attempt left behind must not steer the replay.
                    presence_marks_forget()
                    registry_cache.forget()
                    with transaction.atomic():
                        for item, ready in zip(batch, prepared, strict=True):
                            dispatch.handle(item.topic, item.payload, item.received_at, ready)
                return
            except (OperationalError, InterfaceError):
                if self.stopping.is_set():
                    raise
                logger.exception("bridge: database error; retrying %d messages in %.1fs", len(batch), delay)
                close_old_connections()
                connection.close()
                time.sleep(delay)
                delay = min(delay * 2, 10.0)

    def _work(self, inbox: queue.Queue[Incoming]) -> None:
        try:
            while not self.stopping.is_set() or not inbox.empty():
                batch = self._take_batch(inbox)
                if not batch:
                    continue
                try:
                    self._apply(batch)
                except (OperationalError, InterfaceError):
                    return  # stopping with the database down: unacked, the broker redelivers
                except Exception:
                    # Never let a worker die: its inbox would fill and freeze paho's thread. The
                    # batch stays unacknowledged; the broker redelivers it on the next session.
                    logger.exception("bridge: a batch of %d failed unexpectedly; not acknowledged", len(batch))
                    continue
                for item in batch:
                    if item.qos > 0:
                        self.client.ack(item.mid, item.qos)
                self.handled += len(batch)
        finally:
            connection.close()

    def _report(self) -> None:
        # Here, not in paho callbacks: a slow cache must never stall the network thread.
        while True:
            bridge_report(connected=self.connected.is_set())
            if self.stopping.wait(2.0):
                return

    def start(self) -> None:
        publisher.install(self.client)
        for i in range(self.workers):
            t = threading.Thread(target=self._work, args=(self.inboxes[i],), name=f"mqtt-bridge-worker-{i}", daemon=True)
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
