"""`make run` (the product, DEBUG off) and `make dev` (DEBUG on): the embedded default. Nothing to install beforehand."""

from config.settings.base import *  # noqa: F403
from config.settings.env import env

DEBUG = env.bool("DEBUG", default=False)
WHITENOISE_USE_FINDERS = True  # the app's static folders, indexed once at start: no collectstatic step
WHITENOISE_AUTOREFRESH = env.bool("WHITENOISE_AUTOREFRESH", default=DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
