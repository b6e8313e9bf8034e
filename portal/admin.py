from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from portal.models import Department, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "last_name", "first_name", "employee_no", "department", "site", "is_active")
    list_filter = ("site", "groups", "is_active")
    search_fields = ("username", "employee_no", "first_name", "last_name", "phone")
    fieldsets = (*(BaseUserAdmin.fieldsets or ()), ("机关信息", {"fields": ("site", "employee_no", "department", "phone")}))


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "parent", "site")
    list_filter = ("site",)
