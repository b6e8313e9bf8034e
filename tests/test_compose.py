"""docker-compose.yml, Dockerfile and the Mosquitto entrypoint, checked offline.

There is no Docker engine on the development machines: the compose file is validated against
the compose specification with the real check-jsonschema, and the rest by reading the files.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
ENV_EXAMPLE = ROOT / "deploy" / "env.example"
RUN_SH = ROOT / "deploy" / "mosquitto" / "run.sh"
MOSQUITTO_CONF = ROOT / "deploy" / "mosquitto" / "mosquitto.conf"

APP_SERVICES = ("web", "bridge", "worker", "beat")
REQUIRED_SERVICES = ("postgres", "redis", "mosquitto", "migrate", *APP_SERVICES)
SECRETS = ("SECRET_KEY", "POSTGRES_PASSWORD", "MQTT_PLATFORM_PASSWORD")
AUTH_DIR = "/mosquitto-auth"

# ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?message}, ${NAME?message}; not $${...}.
INTERPOLATION_RE = re.compile(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE.read_text())
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return compose["services"]


def _env(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    assert isinstance(env, dict), "environment as a mapping, so values are easy to audit"
    return {k: str(v) for k, v in env.items()}


def _depends(service: dict[str, Any]) -> dict[str, str]:
    deps = service.get("depends_on") or {}
    assert isinstance(deps, dict), "depends_on in the long form, with conditions"
    return {name: spec["condition"] for name, spec in deps.items()}


def _volumes(service: dict[str, Any]) -> list[str]:
    return [v for v in service.get("volumes", []) if isinstance(v, str)]


def test_compose_file_matches_the_compose_specification() -> None:
    exe = Path(sys.executable).with_name("check-jsonschema")
    cmd = str(exe) if exe.exists() else shutil.which("check-jsonschema")
    assert cmd, "check-jsonschema is a dev dependency (make install)"
    result = subprocess.run(
        [cmd, "--builtin-schema", "vendor.compose-spec", str(COMPOSE)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_has_no_obsolete_version_key(compose: dict[str, Any]) -> None:
    assert "version" not in compose


def test_every_service_is_there(services: dict[str, dict[str, Any]]) -> None:
    missing = [name for name in REQUIRED_SERVICES if name not in services]
    assert not missing


def test_app_processes_share_one_build_and_one_environment(services: dict[str, dict[str, Any]]) -> None:
    builds = {name: services[name].get("build") for name in (*APP_SERVICES, "migrate")}
    assert set(map(str, builds.values())) == {"."}, builds
    images = {services[name].get("image") for name in (*APP_SERVICES, "migrate")}
    assert len(images) == 1, images
    envs = [_env(services[name]) for name in (*APP_SERVICES, "migrate")]
    assert all(env == envs[0] for env in envs)


def test_app_processes_run_what_they_are_named_after(services: dict[str, dict[str, Any]]) -> None:
    def command(name: str) -> str:
        cmd = services[name]["command"]
        return " ".join(cmd) if isinstance(cmd, list) else str(cmd)

    assert command("web").startswith("daphne ") and "config.asgi:application" in command("web")
    assert command("bridge") == "python manage.py mqtt_bridge"
    assert command("worker").startswith("celery -A config worker")
    assert command("beat").startswith("celery -A config beat")
    assert "--schedule /var/lib/smartoffice/" in command("beat")
    assert "manage.py migrate" in command("migrate") and "manage.py mqtt_acl" in command("migrate")
    assert services["migrate"]["restart"] == "no", "a one-shot job must not be restarted"


def test_app_environment(services: dict[str, dict[str, Any]]) -> None:
    env = _env(services["web"])
    for name in ("DATABASE_URL", "REDIS_URL", "MQTT_URL", "SECRET_KEY", "ALLOWED_HOSTS", "MQTT_PLATFORM_PASSWORD"):
        assert env.get(name), name
    assert env["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
    assert env["DATABASE_URL"].startswith("postgres://") and "@postgres:5432/" in env["DATABASE_URL"]
    assert env["REDIS_URL"].startswith("redis://redis:6379")
    assert re.fullmatch(r"mqtt://platform:\$\{MQTT_PLATFORM_PASSWORD:\?[^}]*\}@mosquitto:1883", env["MQTT_URL"])
    assert env["MQTT_ACL_DIR"] == AUTH_DIR
    assert env["MQTT_ACL_AUTOWRITE"] == "true"


def test_healthchecks(services: dict[str, dict[str, Any]]) -> None:
    for name in ("postgres", "redis", "mosquitto", "web"):
        test = services[name].get("healthcheck", {}).get("test")
        assert test and test[0] in ("CMD", "CMD-SHELL"), name
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])
    assert "redis-cli ping" in " ".join(services["redis"]["healthcheck"]["test"])
    web = " ".join(services["web"]["healthcheck"]["test"])
    assert "urllib" in web and "/healthz" in web


def test_start_order_waits_for_health_and_migrations(services: dict[str, dict[str, Any]]) -> None:
    assert _depends(services["migrate"]) == {"postgres": "service_healthy"}
    for name in APP_SERVICES:
        deps = _depends(services[name])
        assert deps.get("migrate") == "service_completed_successfully", name
        assert deps.get("redis") == "service_healthy", name
        healthy = {"postgres", "redis", "mosquitto"}
        assert all(cond == "service_healthy" for dep, cond in deps.items() if dep in healthy), name
    assert _depends(services["bridge"]).get("mosquitto") == "service_healthy"


def test_mosquitto_shares_the_auth_directory_read_only(services: dict[str, dict[str, Any]]) -> None:
    mosquitto = services["mosquitto"]
    assert re.fullmatch(r"eclipse-mosquitto:2\.0\.\d+", mosquitto["image"]), "pin a 2.0.x release"
    auth_mounts = [v for v in _volumes(mosquitto) if v.split(":")[1] == AUTH_DIR]
    assert len(auth_mounts) == 1 and auth_mounts[0].endswith(":ro"), auth_mounts
    volume = auth_mounts[0].split(":")[0]
    assert not volume.startswith((".", "/")), "a named volume (a directory), not a bind-mounted file"
    for name in ("migrate", *APP_SERVICES[:3]):
        assert f"{volume}:{AUTH_DIR}" in _volumes(services[name]), f"{name} must write the auth files"
    # The broker reads the files where the app writes them.
    conf = MOSQUITTO_CONF.read_text()
    assert f"password_file {AUTH_DIR}/passwd" in conf and f"acl_file {AUTH_DIR}/acl" in conf
    # It runs run.sh (reload on change) from the mounted config directory.
    command = " ".join([*mosquitto.get("entrypoint", []), *mosquitto.get("command", [])])
    assert command.endswith("/mosquitto/config/run.sh")
    assert "./deploy/mosquitto:/mosquitto/config:ro" in _volumes(mosquitto)


def test_secrets_have_no_literal_value_or_default() -> None:
    text = COMPOSE.read_text()
    found: dict[str, set[str]] = {}
    for match in INTERPOLATION_RE.finditer(text):
        name, op = match.group(1), match.group(2) or ""
        found.setdefault(name, set()).add(op)
    for secret in SECRETS:
        assert found.get(secret) == {":?"}, f"{secret} must be ${{{secret}:?message}} everywhere: {found.get(secret)}"
    # And no secret is written out anywhere as a plain KEY: value.
    data = yaml.safe_load(text)
    for name, service in data["services"].items():
        for key, value in _env(service).items():
            if key in SECRETS:
                assert value.startswith("${") and ":?" in value, f"{name}.{key}"


def test_env_example_documents_every_variable() -> None:
    used = {m.group(1) for m in INTERPOLATION_RE.finditer(COMPOSE.read_text())}
    documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", ENV_EXAMPLE.read_text(), re.MULTILINE))
    assert used - documented == set()
    env = _env(yaml.safe_load(COMPOSE.read_text())["services"]["web"])
    assert set(env) - documented == set(), "the variables compose sets itself are listed too"
    # The example holds no secret values.
    values = dict(re.findall(r"^([A-Z][A-Z0-9_]*)=(.*)$", ENV_EXAMPLE.read_text(), re.MULTILINE))
    assert all(values[s] == "" for s in SECRETS)


def test_dockerfile() -> None:
    text = DOCKERFILE.read_text()
    assert text.count("\nFROM ") + text.startswith("FROM ") == 1
    assert re.search(r"^FROM python:3\.11-slim-bookworm$", text, re.MULTILINE)
    assert "uv pip install --system --override overrides.txt ." in text
    assert "collectstatic --noinput" in text
    assert "DJANGO_SETTINGS_MODULE=config.settings.production" in text
    assert re.search(r"^EXPOSE 8000$", text, re.MULTILINE)
    users = re.findall(r"^USER (\S+)$", text, re.MULTILINE)
    assert users and users[-1] not in ("root", "0"), "runs as a non-root user"
    cmd = re.findall(r"^CMD (.+)$", text, re.MULTILINE)
    assert cmd == ['["daphne", "-b", "0.0.0.0", "-p", "8000", "config.asgi:application"]']
    # Secrets only as throwaway values on the collectstatic RUN, never baked into ENV/ARG.
    for line in re.findall(r"^(?:ENV|ARG) .*$", text, re.MULTILINE):
        assert not any(s in line for s in SECRETS), line


def test_dockerignore_keeps_secrets_and_local_state_out() -> None:
    lines = set((ROOT / ".dockerignore").read_text().split())
    assert {".env", ".git", ".venv", "var", "staticfiles"} <= lines


def test_run_sh_is_valid_shell() -> None:
    result = subprocess.run(["sh", "-n", str(RUN_SH)], capture_output=True, text=True, timeout=10, check=False)
    assert result.returncode == 0, result.stderr
    text = RUN_SH.read_text()
    assert "kill -HUP" in text and "md5sum" in text and "trap" in text
