"""The panel's sections besides alarms, as the installed apps contribute them (core.registry).

An app adds a section with `PanelSection(key, title, load="app.module.loader", events=(...))` on its
AppConfig: `load(site, at)` returns JSON-able data for the initial state; events whose type starts
with one of `events` are forwarded to the panel's WebSocket; static/monitoring/panel.js renders a
section with `renderers[key]` (a section without its own renderer is shown as a plain list).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.functional import Promise
from django.utils.module_loading import import_string

from building.models import Site
from core.registry import panel_sections

ALARM_EVENTS = ("alarm.",)


@dataclass(frozen=True)
class Section:
    key: str
    title: str | Promise
    load: Callable[[Site, datetime], Any]
    events: tuple[str, ...] = ()


def sections() -> list[Section]:
    return [Section(s.key, s.title, import_string(s.load), s.events) for s in panel_sections()]


def event_prefixes() -> tuple[str, ...]:
    return ALARM_EVENTS + tuple(p for s in panel_sections() for p in s.events)


# This app's own sections (declared in apps.py).
def devices_section(site: Site, at: datetime) -> Any:
    from security.monitoring import selectors

    return selectors.devices_state(site=site)


def patrol_section(site: Site, at: datetime) -> Any:
    from security.monitoring import selectors

    return selectors.rounds_live(site=site, at=at)


def access_section(site: Site, at: datetime) -> Any:
    from security.monitoring import selectors

    return selectors.access_events(site=site)
