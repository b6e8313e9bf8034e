from django.contrib import admin

from security.models import AccessZone


@admin.register(AccessZone)
class AccessZoneAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "site", "open_to_all_staff")
    list_filter = ("site",)
