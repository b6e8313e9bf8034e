"""The device path's readiness checks for /healthz (DomainConfig.health_checks)."""

from __future__ import annotations

import socket

from devices.bridge_status import bridge_state
from devices.mqtt_config import mqtt_endpoint


def broker_check() -> str:
    endpoint = mqtt_endpoint()
    try:
        with socket.create_connection((endpoint.host, endpoint.port), timeout=1.0):
            return "ok"
    except OSError as exc:
        return f"error: {exc.strerror or exc.__class__.__name__}"


def bridge_check() -> str:
    return bridge_state()
