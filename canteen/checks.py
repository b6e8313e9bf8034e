"""Deploy checks: a production site must not take top-ups through the simulated gateway."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, register

from canteen.alipay_client import setting, simulated

LIVE_SETTINGS = ("ALIPAY_APP_ID", "ALIPAY_SELLER_ID", "ALIPAY_APP_PRIVATE_KEY", "ALIPAY_PUBLIC_KEY")


@register("canteen", deploy=True)
def alipay_configured(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if simulated():
        if setting("ALIPAY_SIMULATED_IN_PRODUCTION", False):
            return []  # a demo deployment that chose it
        return [
            Error(
                "Alipay runs against the local simulated gateway: anyone could credit a wallet or pay a fee without paying.",
                hint="Set ALIPAY_MODE=live with "
                + ", ".join(LIVE_SETTINGS)
                + " (or ALIPAY_SIMULATED_IN_PRODUCTION=True for a demo).",
                id="canteen.E001",
            )
        ]
    missing = [name for name in LIVE_SETTINGS if not setting(name)]
    if missing:
        return [Error(f"ALIPAY_MODE is live but {', '.join(missing)} not set.", id="canteen.E002")]
    return []
