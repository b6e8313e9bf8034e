"""Builds paho clients for the platform side (bridge, publisher, tools)."""

from __future__ import annotations

import os
import socket
import ssl

import paho.mqtt.client as mqtt
from django.conf import settings

from devices.mqtt_config import mqtt_endpoint


def platform_client(*, client_id_suffix: str, clean: bool, manual_ack: bool = False) -> mqtt.Client:
    """A connected-async paho client with the platform credentials (call loop_start/forever)."""
    endpoint = mqtt_endpoint()
    client_id = f"{settings.MQTT_CLIENT_ID}-{client_id_suffix}"
    if clean:
        client_id = f"{client_id}-{socket.gethostname()}-{os.getpid()}"
    client = mqtt.Client(
        mqtt.CallbackAPIVersion.VERSION2,
        client_id=client_id,
        clean_session=clean,
        protocol=mqtt.MQTTv311,
        manual_ack=manual_ack,
    )
    client.username_pw_set(endpoint.username, endpoint.password)
    if endpoint.tls:
        client.tls_set(cert_reqs=ssl.CERT_REQUIRED)
    client.max_inflight_messages_set(100)
    client.max_queued_messages_set(10000)
    client.reconnect_delay_set(min_delay=1, max_delay=30)
    client.connect_async(endpoint.host, endpoint.port, keepalive=30)
    return client
