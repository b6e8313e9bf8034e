"""Writes for devices: registration, presence, and the inbound-message record."""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from building.models import Site, Space
from core.audit import audit_log
from core.realtime import publish_on_commit, site_group
from core.registry import device_kinds
from devices import registry_cache
from devices.credentials import mosquitto_hash, token_new, token_sha256
from devices.models import Device, DeviceMessage
from devices.mosquitto_auth import auth_files_write
from devices.protocol import SEGMENT_RE
from devices.signals import device_came_online

SEEN_RESOLUTION = timedelta(seconds=5)  # last_seen is written at most this often per device
SITE_CODE_RE = re.compile(r"[a-z0-9_]{1,40}")
_seen_lock = threading.Lock()
_last_seen_write: dict[int, datetime] = {}  # device pk -> when this process last wrote presence


logger = logging.getLogger(__name__)


class DeviceError(ValueError):
    pass


@dataclass(frozen=True)
class NewDevice:
    device: Device
    password: str  # shown once; only hashes are stored


def device_username(site_code: str, device_id: str) -> str:
    return f"dev-{site_code}-{device_id}"


def device_create(
    *, site: Site, kind: str, device_id: str, space: Space | None = None, name: str = "", actor: object = None
) -> NewDevice:
    if not SITE_CODE_RE.fullmatch(site.code):
        raise DeviceError(f"site code {site.code!r} must match {SITE_CODE_RE.pattern} (it is an MQTT topic segment)")
    known = device_kinds()
    if kind not in known:
        raise DeviceError(f"unknown kind {kind!r}; one of: {', '.join(sorted(known))}")
    if not SEGMENT_RE.match(device_id):
        raise DeviceError(f"device id must match {SEGMENT_RE.pattern} (it is an MQTT topic segment)")
    if space is not None and space.site_id != site.pk:
        raise DeviceError(f"space {space.code!r} is not on site {site.code!r}")
    password = token_new()
    try:
        with transaction.atomic():
            device = Device.objects.create(
                site=site,
                kind=kind,
                device_id=device_id,
                space=space,
                name=name or device_id,
                mqtt_username=device_username(site.code, device_id),
                secret_sha256=token_sha256(password),
                mosquitto_hash=mosquitto_hash(password),
            )
            audit_log(action="devices.device.create", actor=actor, target=device, data={"kind": kind})
            _acl_refresh_on_commit()
    except IntegrityError as exc:
        raise DeviceError(f"device {device_id!r} already exists on site {site.code!r}") from exc
    return NewDevice(device=device, password=password)


def _acl_refresh_on_commit() -> None:
    """Compose: rewrite Mosquitto's files after commit; its watcher reloads within a second.

    robust: the device row is already committed, so a failing write is logged, not raised.
    """
    if settings.MQTT_ACL_AUTOWRITE:
        transaction.on_commit(mqtt_auth_files_write, robust=True)


def device_deactivate(*, device: Device, actor: object = None) -> Device:
    """Revoke a device: it can no longer connect (registry, and Mosquitto's files) or be heard."""
    with transaction.atomic():
        Device.objects.filter(pk=device.pk).update(is_active=False)
        device.is_active = False
        device_presence_set(device=device, online=False, at=timezone.now())
        registry_cache.forget()
        transaction.on_commit(registry_cache.forget)  # and again: a lookup may have re-cached it meanwhile
        audit_log(action="devices.device.deactivate", actor=actor, target=device)
        _acl_refresh_on_commit()
    return device


def _presence_event(device: Device) -> dict[str, object]:
    return {
        "type": "device.status",
        "device": str(device),
        "kind": device.kind,
        "online": device.online,
        "at": device.status_changed_at.isoformat() if device.status_changed_at else None,
    }


def device_presence_set(*, device: Device, online: bool, at: datetime, only_if_silent_before: datetime | None = None) -> bool:
    """The one writer of `Device.online`: flip it, publish `device.status` and (back online) fire
    device_came_online, both on commit. Returns whether this call changed the state.

    The flip is a conditional UPDATE (`online` still the other way round), so of concurrent
    writers exactly one wins and only the winner publishes. `only_if_silent_before`: the offline
    sweep's claim also requires the device to have stayed silent since its cutoff, so a message
    that landed after the sweep read the row wins over the sweep.
    """
    fields: dict[str, object] = {"online": online, "status_changed_at": at}
    if online:
        fields["last_seen_at"] = at
    rows = Device.objects.filter(pk=device.pk, online=not online)
    if only_if_silent_before is not None:
        rows = rows.filter(last_seen_at__lt=only_if_silent_before)
    if not rows.update(**fields):
        return False
    device.online, device.status_changed_at = online, at
    if online:
        device.last_seen_at = at
    publish_on_commit(site_group(device.site.code), _presence_event(device))
    if online:
        # robust: a listener's failure must not stop the device's own command going out.
        transaction.on_commit(lambda: device_came_online.send(sender=Device, device=device, at=at), robust=True)
    return True


def device_seen(*, device: Device, at: datetime) -> None:
    """Any message proves the device alive. Written at most every SEEN_RESOLUTION per device and
    process (the row is hot: one per message otherwise)."""
    with _seen_lock:
        last = _last_seen_write.get(device.pk)
        if last is not None and timedelta(0) <= at - last < SEEN_RESOLUTION:
            return
        _last_seen_write[device.pk] = at
    # Usually already online: one UPDATE that matches nothing, then the timestamp.
    if not device_presence_set(device=device, online=True, at=at):
        Device.objects.filter(pk=device.pk).update(last_seen_at=at)
        device.last_seen_at = at


def presence_marks_forget() -> None:
    """After a rolled-back batch: the marks of writes that did not happen must not throttle."""
    with _seen_lock:
        _last_seen_write.clear()


def device_status_set(*, device: Device, online: bool, at: datetime) -> bool:
    """From a `status` message or the last will. Returns whether the state changed."""
    with _seen_lock:
        _last_seen_write.pop(device.pk, None)  # the next message writes presence again
    if device.status_changed_at and at < device.status_changed_at:
        return False  # a stale retained message must not undo a newer state
    if device_presence_set(device=device, online=online, at=at):
        return True
    # Unchanged, but the state is re-asserted at `at`: a retained message older than this one
    # must still count as stale.
    fields: dict[str, object] = {"status_changed_at": at}
    if online:
        device.last_seen_at = fields["last_seen_at"] = at
    Device.objects.filter(pk=device.pk).update(**fields)
    device.online, device.status_changed_at = online, at
    return False


def device_message_record(
    *, device: Device, msg_id: str, channel: str, type: str, device_ts: datetime | None, received_at: datetime
) -> DeviceMessage | None:
    """Insert the dedupe row; None if this (device, id) was already accepted.

    One INSERT ... ON CONFLICT DO NOTHING RETURNING (PostgreSQL, SQLite >= 3.35): no savepoint
    and no IntegrityError round trip on the hot path.
    """
    table = DeviceMessage._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (device_id, msg_id, channel, type, device_ts, received_at, outcome) "  # noqa: S608
            "VALUES (%s, %s, %s, %s, %s, %s, 'ok') ON CONFLICT (device_id, msg_id) DO NOTHING RETURNING id",
            [device.pk, msg_id, channel, type, device_ts, received_at],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    return DeviceMessage(
        id=row[0], device=device, msg_id=msg_id, channel=channel, type=type, device_ts=device_ts, received_at=received_at
    )


def device_message_purge(*, older_than: datetime) -> int:
    deleted, _ = DeviceMessage.objects.filter(received_at__lt=older_than).delete()
    return deleted


def mqtt_auth_files_write(directory: Path | None = None) -> dict[str, object]:
    """Regenerate Mosquitto's password and ACL files from the active devices."""
    from devices.selectors import active_device_creds

    return auth_files_write(
        directory=Path(directory or settings.MQTT_ACL_DIR),
        devices=active_device_creds,
        platform_user=settings.MQTT_PLATFORM_USERNAME,
        platform_password=settings.MQTT_PLATFORM_PASSWORD,
    )


def device_secret_renew(*, device: Device, actor: object = None) -> NewDevice:
    """A new password for a device; the old one stops working (a lost secret, or `simulate` taking the demo devices over)."""
    password = token_new()
    with transaction.atomic():
        Device.objects.filter(pk=device.pk).update(secret_sha256=token_sha256(password), mosquitto_hash=mosquitto_hash(password))
        registry_cache.forget()
        transaction.on_commit(registry_cache.forget)  # a lookup may have re-cached the old secret meanwhile
        audit_log(action="devices.device.secret_renew", actor=actor, target=device)
        _acl_refresh_on_commit()
    device.refresh_from_db()
    return NewDevice(device=device, password=password)


def device_demo_ensure(*, site: Site, kind: str, device_id: str, name: str, space: Space | None = None) -> Device:
    """The device if it exists, else a new one (its password is not needed: `simulate` renews it)."""
    existing = Device.objects.filter(site=site, device_id=device_id).first()
    if existing is not None:
        return existing
    return device_create(site=site, kind=kind, device_id=device_id, name=name, space=space, actor="seed").device
