"""Writes of the monitoring app. `alarm_raise` is the entry point every alarm source uses."""

from security.monitoring.services.alarms import (
    AlarmError,
    alarm_acknowledge,
    alarm_clear,
    alarm_dispatch,
    alarm_dispatch_in_transaction,
    alarm_escalate,
    alarm_escalate_due,
    alarm_event,
    alarm_open_once,
    alarm_raise,
    alarm_remind,
    alarm_resolve,
)
from security.monitoring.services.health import SweepResult, device_offline_sweep, device_recovery_close
from security.monitoring.services.patrol import (
    PatrolError,
    patrol_checkpoint_scan,
    patrol_overdue_check,
    patrol_round_create,
    patrol_rounds_generate,
)
from security.monitoring.services.snapshots import alarm_snapshot_grab, alarm_snapshot_purge

__all__ = [
    "AlarmError",
    "PatrolError",
    "SweepResult",
    "alarm_acknowledge",
    "alarm_clear",
    "alarm_dispatch",
    "alarm_dispatch_in_transaction",
    "alarm_escalate",
    "alarm_escalate_due",
    "alarm_event",
    "alarm_open_once",
    "alarm_raise",
    "alarm_remind",
    "alarm_resolve",
    "alarm_snapshot_grab",
    "alarm_snapshot_purge",
    "device_offline_sweep",
    "device_recovery_close",
    "patrol_checkpoint_scan",
    "patrol_overdue_check",
    "patrol_round_create",
    "patrol_rounds_generate",
]
