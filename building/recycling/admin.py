"""Back office: the rate table, bins' compartments and the points shop are edited here; drops and
redemptions are read-only (points move only through the services and the ledger)."""

from __future__ import annotations

from django.contrib import admin

from building.recycling.models import Drop, Good, Rate, RecyclingBin, Redemption
from core.admin import ReadOnlyAdmin


@admin.register(Rate)
class RateAdmin(admin.ModelAdmin):
    list_display = ("site", "category", "points_per_kg")
    list_filter = ("site",)


@admin.register(RecyclingBin)
class RecyclingBinAdmin(admin.ModelAdmin):
    list_display = ("device", "site", "categories", "fill_percent", "fill_at")
    readonly_fields = ("device", "site", "fill_percent", "fill_at")


@admin.register(Good)
class GoodAdmin(admin.ModelAdmin):
    list_display = ("name", "site", "points", "stock", "is_active")
    list_filter = ("site", "is_active")


@admin.register(Drop)
class DropAdmin(ReadOnlyAdmin):
    list_display = ("dropped_at", "device", "user", "category", "weight_g", "status", "points", "reason")
    list_filter = ("status", "category", "site")


@admin.register(Redemption)
class RedemptionAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "user", "kind", "good", "points", "value_fen")
    list_filter = ("kind",)
