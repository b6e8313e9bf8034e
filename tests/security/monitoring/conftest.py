"""Fixtures of the monitoring tests: a real ASGI server, real WebSocket panel clients, real video sources."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import ClientConnection, connect

from portal.models import User
from tests.conftest import free_port
from tests.helpers import session_for


@dataclass
class AsgiServer:
    host: str
    port: int

    @property
    def http(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def ws(self) -> str:
        return f"ws://{self.host}:{self.port}"


@pytest.fixture
def asgi_server(transactional_db: None) -> Iterator[AsgiServer]:
    """config.asgi:application served by uvicorn in a thread of this process (so the in-memory
    channel layer is shared with the publishers: the bridge and the views)."""
    import uvicorn

    port = free_port()
    config = uvicorn.Config(
        "config.asgi:application", host="127.0.0.1", port=port, lifespan="off", log_level="warning",
        timeout_graceful_shutdown=1,  # channels-redis receivers sit in a 5 s BZPOPMIN; do not wait for them
    )  # fmt: skip
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    yield AsgiServer("127.0.0.1", port)
    server.should_exit = True
    thread.join(timeout=5)


class PanelClient:
    """A real WebSocket client on /ws/panel/, reading in a thread; `events` fills as they arrive."""

    def __init__(self, conn: ClientConnection) -> None:
        self.conn = conn
        self.events: list[dict[str, Any]] = []
        self.arrived: list[float] = []
        self._cond = threading.Condition()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        try:
            for message in self.conn:
                with self._cond:
                    self.events.append(json.loads(message))
                    self.arrived.append(time.monotonic())
                    self._cond.notify_all()
        except ConnectionClosed:
            pass

    def wait_for(self, match: Callable[[dict[str, Any]], bool], timeout: float = 5.0) -> dict[str, Any]:
        with self._cond:
            ok = self._cond.wait_for(lambda: any(match(e) for e in self.events), timeout=timeout)
            if not ok:
                raise AssertionError(f"no matching event within {timeout}s; got {self.events}")
            return next(e for e in self.events if match(e))

    def close(self) -> None:
        self.conn.close()
        self._thread.join(timeout=5)


@pytest.fixture
def open_panel(asgi_server: AsgiServer) -> Iterator[Callable[..., PanelClient]]:
    """open_panel(user, origin=...) -> a connected PanelClient; raises InvalidStatus / ConnectionClosed if refused."""
    opened: list[PanelClient] = []

    def open_(user: User | None, *, origin: str | None = None) -> PanelClient:
        headers = {"Cookie": f"sessionid={session_for(user)}"} if user is not None else {}
        conn = connect(
            f"{asgi_server.ws}/ws/panel/",
            origin=origin or asgi_server.http,  # type: ignore[arg-type]
            additional_headers=headers,
            proxy=None,
            open_timeout=5,
        )
        client = PanelClient(conn)
        opened.append(client)
        return client

    yield open_
    for client in opened:
        client.close()


def refused(open_: Callable[[], PanelClient]) -> bool:
    """True if the server refuses the handshake, or accepts nothing and closes at once."""
    try:
        client = open_()
    except InvalidStatus:
        return True
    client._thread.join(timeout=3)
    return client.conn.close_code is not None and not client.events


# --- video sources for snapshots -------------------------------------------------------------

RED_LEFT = (0, 0, 255)  # BGR


def sample_frame(width: int = 160, height: int = 120) -> np.ndarray:
    frame = np.zeros((height, width, 3), np.uint8)
    frame[:, : width // 2] = RED_LEFT
    frame[:, width // 2 :] = (255, 255, 255)
    return frame


@pytest.fixture
def video_file(tmp_path: Path) -> Path:
    """A short MJPG .avi written with cv2.VideoWriter: left half red, right half white."""
    path = tmp_path / "camera.avi"
    frame = sample_frame()
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 10, (frame.shape[1], frame.shape[0]))
    for _ in range(10):
        writer.write(frame)
    writer.release()
    assert path.stat().st_size > 0
    return path


@pytest.fixture
def mjpeg_stream() -> Iterator[str]:
    """A local MJPEG-over-HTTP camera (multipart/x-mixed-replace), served from a thread."""
    ok, jpeg = cv2.imencode(".jpg", sample_frame())
    assert ok
    body = jpeg.tobytes()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "multipart/x-mixed-replace; boundary=frame")
            self.end_headers()
            try:
                for _ in range(100):
                    self.wfile.write(b"--frame\r\nContent-Type: image/jpeg\r\nContent-Length: %d\r\n\r\n" % len(body))
                    self.wfile.write(body + b"\r\n")
                    time.sleep(0.04)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/stream.mjpg"
    server.shutdown()
    server.server_close()
