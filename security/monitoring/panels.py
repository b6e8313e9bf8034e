"""The panel's sections besides alarms. Parking occupancy and energy plug in here when they exist:

    from security.monitoring.panels import PanelSection, register
    register(PanelSection("parking", _("Parking"), load=parking_panel_state, events=("parking.",)))

`load(site, at)` returns JSON-able data for the initial state; events whose type starts with one of
`events` are forwarded to the panel's WebSocket; static/monitoring/panel.js renders a section with
`renderers[key]` (a section without its own renderer is shown as a plain list).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from building.models import Site

ALARM_EVENTS = ("alarm.",)


@dataclass(frozen=True)
class PanelSection:
    key: str
    title: str | Promise
    load: Callable[[Site, datetime], Any]
    events: tuple[str, ...] = ()


_sections: dict[str, PanelSection] = {}


def register(section: PanelSection) -> PanelSection:
    _sections[section.key] = section
    return section


def sections() -> list[PanelSection]:
    return list(_sections.values())


def event_prefixes() -> tuple[str, ...]:
    return ALARM_EVENTS + tuple(p for s in _sections.values() for p in s.events)


def _register_builtin() -> None:
    from security.monitoring import selectors

    register(PanelSection("devices", _("Devices"), lambda site, at: selectors.devices_state(site=site), ("device.status",)))
    register(PanelSection("patrol", _("Patrol rounds"), lambda site, at: selectors.rounds_live(site=site, at=at), ("patrol.",)))
    register(PanelSection("access", _("Access"), lambda site, at: selectors.access_events(site=site), ("access.",)))


_register_builtin()
