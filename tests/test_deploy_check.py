"""`manage.py check --deploy` against the production settings, in a clean environment."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet
from django.conf import settings

# Only what a process needs to run; nothing from the developer's or CI's own configuration
# (DATABASE_URL, DEBUG, SECURE_SSL_REDIRECT=0 ...) may leak into the production settings.
PASSTHROUGH = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")


def _production_env(**overrides: str | None) -> dict[str, str]:
    env = {k: os.environ[k] for k in PASSTHROUGH if k in os.environ}
    env.update(
        SECRET_KEY=secrets.token_urlsafe(50),  # 67 characters, well over Django's 50
        ALLOWED_HOSTS="office.example.gov.cn",
        MQTT_PLATFORM_PASSWORD=secrets.token_hex(16),
        DATABASE_URL="postgres://smartoffice:pw@postgres:5432/smartoffice",
        REDIS_URL="redis://redis:6379/0",
        MQTT_URL="mqtt://platform:pw@mosquitto:1883",
        FACE_ENCRYPTION_KEY=Fernet.generate_key().decode(),
        ALIPAY_MODE="live",
        ALIPAY_APP_ID="2021000000000000",
        ALIPAY_SELLER_ID="2088000000000000",
        ALIPAY_APP_PRIVATE_KEY="-----BEGIN RSA PRIVATE KEY-----\nx\n-----END RSA PRIVATE KEY-----",
        ALIPAY_PUBLIC_KEY="-----BEGIN PUBLIC KEY-----\nx\n-----END PUBLIC KEY-----",
        PYTHONDONTWRITEBYTECODE="1",
    )
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def _check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "manage.py",
            "check",
            "--deploy",
            "--settings=config.settings.production",
            "--fail-level",
            "WARNING",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
    )


def test_production_settings_pass_the_deploy_check_with_no_warnings() -> None:
    result = _check_deploy(_production_env())
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output, output
    assert "WARNINGS" not in output and "ERRORS" not in output, output


def test_production_refuses_to_start_without_a_secret_key() -> None:
    result = _check_deploy(_production_env(SECRET_KEY=None))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_a_weak_secret_key_fails_the_deploy_check() -> None:
    """Proves the check is strict: --fail-level WARNING turns security.W009 into a failure."""
    result = _check_deploy(_production_env(SECRET_KEY="short-and-guessable"))
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


SAFE = {
    "DEBUG": False,
    "ALLOWED_HOSTS": ["office.example.gov.cn"],
    "SECRET_KEY": "k" * 60,
    "MQTT_PLATFORM_PASSWORD": "a" * 32,
    "MQTT_URL": "mqtt://platform:pw-from-env@mosquitto:1883",
    "REDIS_URL": "redis://redis:6379/0",
}
ENGINES = {"postgresql": "django.db.backends.postgresql", "sqlite": "django.db.backends.sqlite3"}


@pytest.mark.parametrize(
    ("unsafe", "error_id"),
    [
        ({"ALLOWED_HOSTS": ["*"]}, "core.E102"),
        ({"ALLOWED_HOSTS": ["office.example.gov.cn", "*"]}, "core.E102"),
        ({"SECRET_KEY": "dev-insecure-secret-key-change-me-in-production-0123456789"}, "core.E103"),
        ({"MQTT_PLATFORM_PASSWORD": "platform-dev-password"}, "core.E104"),
        ({"MQTT_PLATFORM_PASSWORD": "short"}, "core.E104"),
        ({"MQTT_URL": "mqtt://platform:platform-dev-password@mosquitto:1883"}, "core.E104"),
        ({"ENGINE": "sqlite"}, "core.E105"),
        ({"REDIS_URL": ""}, "core.E106"),
        ({"MQTT_URL": ""}, "core.E107"),
        ({"DEBUG": True}, "core.E101"),
    ],
    ids=[
        "hosts-star",
        "hosts-with-star",
        "dev-secret-key",
        "dev-mqtt-password",
        "short-mqtt-password",
        "dev-password-in-mqtt-url",
        "sqlite",
        "no-redis-url",
        "no-mqtt-url",
        "debug-on",
    ],
)
def test_each_unsafe_production_setting_is_an_error(unsafe: dict[str, object], error_id: str, monkeypatch) -> None:
    """Issue 9 item 6, in process: one failing case per setting (the safe base has none)."""
    from django.core.checks import ERROR
    from django.test import override_settings

    from core import deploy_checks

    monkeypatch.setattr(deploy_checks, "database_engine", lambda: ENGINES["postgresql"])
    with override_settings(**SAFE):
        assert deploy_checks.production_safe() == []
    unsafe = dict(unsafe)
    monkeypatch.setattr(deploy_checks, "database_engine", lambda: ENGINES[str(unsafe.pop("ENGINE", "postgresql"))])
    with override_settings(**{**SAFE, **unsafe}):
        found = deploy_checks.production_safe()
    assert [m.id for m in found] == [error_id] and all(m.level == ERROR for m in found)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("overrides", "error_id"),
    [({"ALLOWED_HOSTS": "*"}, "core.E102"), ({"DATABASE_URL": None, "REDIS_URL": None, "MQTT_URL": None}, "core.E105")],
    ids=["hosts-star", "no-service-urls"],
)
def test_the_production_settings_refuse_to_start_unsafe(overrides: dict[str, str | None], error_id: str) -> None:
    """End to end from the environment: even `--fail-level ERROR` (the compose migrate step) refuses."""
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--settings=config.settings.production", "--fail-level", "ERROR"],
        cwd=settings.BASE_DIR,
        env=_production_env(**overrides),
        capture_output=True,
        text=True,
        timeout=90,
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert error_id in output, output
