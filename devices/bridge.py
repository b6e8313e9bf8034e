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
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import paho.mqtt.client as mqtt
from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection, transaction
from django.utils import timezone

from devices import dispatch, publisher
from devices.bridge_status import bridge_report
from devices.mqtt_client import platform_client

logger = logging.getLogger(__name__)

SUBSCRIPTIONS = [("so/+/+/event", 1), ("so/+/+/telemetry", 1), ("so/+/+/status", 1)]


@dataclass(frozen=True)
class Incoming:
    topic: str
    payload: bytes
    mid: int
    qos: int
    received_at: datetime


class Bridge:
    def __init__(self, *, workers: int | None = None, batch_size: int | None = None) -> None:
        default_workers = 1 if connection.vendor == "sqlite" else 4  # SQLite has one writer
        self.workers = workers or settings.MQTT_BRIDGE_WORKERS or default_workers
        self.batch_size = batch_size or settings.MQTT_BRIDGE_BATCH
        self.inbox: queue.Queue[Incoming] = queue.Queue(maxsize=10_000)
        self.stopping = threading.Event()
        self.connected = threading.Event()
        self.handled = 0
        self._threads: list[threading.Thread] = []
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
        self.inbox.put(Incoming(msg.topic, bytes(msg.payload), msg.mid, msg.qos, timezone.now()))

    # workers
    def _take_batch(self) -> list[Incoming]:
        try:
            batch = [self.inbox.get(timeout=0.5)]
        except queue.Empty:
            return []
        while len(batch) < self.batch_size:
            try:
                batch.append(self.inbox.get_nowait())
            except queue.Empty:
                break
        return batch

    def _apply(self, batch: list[Incoming]) -> None:
        delay = 0.5
        while True:
            try:
                with transaction.atomic():
                    for item in batch:
                        dispatch.handle(item.topic, item.payload, item.received_at)
                return
            except DatabaseError:
                if self.stopping.is_set():
                    raise
                logger.exception("bridge: database error; retrying %d messages in %.1fs", len(batch), delay)
                close_old_connections()
                connection.close()
                time.sleep(delay)
                delay = min(delay * 2, 10.0)

    def _work(self) -> None:
        try:
            while not self.stopping.is_set() or not self.inbox.empty():
                batch = self._take_batch()
                if not batch:
                    continue
                try:
                    self._apply(batch)
                except DatabaseError:
                    return  # stopping with the database down: unacked, the broker redelivers
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
            t = threading.Thread(target=self._work, name=f"mqtt-bridge-worker-{i}", daemon=True)
            t.start()
            self._threads.append(t)
        reporter = threading.Thread(target=self._report, name="mqtt-bridge-report", daemon=True)
        reporter.start()
        self._threads.append(reporter)
        self.client.loop_start()

    def wait_connected(self, timeout: float = 10.0) -> bool:
        return self.connected.wait(timeout)

    def stop(self) -> None:
        self.stopping.set()
        self.client.disconnect()
        self.client.loop_stop()
        for t in self._threads:
            t.join(timeout=10)
        publisher.install(None)
        bridge_report(connected=False)
