"""pytest. SQLite and embedded parts by default; real services when their URLs are set."""

import os

from config.settings.base import *  # noqa: F403
from config.settings.base import DATABASES
from config.settings.env import VAR_DIR

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; never in production
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
# Tests open connections in threads of their own (bridge workers, concurrent bookings) and drop
# the test database at the end: nothing may outlive its request or thread there.
DATABASES["default"]["CONN_MAX_AGE"] = 0
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not :memory:, so the bridge's worker threads see what the test wrote; one per
    # test run, so two runs on one machine never share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
MEDIA_ROOT = VAR_DIR / "test-media"
# The suite logs in and posts notices far faster than any person; the per-address rate limits
# are tested on their own (tests/test_unauthenticated_bounds.py) with the settings fixture.
LOGIN_RATE_PER_MINUTE = 100_000
ALIPAY_NOTIFY_RATE_PER_MINUTE = 100_000
# The parking pay page's tests open a dozen orders from 127.0.0.1 within a minute on PostgreSQL;
# its limit is tested with the settings fixture (tests/parking/test_visitor_alipay.py).
PARKING_PAY_RATE_PER_MINUTE = 100_000

# A whole domain in one folder (tests/sample_domain): this line is the only edit it needs.
INSTALLED_APPS = [*INSTALLED_APPS, "tests.sample_domain"]  # noqa: F405
