from django import forms
from django.contrib import admin

from building.parking.messages import message_for
from building.parking.models import ChargeSession, Lot, ParkingSession, ParkingSpace, Passage, Tariff, Vehicle
from building.parking.plates import PlateError, validate
from core.admin import ReadOnlyAdmin


@admin.register(Tariff)
class TariffAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "free_minutes", "hour_fen", "day_cap_fen", "grace_minutes", "kwh_fen", "site")


@admin.register(Lot)
class LotAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "tariff", "exit_without_entry", "site")
    filter_horizontal = ("devices",)


@admin.register(ParkingSpace)
class ParkingSpaceAdmin(admin.ModelAdmin):
    list_display = ("code", "lot", "floor", "kind", "sensor", "occupied", "sensed_at")
    list_filter = ("lot", "kind")
    readonly_fields = ("occupied", "sensed_at")


class VehicleForm(forms.ModelForm):
    class Meta:
        model = Vehicle
        fields = ("site", "plate", "kind", "owner", "label")

    def clean_plate(self) -> str:
        """Stored normalised, and an impossible plate is refused here as on the staff page."""
        try:
            return validate(self.cleaned_data.get("plate", ""))
        except PlateError as exc:
            raise forms.ValidationError(message_for(exc.code)) from exc


@admin.register(Vehicle)
class VehicleAdmin(admin.ModelAdmin):
    """Official vehicles are registered here; staff register their own on the parking page."""

    form = VehicleForm

    list_display = ("plate", "kind", "owner", "label", "site")
    list_filter = ("kind", "site")
    search_fields = ("plate", "owner__username")


@admin.register(ParkingSession)
class ParkingSessionAdmin(ReadOnlyAdmin):
    list_display = ("plate", "kind", "state", "entered_at", "exited_at", "fee_fen", "paid_fen", "payer", "flags")
    list_filter = ("state", "kind", "lot")
    search_fields = ("plate",)


@admin.register(Passage)
class PassageAdmin(ReadOnlyAdmin):
    list_display = ("at", "camera", "direction", "raw", "normalised", "matched", "match_reason", "action", "reason", "fee_fen")
    list_filter = ("action", "direction", "match_reason")
    search_fields = ("raw", "normalised", "matched")


@admin.register(ChargeSession)
class ChargeSessionAdmin(ReadOnlyAdmin):
    list_display = ("charger", "user", "state", "started_at", "stopped_at", "energy_wh", "resets", "fee_fen")
    list_filter = ("state",)
