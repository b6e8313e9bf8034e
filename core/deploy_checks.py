"""Deploy checks (`manage.py check --deploy`, run by the compose stack's migrate service before
anything starts): production refuses to start unsafe. All are ERRORS, not warnings."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Error, register

# Values that ship in the repository (config/settings/base.py, docs, env.example examples):
# anyone can read them, so a deployment using one has no secret at all.
DEV_SECRET_KEY = "dev-insecure-secret-key-change-me-in-production-0123456789"  # noqa: S105
DEV_MQTT_PASSWORDS = frozenset(("platform-dev-password", "platform", "password", "changeme", "x"))


def database_engine() -> str:
    return str(settings.DATABASES.get("default", {}).get("ENGINE", ""))


@register("security", deploy=True)
def production_safe(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    if getattr(settings, "DEBUG", False):
        errors.append(Error("DEBUG is on: tracebacks and settings would be shown to anyone.", id="core.E101"))
    hosts = list(getattr(settings, "ALLOWED_HOSTS", []))
    if "*" in hosts or not hosts:
        errors.append(
            Error(
                "ALLOWED_HOSTS is empty or contains '*': any Host header is accepted (cache poisoning, password-reset links).",
                hint="List the host names the site is served under, e.g. hq.example.gov.cn.",
                id="core.E102",
            )
        )
    if getattr(settings, "SECRET_KEY", "") == DEV_SECRET_KEY:
        errors.append(Error("SECRET_KEY is the development default from the repository.", id="core.E103"))
    password = str(getattr(settings, "MQTT_PLATFORM_PASSWORD", ""))
    in_url = urlsplit(str(getattr(settings, "MQTT_URL", ""))).password
    if password in DEV_MQTT_PASSWORDS or len(password) < 12 or (in_url is not None and in_url in DEV_MQTT_PASSWORDS):
        errors.append(
            Error(
                "MQTT_PLATFORM_PASSWORD is the development password or shorter than 12 characters.",
                hint="Generate one: openssl rand -hex 32 (deploy/env.example).",
                id="core.E104",
            )
        )
    if "sqlite" in database_engine():
        errors.append(Error("DATABASE_URL is not set: production would run on SQLite.", id="core.E105"))
    if not getattr(settings, "REDIS_URL", ""):
        errors.append(Error("REDIS_URL is not set: in-memory channel layer, cache and task queue in production.", id="core.E106"))
    if not getattr(settings, "MQTT_URL", ""):
        errors.append(Error("MQTT_URL is not set: production would start the embedded broker.", id="core.E107"))
    return errors
