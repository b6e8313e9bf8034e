from django.apps import AppConfig


class DevicesConfig(AppConfig):
    name = "devices"
    verbose_name = "设备"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from devices import handlers  # noqa: F401  (fills the (kind, type) registry)
        from devices.models import Device
        from devices.registry_cache import forget

        post_save.connect(forget, sender=Device, dispatch_uid="devices.cache.save")
        post_delete.connect(forget, sender=Device, dispatch_uid="devices.cache.delete")
