"""`manage.py check --deploy` against the production settings, in a clean environment."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

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
        MQTT_PLATFORM_PASSWORD="x",
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
