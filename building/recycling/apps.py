from django.utils.translation import gettext_lazy as _

from core.registry import DeviceKindSpec, DomainConfig, LedgerAccountSpec, LedgerKindSpec, PanelSection, Tile
from core.roles import MANAGER

MANAGE = {"recycling.review_drop", "recycling.view_recycling_report"}


class RecyclingConfig(DomainConfig):
    """Recycling bins: drops by face, card or QR, points through the ledger, spent at the supermarket."""

    name = "building.recycling"
    label = "recycling"
    verbose_name = _("Recycling")
    handlers_module = "building.recycling.handlers"
    device_kinds = (DeviceKindSpec("recycling_bin", _("recycling bin")),)
    ledger_kinds = (
        LedgerKindSpec("recycling_award", _("recycling points")),
        LedgerKindSpec("points_redeem", _("points redeemed")),
    )
    # Points spent at the supermarket: the agency's points budget owes their value to the shop.
    ledger_accounts = (
        LedgerAccountSpec("points_funding", _("points budget (agency)")),
        LedgerAccountSpec("points_payable", _("points owed to shops")),
    )
    permissions = {MANAGER: MANAGE}
    tiles = (
        Tile("recycling", _("Recycling"), _("My drops, points and the points shop"), "recycle", "recycling:home", order=45),
        Tile(
            "recycling_report",
            _("Recycling report"),
            _("Weights, recycling rate, held drops"),
            "recycle",
            "recycling:report",
            "recycling.view_recycling_report",
            order=46,
            group="work",
        ),
    )
    panel_sections = (PanelSection("recycling", _("Recycling bins"), "building.recycling.panels.bins_section"),)
    urls = (("recycling/", "building.recycling.urls"), ("api/recycling/", "building.recycling.api_urls"))
    demo = "building.recycling.demo.demo_ensure"
    personal_data = "building.recycling.privacy.personal_data"
