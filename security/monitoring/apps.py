from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    """Alarms, device health, fire and cameras, guard patrol, the live panel (security/monitoring)."""

    name = "security.monitoring"
    label = "monitoring"
    verbose_name = "安防监控"

    def ready(self) -> None:
        from security.monitoring import handlers  # noqa: F401  (fills the devices (kind, type) registry)
        from security.monitoring.receivers import connect

        connect()
