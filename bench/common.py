"""What every benchmark script needs before it can touch the project."""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django(name: str) -> None:
    """Test settings (DATABASE_URL if set); on SQLite a database file of this run's own, never
    the one a concurrent pytest run uses."""
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3":
        db["TEST"] = {"NAME": str(ROOT / "var" / f"bench-{name}-{os.getpid()}.sqlite3")}
    import django

    django.setup()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
