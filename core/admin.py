from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from core.models import AuditLog


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows only the services write (ledger, history, events): the admin shows them, never edits."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyAdmin):
    list_display = ("at", "action", "actor_label", "target_label")
    list_filter = ("action",)
    search_fields = ("action", "actor_label", "target_label", "target_id")
    readonly_fields = [f.name for f in AuditLog._meta.fields]
