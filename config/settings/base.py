"""Settings shared by every environment. Environment-specific files import * from here."""

from datetime import timedelta

from django.utils.translation import gettext_lazy as _

from canteen.schedule import BEAT_SCHEDULE as CANTEEN_BEAT
from config.settings.env import BASE_DIR, VAR_DIR, database_config, env
from security.monitoring.schedule import BEAT_SCHEDULE as MONITORING_BEAT
from security.schedule import BEAT_SCHEDULE as SECURITY_BEAT

SECRET_KEY = env.str("SECRET_KEY", default="dev-insecure-secret-key-change-me-in-production-0123456789")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS: list[str] = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS: list[str] = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "channels",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "core",
    "portal",
    "building",
    "devices",
    "security",
    "security.monitoring",
    "canteen",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so it sees the outcome of authentication (django-axes requirement).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": database_config()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "portal.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login rate limit: at most 10 failures per 15 minutes, counted per account and, separately,
# per client IP (each list item is its own lockout key).
AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_TEMPLATE = "portal/locked_out.html"
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

REDIS_URL = env.str("REDIS_URL", default="")

if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # redis-py 8 times a read out after 5 s, which is exactly how long channels-redis
                # blocks on an idle channel: a quiet socket would die. And its pool caps at 100.
                "hosts": [{"address": REDIS_URL, "socket_timeout": 15, "max_connections": 1000}],
                # channels-redis silently drops past `capacity` per channel (default 100):
                # a panel reconnect storm must not lose alarms.
                "capacity": env.int("CHANNEL_LAYER_CAPACITY", default=1000),
                "expiry": 60,
                "prefix": env.str("CHANNEL_LAYER_PREFIX", default="asgi"),
            },
        }
    }
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer", "CONFIG": {"capacity": 1000}}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: Redis when REDIS_URL is set, else the in-process memory transport used by `serve`.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "device-message-purge": {"task": "devices.tasks.device_message_purge", "schedule": 3600.0},
    **SECURITY_BEAT,
    **MONITORING_BEAT,
    **CANTEEN_BEAT,
}

# MQTT. MQTT_URL unset means `serve` starts the embedded broker on MQTT_HOST:MQTT_PORT.
MQTT_URL = env.str("MQTT_URL", default="")
MQTT_HOST = env.str("MQTT_HOST", default="127.0.0.1")
MQTT_PORT = env.int("MQTT_PORT", default=1883)
MQTT_PLATFORM_USERNAME = env.str("MQTT_PLATFORM_USERNAME", default="platform")
MQTT_PLATFORM_PASSWORD = env.str("MQTT_PLATFORM_PASSWORD", default="platform-dev-password")
MQTT_CLIENT_ID = env.str("MQTT_CLIENT_ID", default="smartoffice-bridge")
MQTT_MAX_PAYLOAD_BYTES = 512 * 1024
MQTT_BRIDGE_WORKERS = env.int("MQTT_BRIDGE_WORKERS", default=0)  # 0: 1 on SQLite, 4 otherwise
MQTT_BRIDGE_BATCH = env.int("MQTT_BRIDGE_BATCH", default=200)
MQTT_ACL_DIR = env.path("MQTT_ACL_DIR", default=str(VAR_DIR / "mosquitto"))
MQTT_ACL_AUTOWRITE = env.bool("MQTT_ACL_AUTOWRITE", default=False)  # compose: web shares the dir with Mosquitto
DEVICE_MESSAGE_RETENTION_DAYS = env.int("DEVICE_MESSAGE_RETENTION_DAYS", default=30)

# Canteen and Alipay. "simulated": a local gateway with its own key pair plays Alipay (no
# network); "live": the real gateway with the app's keys. Production refuses "simulated" unless
# ALIPAY_SIMULATED_IN_PRODUCTION is set (a demo deployment): see canteen/checks.py.
ALIPAY_MODE = env.str("ALIPAY_MODE", default="simulated")
ALIPAY_APP_ID = env.str("ALIPAY_APP_ID", default="")
ALIPAY_SELLER_ID = env.str("ALIPAY_SELLER_ID", default="")
ALIPAY_APP_PRIVATE_KEY = env.str("ALIPAY_APP_PRIVATE_KEY", default="", multiline=True)
ALIPAY_PUBLIC_KEY = env.str("ALIPAY_PUBLIC_KEY", default="", multiline=True)
ALIPAY_NOTIFY_URL = env.str("ALIPAY_NOTIFY_URL", default="")
ALIPAY_SANDBOX = env.bool("ALIPAY_SANDBOX", default=False)
ALIPAY_SIMULATED_IN_PRODUCTION = env.bool("ALIPAY_SIMULATED_IN_PRODUCTION", default=False)
CANTEEN_MONTHLY_SUBSIDY_FEN = env.int("CANTEEN_MONTHLY_SUBSIDY_FEN", default=30000)

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "smartoffice API",
    "DESCRIPTION": "智慧机关后勤平台 API",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "amqtt": {"level": "WARNING"},
        "amqtt.broker": {"level": "ERROR"},  # a TCP health probe or a refused login is not news
        "transitions": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}
