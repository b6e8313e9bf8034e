"""Signal receivers: adapt and call one service."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from devices.models import Device
from devices.signals import device_came_online


def _device_came_online(sender: type[Device], *, device: Device, at: datetime, **kwargs: Any) -> None:
    from security.monitoring.services.health import device_recovered

    device_recovered(device=device, at=at)


def connect() -> None:
    device_came_online.connect(_device_came_online, dispatch_uid="monitoring.device_recovered")
