from django.utils.translation import gettext_lazy as _

from core.registry import DeviceKindSpec, DomainConfig, PanelSection, Tile
from core.roles import MANAGER, SECURITY
from security.monitoring.permissions import PANEL_PERMISSION
from security.monitoring.schedule import BEAT_SCHEDULE

ALARM_PERMISSIONS = {"monitoring.acknowledge_alarm", "monitoring.resolve_alarm", "monitoring.view_patrol_report"}


class MonitoringConfig(DomainConfig):
    """Alarms, device health, fire and cameras, guard patrol, the live panel (security/monitoring)."""

    name = "security.monitoring"
    label = "monitoring"
    verbose_name = _("Security monitoring")
    handlers_module = "security.monitoring.handlers"
    modules = ("security.monitoring.receivers",)
    device_kinds = (
        DeviceKindSpec("fire_detector", _("fire detector")),
        DeviceKindSpec("camera", _("camera")),
        DeviceKindSpec("patrol_reader", _("patrol reader")),
    )
    permissions = {SECURITY: ALARM_PERMISSIONS | {"monitoring.scan_patrol"}, MANAGER: ALARM_PERMISSIONS}
    tiles = (
        # The guard's work: panel, patrol scan, alarm history; the manager's patrol report.
        Tile("panel", _("Monitoring panel"), _("Live alarms and devices"), "shield", "monitoring:panel",
             PANEL_PERMISSION, order=20, group="work"),
        Tile("patrol_scan", _("Patrol scan"), _("Record a checkpoint"), "patrol", "monitoring:patrol_scan",
             "monitoring.scan_patrol", order=21, group="work"),
        Tile("alarms", _("Alarm history"), _("Every alarm, filtered"), "alarm", "monitoring:alarm_history",
             PANEL_PERMISSION, order=22, group="work"),
        Tile("patrol_report", _("Patrol report"), _("Rounds per guard and route"), "chart", "monitoring:patrol_report",
             "monitoring.view_patrol_report", order=24, group="work"),
    )
    panel_sections = (
        PanelSection("devices", _("Devices"), "security.monitoring.panels.devices_section", ("device.status",)),
        PanelSection("patrol", _("Patrol rounds"), "security.monitoring.panels.patrol_section", ("patrol.",)),
        PanelSection("access", _("Access"), "security.monitoring.panels.access_section", ("access.",)),
    )
    beat_schedule = BEAT_SCHEDULE
    urls = (("security/", "security.monitoring.urls"),)
    websocket_urls = "security.monitoring.routing"
    demo = "security.monitoring.demo.demo_ensure"
    personal_data = "security.monitoring.privacy.personal_data"
