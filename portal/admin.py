from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from portal.models import ApiToken, Department, User
from portal.tokens import api_token_revoke


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "last_name", "first_name", "employee_no", "department", "site", "is_active")
    list_filter = ("site", "groups", "is_active")
    search_fields = ("username", "employee_no", "first_name", "last_name", "phone")
    fieldsets = (*(BaseUserAdmin.fieldsets or ()), (_("Agency"), {"fields": ("site", "employee_no", "department", "phone")}))


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "parent", "site")
    list_filter = ("site",)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued through the API only; here they are seen and revoked."""

    list_display = ("user", "hint", "name", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("user__username", "name", "hint")
    readonly_fields = ("user", "key_sha256", "hint", "name", "created_at", "last_used_at", "revoked_at")
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset:
            api_token_revoke(token=token, actor=request.user)


# The back office speaks to the people who run the compound, in their language.
admin.site.site_header = _("Smart office logistics management")
admin.site.site_title = _("Smart office logistics management")
admin.site.index_title = _("Back office")
