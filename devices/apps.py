from django.apps import AppConfig


class DevicesConfig(AppConfig):
    name = "devices"
    verbose_name = "设备"

    def ready(self) -> None:
        from devices import handlers  # noqa: F401  (fills the (kind, type) registry)
