"""Translated strings the panel's JavaScript needs (passed with json_script; no JS catalogue)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.registry import device_kinds
from security.reasons import ACCESS_REASONS

PANEL_STRINGS: dict[str, object] = {
    "connected": _("Live"),
    "connecting": _("Connecting…"),
    "disconnected": _("Connection lost, reconnecting…"),
    "acknowledge": _("Acknowledge"),
    "dispatch": _("Dispatch"),
    "resolve": _("Resolve"),
    "dispatch_to": _("Who is sent (name or team)?"),
    "work_order": _("Open a work order"),
    "work_order_ref": _("Work order"),
    "resolve_comment": _("What happened and what was done?"),
    "optional_comment": _("Comment (optional)"),
    "comment_required": _("A comment is required for this alarm."),
    "no_alarms": _("No open alarms."),
    "critical": _("Critical alarm"),
    "occurrences": _("times"),
    "acknowledged_by": _("Acknowledged by"),
    "dispatched_to": _("Dispatched to"),
    "restored": _("Source restored"),
    "escalated": _("Escalated"),
    "online": _("online"),
    "offline": _("offline"),
    "no_rounds": _("No patrol round in progress."),
    "no_access": _("No access events yet."),
    "no_devices": _("No devices."),
    "snapshot_failed": _("Snapshot failed"),
    "sound_on": _("Sound on"),
    "sound_off": _("Enable sound"),
    "new": _("new"),
    "acknowledged": _("acknowledged"),
    "dispatched": _("dispatched"),
    "resolved": _("resolved"),
    "pending": pgettext_lazy("patrol checkpoint", "pending"),
    "ok": _("on time"),
    "late": _("late"),
    "missed": _("missed"),
    "planned": _("planned"),
    "in_progress": _("in progress"),
    "completed": _("completed"),
    "incomplete": _("incomplete"),
    "info": _("info"),
    "warning": _("warning"),
    "major": _("major"),
    "action_failed": _("The alarm could not be updated"),
    "device": _("device"),
    "denied": _("denied"),
    "decision_open": _("opened"),
    "decision_deny": _("denied"),
    # Codes the live feed carries, in words (a page never shows the code itself)
    "kinds": {code: spec.label for code, spec in device_kinds().items()},
    "reasons": dict(ACCESS_REASONS),
}
