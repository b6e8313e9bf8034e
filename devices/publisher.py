"""The one way out to devices.

Inside the bridge process the bridge installs its own connected client; elsewhere (web,
Celery) a standalone client connects on first use. Every publish's rc is checked.
"""

from __future__ import annotations

import logging
import threading

import paho.mqtt.client as mqtt

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_client: mqtt.Client | None = None
_owned = False


class PublishFailed(RuntimeError):
    pass


def install(client: mqtt.Client | None) -> None:
    """The bridge hands over its client (None on shutdown)."""
    global _client, _owned
    with _lock:
        if _owned and _client is not None:
            _client.loop_stop()
            _client.disconnect()
        _client, _owned = client, False


def _standalone() -> mqtt.Client:
    from devices.mqtt_client import platform_client

    client = platform_client(client_id_suffix="publisher", clean=True)
    client.loop_start()
    return client


def publish(topic: str, payload: bytes, *, qos: int = 1) -> None:
    global _client, _owned
    with _lock:
        if _client is None:
            _client, _owned = _standalone(), True
        client = _client
    info = client.publish(topic, payload, qos=qos)
    if info.rc != mqtt.MQTT_ERR_SUCCESS:
        # Queued for retry by paho while disconnected (MQTT_ERR_NO_CONN still queues QoS>0).
        level = logging.WARNING if info.rc == mqtt.MQTT_ERR_NO_CONN else logging.ERROR
        logger.log(level, "publish to %s returned rc=%s (%s)", topic, info.rc, mqtt.error_string(info.rc))
        if info.rc not in (mqtt.MQTT_ERR_NO_CONN, mqtt.MQTT_ERR_QUEUE_SIZE):
            raise PublishFailed(f"publish to {topic} failed: {mqtt.error_string(info.rc)}")
