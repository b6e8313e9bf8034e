"""Production (docker-compose.yml). Every secret and address comes from the environment."""

from config.settings.base import *  # noqa: F403
from config.settings.env import env

# Read, not forced, so that turning it on is refused loudly (core/checks.py) instead of ignored.
DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY")  # no default: refuse to start without one
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
MQTT_PLATFORM_PASSWORD = env.str("MQTT_PLATFORM_PASSWORD")
FACE_ENCRYPTION_KEY = env.str("FACE_ENCRYPTION_KEY")  # Fernet key(s), comma-separated for rotation

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
