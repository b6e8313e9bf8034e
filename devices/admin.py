from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from devices.models import Device, DeviceMessage
from devices.services import device_deactivate


@admin.register(Device)
class DeviceAdmin(admin.ModelAdmin):
    list_display = ("device_id", "kind", "site", "space", "online", "last_seen_at", "is_active")
    list_filter = ("site", "kind", "online", "is_active")
    search_fields = ("device_id", "name", "mqtt_username")
    # Devices are created with `manage.py device_add` (the token is shown once) and revoked with
    # the action below, so the broker's credentials always follow the registry.
    readonly_fields = (
        "mqtt_username", "secret_sha256", "mosquitto_hash", "is_active", "online", "last_seen_at", "status_changed_at"
    )
    actions = ["deactivate"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="停用所选设备（吊销凭据）")
    def deactivate(self, request: HttpRequest, queryset: QuerySet[Device]) -> None:
        for device in queryset.filter(is_active=True):
            device_deactivate(device=device, actor=request.user)


@admin.register(DeviceMessage)
class DeviceMessageAdmin(admin.ModelAdmin):
    list_display = ("device", "msg_id", "channel", "type", "outcome", "received_at")
    list_filter = ("channel", "outcome")
    search_fields = ("msg_id",)
