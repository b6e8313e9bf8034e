"""`make run`'s settings (config.settings.local, DEBUG off) plus a bare hello view for bench/portal_http.py."""

from config.settings.local import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "bench.portal_http_urls"
