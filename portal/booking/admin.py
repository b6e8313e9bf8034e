"""Back office (Django admin): resources, approvers and compartments are set up here; bookings,
parcels and invitations are shown read-only (only the services write them)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from core.admin import ReadOnlyAdmin
from portal.booking.models import Approval, Approver, Booking, Compartment, FeedToken, Invitation, Parcel, Resource, Series, Trip


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "site", "active", "opens_at", "closes_at", "slot_minutes", "price_fen"]
    list_filter = ["kind", "active", "site"]
    search_fields = ["name", "code", "plate"]
    exclude = ["feed_token"]


@admin.register(Approver)
class ApproverAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "department"]
    list_filter = ["role"]
    autocomplete_fields = ["user"]


@admin.register(Compartment)
class CompartmentAdmin(admin.ModelAdmin):
    list_display = ["locker", "code", "size", "door_open"]
    list_filter = ["locker"]


class ApprovalInline(admin.TabularInline):
    model = Approval
    extra = 0
    can_delete = False
    readonly_fields = ["stage", "approver", "approved", "reason", "at"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Booking)
class BookingAdmin(ReadOnlyAdmin):
    list_display = ["resource", "user", "start", "end", "status", "stage", "fee_fen", "refunded"]
    list_filter = ["status", "resource__kind", "site"]
    search_fields = ["title", "user__username", "plate"]
    date_hierarchy = "start"
    inlines = [ApprovalInline]


@admin.register(Series)
class SeriesAdmin(ReadOnlyAdmin):
    list_display = ["title", "resource", "user", "rrule", "start"]


@admin.register(Trip)
class TripAdmin(ReadOnlyAdmin):
    list_display = ["booking", "odometer_start_km", "odometer_end_km", "cost_fen", "recorded_at"]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ["visitor_name", "host", "start", "end", "plate", "arrived_at"]
    search_fields = ["visitor_name", "visitor_phone", "plate"]


@admin.register(Parcel)
class ParcelAdmin(ReadOnlyAdmin):
    list_display = ["recipient", "compartment", "state", "overdue", "registered_at", "picked_up_at"]
    list_filter = ["state", "overdue"]


@admin.register(Approval)
class ApprovalAdmin(ReadOnlyAdmin):
    list_display = ["booking", "stage", "approver", "approved", "reason", "at"]
    list_filter = ["stage", "approved"]
    search_fields = ["booking__title", "approver__username"]


@admin.register(FeedToken)
class FeedTokenAdmin(ReadOnlyAdmin):
    """Who has a calendar feed; the secret itself is never shown. Deleting one kills the old URL
    (the person makes a new one on their calendar page)."""

    list_display = ["user"]
    search_fields = ["user__username"]
    exclude = ["token"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)
