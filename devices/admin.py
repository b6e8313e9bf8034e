from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from devices.dead_letters import reason_text
from devices.models import DeadLetter, Device, DeviceMessage
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


@admin.register(DeadLetter)
class DeadLetterAdmin(admin.ModelAdmin):
    """Read-only: dead letters are written by the bridge and replayed with `manage.py dead_letter_replay`.
    The payload is not shown (it may be a face); its size is."""

    list_display = ("received_at", "device", "why", "payload_size", "replayed_at")
    list_filter = ("reason",)
    search_fields = ("topic",)
    fields = ("topic", "device", "received_at", "why", "detail", "payload_size", "replayed_at")
    readonly_fields = fields

    @admin.display(description=_("why"))
    def why(self, letter: DeadLetter) -> str:
        return reason_text(letter.reason)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
