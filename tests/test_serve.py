"""`make run`'s process for real: migrate, seed, serve; then talk to it over HTTP and MQTT."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from django.conf import settings

from devices.simulator import SimDevice
from tests.conftest import free_port

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def manage(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=check, timeout=120
    )


@pytest.fixture
def serve_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DATABASE_URL=f"sqlite:///{tmp_path / 'serve.sqlite3'}",  # never the developer's or CI's database
        PORT=str(free_port()),
        MQTT_PORT=str(free_port()),
        DEBUG="false",
        # Its own bridge identity: a shared Mosquitto may see other runs' bridges.
        MQTT_CLIENT_ID=f"serve-test-{uuid.uuid4().hex[:8]}",
    )
    manage(env, "migrate", "--noinput")
    manage(env, "seed_demo")
    return env


def get_json(url: str) -> tuple[int, dict[str, object]]:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310  (our own localhost server)
        return response.status, json.loads(response.read())


@pytest.fixture
def server(serve_env: dict[str, str]) -> Iterator[subprocess.Popen[str]]:
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "serve"],
        cwd=ROOT,
        env=serve_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{serve_env['PORT']}/healthz"
    deadline = time.monotonic() + 60
    while True:
        try:
            _status, body = get_json(url)
            if body.get("bridge") == "ok":
                break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"serve did not come up: {proc.communicate()[0][-3000:]}")
        time.sleep(0.3)
    yield proc
    if proc.poll() is None:
        proc.kill()
        proc.wait()
    if serve_env.get("MQTT_URL"):  # leave no persistent session behind on the shared broker
        broker = urllib.parse.urlsplit(serve_env["MQTT_URL"])
        closer = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"{serve_env['MQTT_CLIENT_ID']}-bridge")
        closer.username_pw_set(settings.MQTT_PLATFORM_USERNAME, settings.MQTT_PLATFORM_PASSWORD)
        closer.connect(broker.hostname or "127.0.0.1", broker.port or 1883)
        closer.disconnect()


def test_serve_answers_http_and_a_new_device_talks_at_once(server, serve_env) -> None:
    port = serve_env["PORT"]
    status, health = get_json(f"http://127.0.0.1:{port}/healthz")
    assert status == 200
    assert health == {"status": "ok", "database": "ok", "channel_layer": "ok", "broker": "ok", "bridge": "ok"}
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=5) as response:
        page = response.read().decode()
    assert 'lang="zh-hans"' in page and "登录" in page

    gate_id = f"gate-{uuid.uuid4().hex[:6]}"
    creds = json.loads(manage(serve_env, "device_add", "--site", "demo", "--kind", "gate", "--id", gate_id).stdout)
    assert creds["topic_prefix"] == f"so/demo/{gate_id}"
    started = time.monotonic()
    # The broker serve uses: its embedded one, or MQTT_URL's (CI's second pass: Mosquitto).
    broker = urllib.parse.urlsplit(serve_env["MQTT_URL"]) if serve_env.get("MQTT_URL") else None
    device = SimDevice(
        host=broker.hostname or "127.0.0.1" if broker else "127.0.0.1",
        port=(broker.port or 1883) if broker else int(serve_env["MQTT_PORT"]),
        site="demo",
        device=gate_id,
        username=creds["username"],
        password=creds["password"],
    )
    try:
        assert device.connect()
        assert device.request("ping")["type"] == "pong"
    finally:
        device.close()
    print(f"device_add -> connected -> pong in {time.monotonic() - started:.3f}s")


def test_ctrl_c_stops_everything_cleanly(server) -> None:
    server.send_signal(signal.SIGINT)
    output, _ = server.communicate(timeout=30)
    assert server.returncode == 0, output[-3000:]
    assert "stopped" in output and "Traceback" not in output


def test_a_taken_port_is_reported_with_the_way_out(serve_env) -> None:
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", int(serve_env["PORT"])))
        blocker.listen()
        result = manage(serve_env, "serve", check=False)
    assert result.returncode != 0
    assert "is in use" in result.stderr and f"PORT={int(serve_env['PORT']) + 1} make run" in result.stderr


def test_a_taken_mqtt_port_is_reported_with_the_way_out(serve_env) -> None:
    if "MQTT_URL" in serve_env:
        pytest.skip("MQTT_URL is set: serve uses that broker and starts none")
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", int(serve_env["MQTT_PORT"])))
        blocker.listen()
        result = manage(serve_env, "serve", check=False)
    assert result.returncode != 0
    assert "MQTT port" in result.stderr and "MQTT_URL=" in result.stderr
