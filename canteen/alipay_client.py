"""The python-alipay-sdk client, real or against the local simulated gateway (configuration only).

Settings (all optional in development): ALIPAY_MODE ("simulated" default, or "live"),
ALIPAY_APP_ID, ALIPAY_SELLER_ID, ALIPAY_APP_PRIVATE_KEY / ALIPAY_PUBLIC_KEY (PEM text; in
simulated mode generated once into var/alipay-sim/), ALIPAY_NOTIFY_URL, ALIPAY_RETURN_URL,
ALIPAY_SANDBOX (use Alipay's sandbox gateway in live mode).
"""

from __future__ import annotations

import fcntl
import functools
from pathlib import Path
from typing import Any

from alipay import AliPay
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings

SIM_APP_ID = "2021000000000001"
SIM_SELLER_ID = "2088000000000001"
SIM_GATEWAY_PATH = "/canteen/alipay-sim/gateway.do"


def setting(name: str, default: Any = None) -> Any:
    return getattr(settings, name, default)


def simulated() -> bool:
    return str(setting("ALIPAY_MODE", "simulated")) != "live"


def app_id() -> str:
    return str(setting("ALIPAY_APP_ID", SIM_APP_ID if simulated() else ""))


def seller_id() -> str:
    return str(setting("ALIPAY_SELLER_ID", SIM_SELLER_ID if simulated() else ""))


def notify_url() -> str:
    return str(setting("ALIPAY_NOTIFY_URL", "http://127.0.0.1:8000/pay/alipay/notify/"))


def _generate_pair() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    public = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return private.decode(), public.decode()


@functools.cache
def sim_keys() -> dict[str, str]:
    """The simulated world's two key pairs: ours (the app) and 'Alipay's', shared by every process."""
    folder = Path(setting("ALIPAY_SIM_KEY_DIR", settings.BASE_DIR / "var" / "alipay-sim"))
    folder.mkdir(parents=True, exist_ok=True)
    names = ("app_private", "app_public", "alipay_private", "alipay_public")
    with open(folder / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two processes starting at once must agree on one key set
        if not all((folder / f"{n}.pem").exists() for n in names):
            pairs = (*_generate_pair(), *_generate_pair())
            for name, pem in zip(names, pairs, strict=True):
                path = folder / f"{name}.pem"
                path.write_text(pem)
                path.chmod(0o600)
        return {n: (folder / f"{n}.pem").read_text() for n in names}


class SimulatedAliPay(AliPay):
    """The real SDK; only the HTTP round trip goes to the in-process simulated gateway."""

    def verified_sync_response(self, data: dict[str, Any], response_type: str) -> Any:
        from canteen.alipay_sim import sim_gateway_api

        raw = sim_gateway_api(self.sign_data(data))
        return self._verify_and_return_sync_response(raw, response_type)


def alipay_client() -> AliPay:
    if simulated():
        keys = sim_keys()
        return SimulatedAliPay(
            appid=app_id(),
            app_notify_url=notify_url(),
            app_private_key_string=setting("ALIPAY_APP_PRIVATE_KEY") or keys["app_private"],
            alipay_public_key_string=setting("ALIPAY_PUBLIC_KEY") or keys["alipay_public"],
            sign_type="RSA2",
        )
    return AliPay(
        appid=app_id(),
        app_notify_url=notify_url(),
        app_private_key_string=setting("ALIPAY_APP_PRIVATE_KEY"),
        alipay_public_key_string=setting("ALIPAY_PUBLIC_KEY"),
        sign_type="RSA2",
        debug=bool(setting("ALIPAY_SANDBOX", False)),
    )


def gateway_url() -> str:
    if simulated():
        return SIM_GATEWAY_PATH
    client = alipay_client()
    return str(client._gateway)
