from django.utils.translation import gettext_lazy as _

from core.registry import DomainConfig, Tile
from core.roles import CASHIER, MANAGER, SECURITY


class DevicesConfig(DomainConfig):
    name = "devices"
    verbose_name = _("Devices")
    handlers_module = "devices.handlers"  # ping and heartbeat, answered for every kind
    permissions = {
        SECURITY: {"devices.view_device"},
        CASHIER: {"devices.view_device"},
        MANAGER: {"devices.view_device", "devices.add_device", "devices.change_device"},
    }
    beat_schedule = {
        "device-message-purge": {"task": "devices.tasks.device_message_purge", "schedule": 3600.0},
        "dead-letter-purge": {"task": "devices.tasks.dead_letter_purge", "schedule": 3600.0},
    }
    tiles = (
        Tile(
            "devices",
            _("Devices"),
            _("Gates, tills, detectors"),
            "device",
            "admin:devices_device_changelist",
            "devices.change_device",
            order=25,
            group="work",
        ),
    )
    urls = (("api/devices/", "devices.api_urls"),)
    health_checks = {"broker": "devices.health.broker_check", "bridge": "devices.health.bridge_check"}

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from devices.models import Device
        from devices.registry_cache import forget

        super().ready()
        post_save.connect(forget, sender=Device, dispatch_uid="devices.cache.save")
        post_delete.connect(forget, sender=Device, dispatch_uid="devices.cache.delete")
