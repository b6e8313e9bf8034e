"""GET /healthz: one JSON object with the state of every moving part."""

from __future__ import annotations

import socket
import uuid

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from devices.bridge_status import bridge_state
from devices.mqtt_config import mqtt_endpoint


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception as exc:
        return f"error: {exc.__class__.__name__}"


def _channel_layer() -> str:
    layer = get_channel_layer()
    if layer is None:
        return "error: not configured"
    try:
        channel = async_to_sync(layer.new_channel)()
        probe = {"type": "health.probe", "nonce": uuid.uuid4().hex}
        async_to_sync(layer.send)(channel, probe)
        received = async_to_sync(layer.receive)(channel)
        return "ok" if received.get("nonce") == probe["nonce"] else "error: wrong message"
    except Exception as exc:
        return f"error: {exc.__class__.__name__}"


def _broker() -> str:
    endpoint = mqtt_endpoint()
    host, port = endpoint.host, endpoint.port
    try:
        with socket.create_connection((host, port), timeout=1.0):
            return "ok"
    except OSError as exc:
        return f"error: {exc.strerror or exc.__class__.__name__}"


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    states = {
        "database": _database(),
        "channel_layer": _channel_layer(),
        "broker": _broker(),
        "bridge": bridge_state(),
    }
    healthy = all(v == "ok" for v in states.values())
    body = {"status": "ok" if healthy else "degraded", **states}
    # 200 while the database answers (the web part can serve); 503 only when it cannot.
    return JsonResponse(body, status=200 if states["database"] == "ok" else 503)
