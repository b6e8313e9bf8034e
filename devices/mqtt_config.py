"""Where the broker is: MQTT_URL (mqtt://user:pass@host:port) or the embedded default."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from django.conf import settings


@dataclass(frozen=True)
class MqttEndpoint:
    host: str
    port: int
    username: str
    password: str
    tls: bool
    embedded: bool


def mqtt_endpoint() -> MqttEndpoint:
    url = settings.MQTT_URL
    if not url:
        return MqttEndpoint(
            host=settings.MQTT_HOST,
            port=settings.MQTT_PORT,
            username=settings.MQTT_PLATFORM_USERNAME,
            password=settings.MQTT_PLATFORM_PASSWORD,
            tls=False,
            embedded=True,
        )
    parts = urlsplit(url)
    if parts.scheme not in ("mqtt", "mqtts"):
        raise ValueError(f"MQTT_URL must start with mqtt:// or mqtts://, got {url!r}")
    tls = parts.scheme == "mqtts"
    return MqttEndpoint(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or (8883 if tls else 1883),
        username=unquote(parts.username) if parts.username else settings.MQTT_PLATFORM_USERNAME,
        password=unquote(parts.password) if parts.password else settings.MQTT_PLATFORM_PASSWORD,
        tls=tls,
        embedded=False,
    )
