"""The generated password/ACL files against the real Mosquitto, with deploy/mosquitto/mosquitto.conf.

Each test starts its own `mosquitto` on a free port with a copy of the production config in
which only the listener and the file paths point into tmp_path.
"""

from __future__ import annotations

import json
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from django.conf import settings
from django.core.management import call_command
from paho.mqtt.enums import CallbackAPIVersion

from building.models import Site
from devices.services import NewDevice, device_create, mqtt_auth_files_write
from tests.conftest import free_port, needs
from tests.factories import SiteFactory

CONF = Path(__file__).resolve().parents[2] / "deploy" / "mosquitto" / "mosquitto.conf"
TIMEOUT = 5.0

OpenClient = Callable[..., "Client"]


def mosquitto_binary() -> str:
    found = shutil.which("mosquitto") or ("/usr/sbin/mosquitto" if os.access("/usr/sbin/mosquitto", os.X_OK) else None)
    needs(found is not None, "mosquitto binary (apt-get install mosquitto)")
    assert found is not None
    return found


def render_conf(*, port: int, auth_dir: Path, data_dir: Path, stay_root: bool) -> str:
    """The production config with only the listener and the paths moved; fails if its shape changed."""
    text = CONF.read_text()
    rewrites = [
        (r"^listener 1883$", f"listener {port} 127.0.0.1"),
        (r"^password_file /mosquitto-auth/passwd$", f"password_file {auth_dir / 'passwd'}"),
        (r"^acl_file /mosquitto-auth/acl$", f"acl_file {auth_dir / 'acl'}"),
        (r"^persistence_location /mosquitto/data/$", f"persistence_location {data_dir}/"),
    ]
    for pattern, replacement in rewrites:
        text, count = re.subn(pattern, replacement, text, flags=re.MULTILINE)
        assert count == 1, f"{CONF} no longer has exactly one line matching {pattern}"
    if stay_root:
        text += "\nuser root\n"
    return text


@dataclass
class BrokerDirs:
    auth: Path
    data: Path
    stay_root: bool  # only when there is no `mosquitto` user to drop to


@pytest.fixture
def broker_dirs(tmp_path: Path) -> Iterator[BrokerDirs]:
    """Directories the broker can still use after dropping privileges, as in compose.

    Started as root, Mosquitto switches to the `mosquitto` user before it reads the password
    and ACL files (and again on every SIGHUP). In compose the app writes them 0640 with the
    broker's group (Dockerfile: gid 1883, setgid /mosquitto-auth); here a setgid directory of
    the local `mosquitto` group does the same, so the real permission model is exercised.
    """
    if os.geteuid() != 0:
        (tmp_path / "data").mkdir()
        yield BrokerDirs(auth=tmp_path / "auth", data=tmp_path / "data", stay_root=False)
        return
    try:
        user = pwd.getpwnam("mosquitto")
    except KeyError:
        (tmp_path / "data").mkdir()
        yield BrokerDirs(auth=tmp_path / "auth", data=tmp_path / "data", stay_root=True)
        return
    base = Path(tempfile.mkdtemp(prefix="so-mosquitto-"))  # pytest's tmp_path is under a 0700 directory
    try:
        auth, data = base / "auth", base / "data"
        auth.mkdir()
        data.mkdir()
        for path, owner, mode in ((base, 0, 0o750), (auth, 0, 0o2750), (data, user.pw_uid, 0o750)):
            os.chown(path, owner, user.pw_gid)
            os.chmod(path, mode)
        yield BrokerDirs(auth=auth, data=data, stay_root=False)
    finally:
        shutil.rmtree(base, ignore_errors=True)


@dataclass
class Broker:
    process: subprocess.Popen[bytes]
    port: int
    auth_dir: Path
    log: Path
    stay_root: bool

    def hup(self) -> None:
        os.kill(self.process.pid, signal.SIGHUP)

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


@dataclass
class Fleet:
    site: Site
    a: NewDevice
    b: NewDevice


@pytest.fixture
def fleet(db: None) -> Fleet:
    site = SiteFactory()
    assert isinstance(site, Site)
    return Fleet(
        site=site,
        a=device_create(site=site, kind="gate", device_id="gate-a"),
        b=device_create(site=site, kind="gate", device_id="gate-b"),
    )


@pytest.fixture
def broker(tmp_path: Path, broker_dirs: BrokerDirs, fleet: Fleet) -> Iterator[Broker]:
    binary = mosquitto_binary()
    written = mqtt_auth_files_write(broker_dirs.auth)
    assert written["devices"] == 2 and written["changed"] is True
    port = free_port()
    conf = tmp_path / "mosquitto.conf"
    conf.write_text(render_conf(port=port, auth_dir=broker_dirs.auth, data_dir=broker_dirs.data, stay_root=broker_dirs.stay_root))
    log = tmp_path / "mosquitto.log"
    with log.open("wb") as log_file:
        process = subprocess.Popen([binary, "-c", str(conf)], stdout=log_file, stderr=subprocess.STDOUT)
    running = Broker(process=process, port=port, auth_dir=broker_dirs.auth, log=log, stay_root=broker_dirs.stay_root)
    try:
        deadline = time.monotonic() + TIMEOUT
        while True:
            assert process.poll() is None, f"mosquitto exited with {process.returncode}:\n{running.log_text()}"
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert time.monotonic() < deadline, f"mosquitto not listening on {port}:\n{running.log_text()}"
                time.sleep(0.02)
        yield running
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@dataclass
class Client:
    """A paho-mqtt 2.x client driven synchronously from the test."""

    port: int
    username: str | None
    password: str | None
    client_id: str
    messages: list[tuple[str, bytes]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.connected = threading.Event()
        self.answered = threading.Event()
        self.reason: mqtt.ReasonCode | None = None
        self.arrived = threading.Condition()
        self.subacks: dict[int, threading.Event] = {}
        self.mqtt = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=self.client_id, protocol=mqtt.MQTTv311)
        if self.username is not None:
            self.mqtt.username_pw_set(self.username, self.password)
        self.mqtt.on_connect = self._on_connect
        self.mqtt.on_message = self._on_message
        self.mqtt.on_subscribe = lambda _c, _u, mid, _rcs, _p: self.subacks.setdefault(mid, threading.Event()).set()

    def _on_connect(self, _c: object, _u: object, _f: object, reason: mqtt.ReasonCode, _p: object) -> None:
        self.reason = reason
        if not reason.is_failure:
            self.connected.set()
        self.answered.set()

    def _on_message(self, _c: object, _u: object, message: mqtt.MQTTMessage) -> None:
        with self.arrived:
            self.messages.append((message.topic, bytes(message.payload)))
            self.arrived.notify_all()

    def connect(self) -> bool:
        self.mqtt.connect("127.0.0.1", self.port, keepalive=30)
        self.mqtt.loop_start()
        assert self.answered.wait(TIMEOUT), "no CONNACK"
        return self.connected.is_set()

    def subscribe(self, topic: str) -> None:
        result, mid = self.mqtt.subscribe(topic, qos=1)
        assert result == mqtt.MQTT_ERR_SUCCESS and mid is not None
        assert self.subacks.setdefault(mid, threading.Event()).wait(TIMEOUT), f"no SUBACK for {topic}"

    def publish(self, topic: str, payload: bytes) -> None:
        info = self.mqtt.publish(topic, payload, qos=1)
        info.wait_for_publish(TIMEOUT)
        assert info.is_published(), f"no PUBACK for {topic}"

    def wait_for(self, payload: bytes) -> list[tuple[str, bytes]]:
        """Everything received up to and including `payload`."""
        with self.arrived:
            assert self.arrived.wait_for(lambda: any(p == payload for _, p in self.messages), TIMEOUT), (
                f"{payload!r} not received; got {self.messages}"
            )
            return list(self.messages)

    def close(self) -> None:
        self.mqtt.disconnect()
        self.mqtt.loop_stop()


@pytest.fixture
def client(broker: Broker) -> Iterator[OpenClient]:
    opened: list[Client] = []

    def open_client(username: str | None, password: str | None, client_id: str | None = None) -> Client:
        made = Client(broker.port, username, password, client_id or username or f"anon-{uuid.uuid4().hex[:8]}")
        opened.append(made)
        return made

    yield open_client
    for made in opened:
        made.close()


def platform(client: OpenClient) -> Client:
    made = client(settings.MQTT_PLATFORM_USERNAME, settings.MQTT_PLATFORM_PASSWORD, f"platform-test-{uuid.uuid4().hex[:8]}")
    assert made.connect(), f"platform refused: {made.reason}"
    made.subscribe("so/#")
    return made


def device(client: OpenClient, new: NewDevice) -> Client:
    made = client(new.device.mqtt_username, new.password)
    assert made.connect(), f"{new.device.mqtt_username} refused: {made.reason}"
    return made


def try_connect(port: int, username: str, password: str) -> bool:
    """One connection attempt driven by hand (no background thread, no reconnect delay)."""
    reasons: list[mqtt.ReasonCode] = []
    probe = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=username, protocol=mqtt.MQTTv311)
    probe.username_pw_set(username, password)
    probe.on_connect = lambda _c, _u, _f, reason, _p: reasons.append(reason)
    probe.connect("127.0.0.1", port, keepalive=30)
    deadline = time.monotonic() + TIMEOUT
    while not reasons and time.monotonic() < deadline:
        probe.loop(0.01)
    probe.disconnect()
    assert reasons, "no CONNACK"
    return not reasons[0].is_failure


def test_generated_config_is_accepted(broker: Broker) -> None:
    assert broker.process.poll() is None
    log = broker.log_text()
    assert re.search(r"mosquitto version 2\.\S+ running", log), log
    if broker.stay_root:
        log = log.replace("Warning: Mosquitto should not be run as root/administrator.", "")
    assert "Error" not in log and "Warning" not in log, log
    status = Path(f"/proc/{broker.process.pid}/status")
    if os.geteuid() == 0 and not broker.stay_root and status.exists():
        # It dropped to `mosquitto` and still read the 0640 files through their group.
        uid = int(re.findall(r"^Uid:\s+(\d+)", status.read_text(), re.MULTILINE)[0])
        assert uid == pwd.getpwnam("mosquitto").pw_uid
        passwd = (broker.auth_dir / "passwd").stat()
        assert passwd.st_mode & 0o777 == 0o640 and passwd.st_gid == pwd.getpwnam("mosquitto").pw_gid


def test_device_connects_with_its_password_only(broker: Broker, fleet: Fleet, client: OpenClient) -> None:
    assert device(client, fleet.a).connected.is_set()
    wrong = client(fleet.b.device.mqtt_username, fleet.a.password)
    assert not wrong.connect()
    assert wrong.reason is not None and wrong.reason.is_failure


def test_anonymous_and_unknown_users_are_refused(broker: Broker, fleet: Fleet, client: OpenClient) -> None:
    assert not client(None, None).connect()
    unknown = f"dev-{fleet.site.code}-gate-z"
    assert not client(unknown, fleet.a.password).connect()


def test_device_event_reaches_the_platform(broker: Broker, fleet: Fleet, client: OpenClient) -> None:
    listener = platform(client)
    gate = device(client, fleet.a)
    topic = f"{fleet.a.device.topic_prefix}/event"
    body = json.dumps({"id": "e1", "ts": "2025-01-01T08:00:00+08:00", "type": "ping", "data": {}}).encode()
    gate.publish(topic, body)
    assert (topic, body) in listener.wait_for(body)


def test_device_cannot_publish_under_another_prefix(broker: Broker, fleet: Fleet, client: OpenClient) -> None:
    listener = platform(client)
    gate = device(client, fleet.a)
    spoofed = [
        f"{fleet.b.device.topic_prefix}/event",  # another device
        f"so/other_site/{fleet.a.device.device_id}/event",  # another site
        f"{fleet.a.device.topic_prefix}/cmd",  # its own cmd is the platform's to write
        f"{fleet.a.device.topic_prefix}/other",  # a channel the protocol does not have
    ]
    for topic in spoofed:
        gate.publish(topic, b"spoofed")
    # Same connection, published after: once the marker is in, the spoofs would be too.
    gate.publish(f"{fleet.a.device.topic_prefix}/telemetry", b"marker")
    received = listener.wait_for(b"marker")
    assert [t for t, p in received if p == b"spoofed"] == []


def test_device_does_not_receive_another_devices_cmd(broker: Broker, fleet: Fleet, client: OpenClient) -> None:
    gate_a, gate_b = device(client, fleet.a), device(client, fleet.b)
    cmd_a, cmd_b = f"{fleet.a.device.topic_prefix}/cmd", f"{fleet.b.device.topic_prefix}/cmd"
    gate_a.subscribe(cmd_a)
    gate_a.subscribe(cmd_b)  # may be granted; the read ACL is enforced per message
    gate_a.subscribe("so/#")
    gate_b.subscribe(cmd_b)
    sender = platform(client)
    sender.publish(cmd_b, b"for-b")
    sender.publish(cmd_a, b"for-a")
    assert (cmd_b, b"for-b") in gate_b.wait_for(b"for-b")
    received_by_a = gate_a.wait_for(b"for-a")
    assert {t for t, _ in received_by_a} == {cmd_a}, received_by_a


def test_device_added_later_connects_within_a_second_of_sighup(broker: Broker, fleet: Fleet) -> None:
    late = device_create(site=fleet.site, kind="gate", device_id="gate-late")
    username = late.device.mqtt_username
    assert not try_connect(broker.port, username, late.password), "not in the broker's files yet"
    written = mqtt_auth_files_write(broker.auth_dir)
    assert written == {"directory": str(broker.auth_dir), "devices": 3, "changed": True}
    broker.hup()
    reloaded = time.monotonic()
    while not try_connect(broker.port, username, late.password):
        assert time.monotonic() - reloaded < 1.0, f"{username} still refused 1 s after SIGHUP:\n{broker.log_text()}"
        time.sleep(0.02)
    # The reload kept the old devices.
    assert try_connect(broker.port, fleet.a.device.mqtt_username, fleet.a.password)


def test_deactivated_device_is_refused_after_regeneration(broker: Broker, fleet: Fleet) -> None:
    fleet.b.device.is_active = False
    fleet.b.device.save(update_fields=["is_active"])
    assert mqtt_auth_files_write(broker.auth_dir)["changed"] is True
    broker.hup()
    deadline = time.monotonic() + TIMEOUT
    while try_connect(broker.port, fleet.b.device.mqtt_username, fleet.b.password):
        assert time.monotonic() < deadline, "deactivated device still accepted"
        time.sleep(0.02)
    assert try_connect(broker.port, fleet.a.device.mqtt_username, fleet.a.password)


def test_mqtt_acl_command_reports_changed_only_when_something_changed(tmp_path: Path, fleet: Fleet) -> None:
    def run() -> dict[str, object]:
        out = StringIO()
        call_command("mqtt_acl", "--dir", str(tmp_path), stdout=out)
        result = json.loads(out.getvalue())
        assert isinstance(result, dict)
        return result

    first = run()
    files = {name: (tmp_path / name).read_bytes() for name in ("passwd", "acl")}
    second = run()
    assert first == {"directory": str(tmp_path), "devices": 2, "changed": True}
    assert second == {**first, "changed": False}
    assert {name: (tmp_path / name).read_bytes() for name in files} == files, "byte-stable, no needless SIGHUP"
    assert oct((tmp_path / "passwd").stat().st_mode & 0o777) == oct(0o640)
    passwd = files["passwd"].decode()
    assert f"{fleet.a.device.mqtt_username}:$7$" in passwd
    assert fleet.a.password not in passwd and settings.MQTT_PLATFORM_PASSWORD not in passwd
