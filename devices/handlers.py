"""Handlers the devices app owns itself: diagnostics and heartbeats every kind sends."""

from __future__ import annotations

from devices.models import Device
from devices.protocol import Envelope
from devices.registry import Empty, Reply, register


@register(channel="event", types=["ping"], schema=Empty, reply=Empty, reply_type="pong")
def ping(device: Device, envelope: Envelope) -> Reply:
    return Reply("pong", {})


@register(channel="telemetry", types=["heartbeat"], schema=Empty)
def heartbeat(device: Device, envelope: Envelope) -> None:
    # Being seen is the whole point; dispatch already recorded last_seen for every message.
    return None
