from django.contrib import admin

from building.workorders.models import (
    Breach,
    ClockPause,
    Company,
    CompanyMember,
    Contract,
    Evaluation,
    SiteWorkingHours,
    WorkCalendarDay,
    WorkOrder,
    WorkOrderEvent,
    WorkOrderPhoto,
)
from core.admin import ReadOnlyAdmin


@admin.register(WorkCalendarDay)
class WorkCalendarDayAdmin(admin.ModelAdmin):
    """Enter a new year's official notice here: its holidays and make-up working days."""

    list_display = ["date", "is_workday", "note"]
    list_filter = ["is_workday"]
    search_fields = ["note"]
    date_hierarchy = "date"


@admin.register(SiteWorkingHours)
class SiteWorkingHoursAdmin(admin.ModelAdmin):
    list_display = ["site", "periods"]


class MemberInline(admin.TabularInline):
    model = CompanyMember
    extra = 0


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "site", "manager"]
    inlines = [MemberInline]


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    list_display = ["company", "valid_from", "valid_to", "monthly_fee_fen", "threshold"]


@admin.register(WorkOrder)
class WorkOrderAdmin(admin.ModelAdmin):
    """Read-only: orders change through the services (pages, API)."""

    list_display = ["number", "category", "status", "company", "created_at", "response_due", "completion_due"]
    list_filter = ["status", "category", "company"]
    search_fields = ["number", "description"]

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(Evaluation)
class EvaluationAdmin(admin.ModelAdmin):
    list_display = ["company", "month", "score", "payable_fen", "status"]

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(CompanyMember)
class CompanyMemberAdmin(admin.ModelAdmin):
    list_display = ["user", "company"]
    list_filter = ["company"]


@admin.register(WorkOrderEvent)
class WorkOrderEventAdmin(ReadOnlyAdmin):
    list_display = ["order", "at", "actor", "action", "status"]
    list_filter = ["action"]
    search_fields = ["order__number", "text"]


@admin.register(WorkOrderPhoto)
class WorkOrderPhotoAdmin(ReadOnlyAdmin):
    list_display = ["order", "kind", "width", "height", "uploaded_by", "uploaded_at"]
    list_filter = ["kind"]


@admin.register(ClockPause)
class ClockPauseAdmin(ReadOnlyAdmin):
    list_display = ["order", "reason", "started_at", "ended_at"]


@admin.register(Breach)
class BreachAdmin(ReadOnlyAdmin):
    list_display = ["order", "kind", "due", "detected_at"]
    list_filter = ["kind"]
