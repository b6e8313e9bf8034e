"""A simulated device: what tests, benchmarks and demos use to speak the protocol for real."""

from __future__ import annotations

import json
import threading
import uuid
from typing import Any

import paho.mqtt.client as mqtt
from django.utils import timezone


class SimDevice:
    def __init__(self, *, host: str, port: int, site: str, device: str, username: str, password: str) -> None:
        self.prefix = f"so/{site}/{device}"
        self.commands: list[dict[str, Any]] = []
        self._cond = threading.Condition()
        self.connect_rc: object = None
        self.client = mqtt.Client(
            mqtt.CallbackAPIVersion.VERSION2, client_id=username, clean_session=True
        )
        self.client.username_pw_set(username, password)
        offline = json.dumps({"state": "offline", "ts": timezone.now().isoformat()})
        self.client.will_set(f"{self.prefix}/status", offline, qos=1, retain=True)
        self.client.on_connect = self._on_connect
        self.client.on_message = self._on_message
        self._connected = threading.Event()
        self.host, self.port = host, port

    def _on_connect(self, client: mqtt.Client, userdata: object, flags: object, rc: object, props: object) -> None:
        self.connect_rc = rc
        if not getattr(rc, "is_failure", False):
            client.subscribe(f"{self.prefix}/cmd", qos=1)
        self._connected.set()

    def _on_message(self, client: mqtt.Client, userdata: object, msg: mqtt.MQTTMessage) -> None:
        with self._cond:
            self.commands.append(json.loads(msg.payload))
            self._cond.notify_all()

    def connect(self, timeout: float = 5.0) -> bool:
        """True if the broker accepted us (False: refused; see connect_rc)."""
        self.client.connect(self.host, self.port, keepalive=30)
        self.client.loop_start()
        if not self._connected.wait(timeout):
            raise TimeoutError(f"no CONNACK from {self.host}:{self.port} within {timeout}s")
        ok = not getattr(self.connect_rc, "is_failure", True)
        if ok:
            self.publish_raw("status", json.dumps({"state": "online", "ts": timezone.now().isoformat()}), retain=True)
        return ok

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()

    def publish_raw(
        self, channel: str, payload: bytes | str, *, qos: int = 1, retain: bool = False, topic: str | None = None
    ) -> None:
        info = self.client.publish(topic or f"{self.prefix}/{channel}", payload, qos=qos, retain=retain)
        info.wait_for_publish(timeout=5)

    def send(self, type: str, data: dict[str, Any] | None = None, *, channel: str = "event", msg_id: str | None = None) -> str:
        msg_id = msg_id or uuid.uuid4().hex
        body = {"id": msg_id, "ts": timezone.localtime().isoformat(), "type": type, "data": data or {}}
        self.publish_raw(channel, json.dumps(body, ensure_ascii=False))
        return msg_id

    def wait_command(self, *, re: str | None = None, type: str | None = None, timeout: float = 5.0) -> dict[str, Any]:
        """The first command answering `re` (and/or of `type`); TimeoutError if none arrives."""

        def find() -> dict[str, Any] | None:
            for cmd in self.commands:
                if (re is None or cmd.get("re") == re) and (type is None or cmd.get("type") == type):
                    return cmd
            return None

        with self._cond:
            if not self._cond.wait_for(lambda: find() is not None, timeout=timeout):
                raise TimeoutError(f"no command re={re!r} type={type!r} within {timeout}s; got {self.commands}")
            found = find()
            assert found is not None
            return found

    def request(self, type: str, data: dict[str, Any] | None = None, *, timeout: float = 5.0) -> dict[str, Any]:
        return self.wait_command(re=self.send(type, data), timeout=timeout)
