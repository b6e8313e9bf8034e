"""WebSocket origin check on scheme, host AND port (Channels' AllowedHostsOriginValidator only
compares the host name, so a page on another port of the same host was let in).

A handshake is accepted when its Origin equals, after normalising default ports:
- one of settings.WEBSOCKET_ALLOWED_ORIGINS ("https://office.example.gov.cn", exact), or,
  when that is empty, CSRF_TRUSTED_ORIGINS (the same deployment knowledge); or
- the origin the socket itself was opened on: the Host header (which must be in ALLOWED_HOSTS)
  with the request's scheme (wss, or X-Forwarded-Proto per SECURE_PROXY_SSL_HEADER -> https).
No Origin header (not a browser) is refused: every client of these sockets is a page of ours.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host

Origin = tuple[str, str, int]
DEFAULT_PORTS = {"http": 80, "https": 443}


def origin_parse(text: str) -> Origin | None:
    """(scheme, host, port) of an http(s) origin, or None."""
    try:
        parts = urlsplit(text.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname or parts.username or parts.path not in ("", "/"):
        return None
    return scheme, parts.hostname.lower(), port or DEFAULT_PORTS[scheme]


def _header(scope: dict[str, Any], name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return ""


def _request_scheme(scope: dict[str, Any]) -> str:
    if scope.get("scheme") in ("wss", "https"):
        return "https"
    proxy = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if proxy:
        name = proxy[0].removeprefix("HTTP_").lower().replace("_", "-").encode()
        if _header(scope, name) == proxy[1]:
            return "https"
    return "http"


def _own_origin(scope: dict[str, Any]) -> Origin | None:
    host_header = _header(scope, b"host")
    domain, port = split_domain_port(host_header)
    if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
        return None
    scheme = _request_scheme(scope)
    try:
        return scheme, domain.strip("[]").lower(), int(port) if port else DEFAULT_PORTS[scheme]
    except ValueError:
        return None


def origin_allowed(scope: dict[str, Any]) -> bool:
    origin = origin_parse(_header(scope, b"origin"))
    if origin is None:
        return False
    configured = list(getattr(settings, "WEBSOCKET_ALLOWED_ORIGINS", []) or getattr(settings, "CSRF_TRUSTED_ORIGINS", []))
    if any(origin == origin_parse(allowed) for allowed in configured):
        return True
    return origin == _own_origin(scope)


class OriginValidator:
    """ASGI middleware in front of the WebSocket router (config/asgi.py)."""

    def __init__(self, application: Any) -> None:
        self.application = application

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        if scope.get("type") == "websocket" and not origin_allowed(scope):
            return await WebsocketDenier()(scope, receive, send)
        return await self.application(scope, receive, send)
