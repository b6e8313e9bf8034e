"""Settings shared by every environment. Environment-specific files import * from here."""

from datetime import timedelta

from django.utils.translation import gettext_lazy as _

from config.settings.env import BASE_DIR, VAR_DIR, database_config, env

SECRET_KEY = env.str("SECRET_KEY", default="dev-insecure-secret-key-change-me-in-production-0123456789")  # core.E003
# Key of the card / QR code hashes (security/services/credentials.py); "" derives one from SECRET_KEY.
# Set it on its own in production so rotating SECRET_KEY does not invalidate every card.
CREDENTIAL_HASH_KEY = env.str("CREDENTIAL_HASH_KEY", default="")
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
    "django_htmx",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    # The kernel, then the apps in the order their demo data builds on each other (seed_demo).
    "core",
    "building",
    "portal",
    "portal.notifications",
    "portal.booking",
    "devices",
    "security",
    "security.monitoring",
    "building.workorders",
    "canteen",
    "building.parking",
    "building.recycling",
    "config",  # the all-in-one `serve` command: it knows every part, so it sits on top
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.NulRefusingMiddleware",  # 400 for a NUL anywhere, before the session reads a cookie
    "portal.static_files.AsyncWhiteNoiseMiddleware",  # WhiteNoise, minus the per-request thread hop
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.perm_cache.CachedPermissionsMiddleware",  # permissions from the cache, not 2 queries a page
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so it sees the outcome of authentication (django-axes requirement).
    "axes.middleware.AxesMiddleware",
]

# How long a person's permission sets stay cached at most (core/perm_cache.py; changes made in the
# serving process, or anywhere with Redis as the cache, apply at once).
PERMISSION_CACHE_SECONDS = env.int("PERMISSION_CACHE_SECONDS", default=60)

# Sessions read from the cache, written through to the database (they survive a cache flush).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"
# HTTP requests' sync code runs on at most this many long-lived threads per process (core/asgi.py),
# each keeping its database connection for CONN_MAX_AGE seconds (config/settings/env.py).
ASGI_THREADS = env.int("ASGI_THREADS", default=8)
# A request that finds every one of them busy for this long runs on a thread of its own (Django's
# usual way), so slow clients holding the pooled threads cannot stop the site.
ASGI_THREAD_WAIT_S = env.float("ASGI_THREAD_WAIT_S", default=1.0)
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
                "portal.context_processors.ui",
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

# Login rate limit (docs/security.md): failures are counted per (username, client address)
# PAIR only, so nobody locks a colleague at the same address or an account from elsewhere.
# From the 3rd failure a growing wait (portal/login_guard.py), at 10 a 15-minute lock.
# Unlock: admin (Axes -> access attempts -> delete) or `manage.py axes_reset_username NAME`.
AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "portal.lockout.lockout_response"  # the page, or JSON under /api/
AXES_CLIENT_IP_CALLABLE = "core.client_ip.client_ip"
LOGIN_DELAY_AFTER = 3
LOGIN_DELAY_BASE_S = 5
LOGIN_DELAY_MAX_S = 60
# Reverse proxies in front of the web service that append to X-Forwarded-For (core/client_ip.py).
# 0: none, REMOTE_ADDR is the client. The compose stack behind one TLS proxy: 1.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

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
# Each app contributes its entries (DomainConfig.beat_schedule); the scheduler reads them at start.
CELERY_BEAT_SCHEDULER = "config.celery:RegistryScheduler"
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {}

# MQTT. MQTT_URL unset means `serve` starts the embedded broker on MQTT_HOST:MQTT_PORT.
MQTT_URL = env.str("MQTT_URL", default="")
MQTT_HOST = env.str("MQTT_HOST", default="127.0.0.1")
MQTT_PORT = env.int("MQTT_PORT", default=1883)
MQTT_PLATFORM_USERNAME = env.str("MQTT_PLATFORM_USERNAME", default="platform")
MQTT_PLATFORM_PASSWORD = env.str("MQTT_PLATFORM_PASSWORD", default="platform-dev-password")
MQTT_CLIENT_ID = env.str("MQTT_CLIENT_ID", default="smartoffice-bridge")
MQTT_MAX_PAYLOAD_BYTES = 512 * 1024
MQTT_BRIDGE_WORKERS = env.int("MQTT_BRIDGE_WORKERS", default=0)  # 0: the bridge picks 1 on SQLite, 2 otherwise
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
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "portal.tokens.BearerTokenAuthentication",  # the phone app and integrations
        "rest_framework.authentication.SessionAuthentication",
    ],
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
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "core.openapi.error_responses"],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "filters": {"forbidden_one_line": {"()": "portal.logging.ForbiddenWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "amqtt": {"level": "WARNING"},
        "amqtt.broker": {"level": "ERROR"},  # a TCP health probe or a refused login is not news
        "transitions": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "django.request": {"filters": ["forbidden_one_line"]},
    },
}

# --- Hardening (issue 9; docs/security.md) ------------------------------------------------
# Visitor passes: the longest validity a host may give; people who manage access get more.
VISITOR_PASS_MAX_HOURS = env.int("VISITOR_PASS_MAX_HOURS", default=24)
VISITOR_PASS_MAX_HOURS_MANAGER = env.int("VISITOR_PASS_MAX_HOURS_MANAGER", default=7 * 24)
# Unauthenticated endpoints (core/limits.py): requests per minute per client address.
ALIPAY_NOTIFY_RATE_PER_MINUTE = env.int("ALIPAY_NOTIFY_RATE_PER_MINUTE", default=120)
LOGIN_RATE_PER_MINUTE = env.int("LOGIN_RATE_PER_MINUTE", default=60)
# WebSocket origins accepted besides the socket's own (core/ws_origin.py): scheme://host[:port].
WEBSOCKET_ALLOWED_ORIGINS: list[str] = env.list("WEBSOCKET_ALLOWED_ORIGINS", default=[])
# Alarm camera snapshots (they show faces) are deleted after this many days (hourly purge).
ALARM_SNAPSHOT_RETENTION_DAYS = env.int("ALARM_SNAPSHOT_RETENTION_DAYS", default=30)
