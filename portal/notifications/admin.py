from django.contrib import admin

from portal.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Read-only: notifications are written by the services and read by their person."""

    list_display = ["user", "kind", "title", "created_at", "read_at"]
    list_filter = ["kind"]
    search_fields = ["user__username", "title"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
