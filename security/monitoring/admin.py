from django.contrib import admin

from core.admin import ReadOnlyAdmin
from security.monitoring.models import (
    Alarm,
    AlarmPolicy,
    AlarmSnapshot,
    AlarmStep,
    Camera,
    PatrolCheckpoint,
    PatrolRound,
    PatrolRoute,
    PatrolSchedule,
    PatrolVisit,
)


class AlarmStepInline(admin.TabularInline):
    model = AlarmStep
    extra = 0
    can_delete = False
    readonly_fields = ("action", "actor", "at", "comment", "data")


class AlarmSnapshotInline(admin.TabularInline):
    model = AlarmSnapshot
    extra = 0
    can_delete = False
    readonly_fields = ("camera", "image", "taken_at", "error")


@admin.register(Alarm)
class AlarmAdmin(admin.ModelAdmin):
    """Read-only: alarms change only through the services (the panel), so every step is recorded."""

    list_display = ("raised_at", "severity", "state", "source", "title", "occurrences", "site")
    list_filter = ("site", "state", "severity", "source")
    search_fields = ("title", "dedupe_key")
    inlines = [AlarmStepInline, AlarmSnapshotInline]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(AlarmPolicy)
class AlarmPolicyAdmin(admin.ModelAdmin):
    list_display = ("site", "source", "escalate_after_s", "repeat_every_s", "close_on_restore")
    list_filter = ("site",)


@admin.register(Camera)
class CameraAdmin(admin.ModelAdmin):
    list_display = ("name", "site", "space", "device", "active")
    list_filter = ("site", "active")
    search_fields = ("name",)


class PatrolCheckpointInline(admin.TabularInline):
    model = PatrolCheckpoint
    extra = 1
    fields = ("order", "tag", "name", "space", "due_after_s", "min_gap_s", "max_gap_s", "site")


class PatrolScheduleInline(admin.TabularInline):
    model = PatrolSchedule
    extra = 0


@admin.register(PatrolRoute)
class PatrolRouteAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "site", "grace_s", "active")
    list_filter = ("site", "active")
    inlines = [PatrolCheckpointInline, PatrolScheduleInline]


class PatrolVisitInline(admin.TabularInline):
    model = PatrolVisit
    extra = 0
    can_delete = False
    readonly_fields = ("checkpoint", "due_at", "state", "scanned_at", "guard", "via", "flags", "alarm")


@admin.register(PatrolRound)
class PatrolRoundAdmin(admin.ModelAdmin):
    list_display = ("planned_start", "route", "guard", "state", "site")
    list_filter = ("site", "state", "route")
    inlines = [PatrolVisitInline]

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(AlarmStep)
class AlarmStepAdmin(ReadOnlyAdmin):
    list_display = ("at", "alarm", "action", "actor", "comment")
    list_filter = ("action",)


@admin.register(AlarmSnapshot)
class AlarmSnapshotAdmin(ReadOnlyAdmin):
    list_display = ("taken_at", "alarm", "camera", "error")


@admin.register(PatrolVisit)
class PatrolVisitAdmin(ReadOnlyAdmin):
    list_display = ("due_at", "round", "checkpoint", "state", "scanned_at", "guard", "via")
    list_filter = ("state", "via")


@admin.register(PatrolCheckpoint)
class PatrolCheckpointAdmin(admin.ModelAdmin):
    list_display = ("route", "order", "tag", "name", "space", "due_after_s")
    list_filter = ("site", "route")
    search_fields = ("tag", "name")


@admin.register(PatrolSchedule)
class PatrolScheduleAdmin(admin.ModelAdmin):
    list_display = ("route", "guard", "starts", "ends", "every_minutes", "weekdays", "active")
    list_filter = ("active",)
