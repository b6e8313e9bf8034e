"""Alarm policy: code defaults per source, overridable per site in AlarmPolicy and globally in settings.MONITORING."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from django.conf import settings

from building.models import Site

SEVERITY_ORDER = ("info", "warning", "major", "critical")


@dataclass(frozen=True)
class Policy:
    escalate_after_s: int | None = 300  # None: never escalate
    repeat_every_s: int | None = None  # remind while the condition lasts (device offline)
    close_on_restore: bool = True


# A fire is over when a person says so (with a comment), not when the detector calms down.
DEFAULTS: dict[str, Policy] = {
    "fire": Policy(escalate_after_s=60, close_on_restore=False),
    "intrusion": Policy(escalate_after_s=120),
    "device_offline": Policy(escalate_after_s=900, repeat_every_s=900),
    "patrol_missed": Policy(escalate_after_s=600),
    "patrol_late": Policy(escalate_after_s=None),
    "patrol_implausible": Policy(escalate_after_s=None),
}


def _conf() -> dict[str, Any]:
    return dict(getattr(settings, "MONITORING", {}))


def setting(name: str, default: Any) -> Any:
    return _conf().get(name, default)


def policy_for(*, site: Site, source: str) -> Policy:
    from security.monitoring.models import AlarmPolicy

    policy = DEFAULTS.get(source, Policy())
    row = AlarmPolicy.objects.filter(site=site, source=source).first()
    if row is not None:
        policy = replace(
            policy,
            escalate_after_s=row.escalate_after_s,
            repeat_every_s=row.repeat_every_s,
            close_on_restore=row.close_on_restore,
        )
    return policy


def next_severity(severity: str) -> str:
    index = SEVERITY_ORDER.index(severity) if severity in SEVERITY_ORDER else 0
    return SEVERITY_ORDER[min(index + 1, len(SEVERITY_ORDER) - 1)]


def comment_required(*, source: str, severity: str) -> bool:
    """Fire alarms, and anything critical, are closed only with a written reason."""
    return source == "fire" or severity == "critical"
