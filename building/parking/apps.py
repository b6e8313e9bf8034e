from django.utils.translation import gettext_lazy as _

from core.registry import DeviceKindSpec, DomainConfig, LedgerAccountSpec, LedgerKindSpec, PanelSection, Tile
from core.roles import MANAGER, SECURITY, STAFF

USE = "parking.use_parking"
OPEN = "parking.open_barrier"


class ParkingConfig(DomainConfig):
    """Plate cameras and barriers, space sensors, visitor parking, fees paid once, EV chargers."""

    name = "building.parking"
    label = "parking"
    verbose_name = _("Parking")
    handlers_module = "building.parking.handlers"
    modules = ("building.parking.payments",)  # the Alipay purpose "parking_fee" (canteen calls it back)
    device_kinds = (
        DeviceKindSpec("plate_camera", _("plate camera")),
        DeviceKindSpec("space_sensor", _("parking space sensor")),
        DeviceKindSpec("ev_charger", _("EV charger")),
    )
    ledger_kinds = (LedgerKindSpec("parking_fee", _("parking fee")), LedgerKindSpec("ev_charge", _("EV charging")))
    ledger_accounts = (LedgerAccountSpec("parking_revenue", _("parking revenue")),)
    permissions = {STAFF: {USE}, SECURITY: {USE, OPEN}, MANAGER: {USE, OPEN}}
    tiles = (
        Tile("parking", _("Parking"), _("Free spaces, my cars, visitors"), "car", "parking:home", USE, order=40),
        Tile("barriers", _("Barriers"), _("Held cars, open by hand"), "car", "parking:guard", OPEN, order=31, group="work"),
    )
    panel_sections = (PanelSection("parking", _("Parking"), "building.parking.panels.parking_section", ("parking.",)),)
    beat_schedule = {
        "parking-sweep-open-sessions": {"task": "building.parking.tasks.sweep_open_sessions", "schedule": 24 * 3600.0},
    }
    urls = (("parking/", "building.parking.urls"), ("api/parking/", "building.parking.api_urls"))
    demo = "building.parking.demo.demo_ensure"
    personal_data = "building.parking.selectors.personal_data"

    def ready(self) -> None:
        super().ready()
        # An invitation's plate (portal.booking) is checked against GA 36-2018, with our sentences.
        from building.parking.messages import message_for
        from building.parking.plates import PlateError, validate
        from portal.booking.plates import plate_validator_register

        def plate_check(raw: str) -> str:
            try:
                validate(raw)
            except PlateError as exc:
                return message_for(exc.code)
            return ""

        plate_validator_register("parking", plate_check)
