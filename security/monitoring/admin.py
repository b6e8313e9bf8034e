from django.contrib import admin

from security.monitoring.models import Alarm


@admin.register(Alarm)
class AlarmAdmin(admin.ModelAdmin):
    list_display = ("raised_at", "severity", "state", "source", "title", "occurrences", "site")
    list_filter = ("site", "state", "severity", "source")
    search_fields = ("title", "dedupe_key")
