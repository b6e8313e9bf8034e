"""Signal receivers: adapt and call one service."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from core.i18n import site_text
from devices.models import Device
from devices.signals import bridge_recovered, bridge_stalled, device_came_online

BRIDGE_ALARM_KEY = "bridge_stalled"


def _device_came_online(sender: type[Device], *, device: Device, at: datetime, **kwargs: Any) -> None:
    from security.monitoring.services.health import device_recovered

    device_recovered(device=device, at=at)


def _bridge_stalled(sender: object, *, reason: str, at: datetime, **kwargs: Any) -> None:
    """One bridge serves every site: each site's panel shows the alarm (one per site, deduped)."""
    from building.models import Site
    from security.monitoring.services import alarm_raise

    title = site_text(_("Device messages are not being processed"))  # stored text: the site's language
    for site in Site.objects.all():
        alarm_raise(
            site=site, source="bridge", severity="major", title=title, dedupe_key=BRIDGE_ALARM_KEY, data={"reason": reason}, at=at
        )


def _bridge_recovered(sender: object, *, at: datetime, **kwargs: Any) -> None:
    from building.models import Site
    from security.monitoring.services import alarm_clear

    for site in Site.objects.all():
        alarm_clear(site=site, dedupe_key=BRIDGE_ALARM_KEY, at=at, reason="bridge making progress again")


# Imported by the app's ready() (DomainConfig.modules).
device_came_online.connect(_device_came_online, dispatch_uid="monitoring.device_recovered")
bridge_stalled.connect(_bridge_stalled, dispatch_uid="monitoring.bridge_stalled")
bridge_recovered.connect(_bridge_recovered, dispatch_uid="monitoring.bridge_recovered")
