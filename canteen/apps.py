from django.utils.translation import gettext_lazy as _

from canteen.schedule import BEAT_SCHEDULE
from core.registry import DeviceKindSpec, DomainConfig, LedgerAccountSpec, LedgerKindSpec, Tile
from core.roles import CASHIER, MANAGER, SECURITY, STAFF

OPERATOR = {"canteen.operate_pos", "canteen.refund_charge", "canteen.view_reports"}
WALLET = {"canteen.use_wallet"}  # in-house people; contractors have no wallet by default (issue 9)


class CanteenConfig(DomainConfig):
    name = "canteen"
    verbose_name = _("Canteen and supermarket")
    handlers_module = "canteen.handlers"
    modules = ("canteen.checks",)
    device_kinds = (DeviceKindSpec("pos", _("POS terminal")),)
    ledger_kinds = (
        LedgerKindSpec("charge", _("payment")),
        LedgerKindSpec("refund", _("refund")),
        LedgerKindSpec("topup", _("top-up")),
        LedgerKindSpec("subsidy_grant", _("subsidy granted")),
        LedgerKindSpec("subsidy_expire", _("subsidy expired")),
        LedgerKindSpec("adjust", _("adjustment")),
        LedgerKindSpec("points", _("points")),
    )
    ledger_accounts = (
        LedgerAccountSpec("merchant", _("merchant")),
        LedgerAccountSpec("alipay", _("Alipay clearing")),
        LedgerAccountSpec("subsidy_funding", _("subsidy funding")),
        LedgerAccountSpec("points_issuance", _("points issuance")),
        LedgerAccountSpec("adjustment", _("operator adjustments")),
    )
    permissions = {STAFF: WALLET, SECURITY: WALLET, CASHIER: OPERATOR | WALLET, MANAGER: OPERATOR | WALLET}
    tiles = (
        Tile(
            "wallet", _("Wallet"), _("Balance, top-up and pay code"), "wallet", "canteen:wallet",
            "canteen.use_wallet", order=20,
        ),
        Tile(
            "meals", _("Meals and takeaway"), _("Pre-order meals and takeaway"), "meal", "canteen:takeaway",
            "canteen.use_wallet", order=30,
        ),
        # The cashier's work: till, sales, refunds, reconciliation (the manager sees the reports too).
        Tile("till", _("Till"), _("Charge a pay code or a face"), "till", "canteen:till", "canteen.operate_pos",
             order=10, group="work"),
        Tile("sales", _("Sales"), _("Today's sales and pickups"), "chart", "canteen:sales", "canteen.view_reports",
             order=11, group="work"),
        Tile("refunds", _("Refunds"), _("Refunds of the day"), "refund", "canteen:sales", "canteen.refund_charge",
             order=12, group="work", fragment="refunds"),
        Tile("reconciliation", _("Reconciliation"), _("Sales, ledger and Alipay"), "scale", "canteen:reconciliation",
             "canteen.view_reports", order=13, group="work"),
    )
    beat_schedule = BEAT_SCHEDULE
    urls = (("canteen/", "canteen.urls"), ("api/canteen/", "canteen.api_urls"), ("pay/alipay/notify/", "canteen.notify_urls"))
    demo = "canteen.demo.demo_ensure"
    personal_data = "canteen.privacy.personal_data"
