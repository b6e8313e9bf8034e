"""Issue 9 item 6: the WebSocket origin check compares scheme, host AND port."""

from __future__ import annotations

from typing import Any

import pytest
from channels.testing import WebsocketCommunicator
from django.test import override_settings

from config.asgi import application
from core.ws_origin import origin_allowed
from tests.helpers import session_for


def scope(origin: str | None, host: str = "127.0.0.1:8000", scheme: str = "ws", **headers: str) -> dict[str, Any]:
    pairs = [(b"host", host.encode())] + ([(b"origin", origin.encode())] if origin is not None else [])
    pairs += [(k.replace("_", "-").encode(), v.encode()) for k, v in headers.items()]
    return {"type": "websocket", "scheme": scheme, "headers": pairs}


def test_same_origin_only_on_the_same_scheme_host_and_port() -> None:
    assert origin_allowed(scope("http://127.0.0.1:8000"))
    assert not origin_allowed(scope("http://127.0.0.1:9000"))  # another port of the same host
    assert not origin_allowed(scope("https://127.0.0.1:8000"))  # another scheme
    assert not origin_allowed(scope("http://localhost:8000"))  # another host name
    assert not origin_allowed(scope(None))  # no Origin: not a page of ours
    assert origin_allowed(scope("http://localhost", host="localhost"))  # default port 80 on both sides
    assert not origin_allowed(scope("http://localhost:8080", host="localhost"))
    assert not origin_allowed(scope("http://evil.example.com", host="evil.example.com"))  # not in ALLOWED_HOSTS


def test_behind_the_tls_proxy_and_configured_origins() -> None:
    with override_settings(SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"), ALLOWED_HOSTS=["office.example.gov.cn"]):
        proxied = {"host": "office.example.gov.cn", "x_forwarded_proto": "https"}
        assert origin_allowed(scope("https://office.example.gov.cn", **proxied))
        assert not origin_allowed(scope("https://office.example.gov.cn:8443", **proxied))
        assert not origin_allowed(scope("http://office.example.gov.cn", **proxied))
    with override_settings(WEBSOCKET_ALLOWED_ORIGINS=["https://panel.example.gov.cn:8443"]):
        assert origin_allowed(scope("https://panel.example.gov.cn:8443", host="elsewhere"))
        assert not origin_allowed(scope("https://panel.example.gov.cn", host="elsewhere"))


@pytest.mark.django_db(transaction=True)
async def test_the_panel_socket_refuses_another_port(chen_guard) -> None:
    from asgiref.sync import sync_to_async

    cookie = f"sessionid={await sync_to_async(session_for)(chen_guard)}".encode()
    for origin, expected in ((b"http://localhost:8000", True), (b"http://localhost:9000", False)):
        ws = WebsocketCommunicator(
            application, "/ws/panel/", headers=[(b"host", b"localhost:8000"), (b"origin", origin), (b"cookie", cookie)]
        )
        connected, _ = await ws.connect()
        assert connected is expected, origin
        await ws.disconnect()
