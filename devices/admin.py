from django.contrib import admin

from devices.models import Device, DeviceMessage


@admin.register(Device)
class DeviceAdmin(admin.ModelAdmin):
    list_display = ("device_id", "kind", "site", "space", "online", "last_seen_at", "is_active")
    list_filter = ("site", "kind", "online", "is_active")
    search_fields = ("device_id", "name", "mqtt_username")
    readonly_fields = ("mqtt_username", "secret_sha256", "mosquitto_hash", "online", "last_seen_at", "status_changed_at")


@admin.register(DeviceMessage)
class DeviceMessageAdmin(admin.ModelAdmin):
    list_display = ("device", "msg_id", "channel", "type", "outcome", "received_at")
    list_filter = ("channel", "outcome")
    search_fields = ("msg_id",)
