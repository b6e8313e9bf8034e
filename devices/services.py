"""Writes for devices: registration, presence, and the inbound-message record."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction

from building.models import Site, Space
from core.audit import audit_log
from core.realtime import publish_on_commit, site_group
from devices.credentials import mosquitto_hash, token_new, token_sha256
from devices.models import Device, DeviceKind, DeviceMessage
from devices.mosquitto_auth import auth_files_write
from devices.protocol import SEGMENT_RE

SEEN_RESOLUTION = timedelta(seconds=5)
SITE_CODE_RE = re.compile(r"[a-z0-9_]{1,40}")  # last_seen is written at most this often per device


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
    if kind not in DeviceKind.values:
        raise DeviceError(f"unknown kind {kind!r}; one of: {', '.join(DeviceKind.values)}")
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
        Device.objects.filter(pk=device.pk).update(is_active=False, online=False)
        device.is_active, device.online = False, False
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


def device_seen(*, device: Device, at: datetime) -> None:
    """Any message proves the device alive. Written coarsely: one hot row per device."""
    if device.online and device.last_seen_at and at - device.last_seen_at < SEEN_RESOLUTION:
        return
    came_online = not device.online
    device.last_seen_at, device.online = at, True
    fields = ["last_seen_at", "online"]
    if came_online:
        device.status_changed_at = at
        fields.append("status_changed_at")
        publish_on_commit(site_group(device.site.code), _presence_event(device))
    Device.objects.filter(pk=device.pk).update(**{f: getattr(device, f) for f in fields})


def device_status_set(*, device: Device, online: bool, at: datetime) -> bool:
    """From a `status` message or the last will. Returns whether the state changed."""
    if device.status_changed_at and at < device.status_changed_at:
        return False  # a stale retained message must not undo a newer state
    changed = device.online != online
    device.online, device.status_changed_at = online, at
    fields: dict[str, object] = {"online": online, "status_changed_at": at}
    if online:
        device.last_seen_at = fields["last_seen_at"] = at
    Device.objects.filter(pk=device.pk).update(**fields)
    if changed:
        publish_on_commit(site_group(device.site.code), _presence_event(device))
    return changed


def device_message_record(
    *, device: Device, msg_id: str, channel: str, type: str, device_ts: datetime | None, received_at: datetime
) -> DeviceMessage | None:
    """Insert the dedupe row; None if this (device, id) was already accepted."""
    try:
        with transaction.atomic():
            return DeviceMessage.objects.create(
                device=device,
                msg_id=msg_id,
                channel=channel,
                type=type,
                device_ts=device_ts,
                received_at=received_at,
            )
    except IntegrityError:
        return None


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
