"""Health endpoints: /healthz (every moving part, the contract), /livez and /readyz (orchestrators).

The kernel checks the database and the channel layer itself; every other part (the MQTT broker and
bridge, ...) is a check an app contributes (DomainConfig.health_checks)."""

from __future__ import annotations

import uuid

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from core.registry import health_checks


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


def _states() -> dict[str, str]:
    states = {"database": _database(), "channel_layer": _channel_layer()}
    for name, check in health_checks().items():
        try:
            states[name] = check()
        except Exception as exc:  # a broken check is a failing part, not a 500
            states[name] = f"error: {exc.__class__.__name__}"
    return states


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    states = _states()
    healthy = all(v == "ok" for v in states.values())
    body = {"status": "ok" if healthy else "degraded", **states}
    # 200 while the database answers (the web part can serve); 503 only when it cannot.
    return JsonResponse(body, status=200 if states["database"] == "ok" else 503)


@never_cache
def livez(request: HttpRequest) -> JsonResponse:
    """The process answers: restart it only when this fails (touches nothing else)."""
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Ready for traffic only when every part is: 503 while the bridge is still connecting."""
    states = _states()
    ready = all(v == "ok" for v in states.values())
    return JsonResponse({"status": "ready" if ready else "not ready", **states}, status=200 if ready else 503)
