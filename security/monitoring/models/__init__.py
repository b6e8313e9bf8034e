"""Alarms (every source), cameras and snapshots, guard patrol. Written only by this app's services."""

from security.monitoring.models.alarms import Alarm, AlarmPolicy, AlarmStep
from security.monitoring.models.cameras import AlarmSnapshot, Camera
from security.monitoring.models.patrol import PatrolCheckpoint, PatrolRound, PatrolRoute, PatrolSchedule, PatrolVisit

__all__ = [
    "Alarm",
    "AlarmPolicy",
    "AlarmSnapshot",
    "AlarmStep",
    "Camera",
    "PatrolCheckpoint",
    "PatrolRound",
    "PatrolRoute",
    "PatrolSchedule",
    "PatrolVisit",
]
