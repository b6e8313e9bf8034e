from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from core.audit import audit_log
from security.models import (
    AccessGroup,
    AccessLog,
    AccessZone,
    Credential,
    FaceConsent,
    FaceEncoding,
    FaceIndexVersion,
    Gate,
    Holiday,
    TimeWindow,
    VisitorPass,
)


@admin.register(AccessZone)
class AccessZoneAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "site", "open_to_all_staff", "liveness_required", "anti_passback")
    list_filter = ("site",)


@admin.register(Gate)
class GateAdmin(admin.ModelAdmin):
    list_display = ("device", "zone")


class TimeWindowInline(admin.TabularInline):
    model = TimeWindow
    extra = 0


@admin.register(AccessGroup)
class AccessGroupAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "site", "valid_from", "valid_until")
    filter_horizontal = ("zones", "departments", "roles", "members")
    inlines = [TimeWindowInline]


@admin.register(TimeWindow)
class TimeWindowAdmin(admin.ModelAdmin):
    list_display = ("group", "weekdays", "start", "end")


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ("date", "name", "site")


@admin.register(Credential)
class CredentialAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "hint", "is_active", "valid_until")
    exclude = ("code_sha256",)
    readonly_fields = ("hint",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # issued by credential_issue (hashing), not typed in here


@admin.register(VisitorPass)
class VisitorPassAdmin(admin.ModelAdmin):
    list_display = ("visitor_name", "host", "zone", "valid_from", "valid_until", "revoked")


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    list_display = ("at", "gate", "person_name", "method", "decision", "reason", "distance", "latency_ms")
    list_filter = ("decision", "method", "zone")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AuditedBiometricAdmin(admin.ModelAdmin):
    """Biometric records are read-only here and every page view by a person is audited."""

    def _audit(self, request: HttpRequest, what: str) -> None:
        audit_log(action=f"security.face.read_{what}", actor=request.user, data={"path": request.path[:200]})

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        self._audit(request, "list")
        return super().changelist_view(request, extra_context)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        self._audit(request, "detail")
        return super().change_view(request, object_id, form_url, extra_context)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(FaceConsent)
class FaceConsentAdmin(AuditedBiometricAdmin):
    list_display = ("user", "version", "channel", "given_at", "withdrawn_at")


@admin.register(FaceEncoding)
class FaceEncodingAdmin(AuditedBiometricAdmin):
    list_display = ("user", "created_at")
    exclude = ("ciphertext",)  # never shown, even encrypted
    readonly_fields = ("user", "consent", "quality", "created_at")


@admin.register(FaceIndexVersion)
class FaceIndexVersionAdmin(admin.ModelAdmin):
    list_display = ("version", "changed_at")
    readonly_fields = ("version", "token", "changed_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
