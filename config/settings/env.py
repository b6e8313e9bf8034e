"""The one place settings read the environment (django-environ).

Every setting that differs between the embedded default, tests, CI and production is an
environment variable read here, so `make run` needs none and production names them all.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()


def database_config(default_sqlite_name: str = "smartoffice.sqlite3") -> dict[str, object]:
    """DATABASE_URL if set, else SQLite in var/ tuned for a few concurrent writers.

    Connections are kept DB_CONN_MAX_AGE seconds by the thread that opened them: the web
    server's request threads are a fixed set (core/asgi.py), so that is at most ASGI_THREADS
    connections per process instead of a new one (a login, or a SQLite open and its PRAGMAs)
    for every request. PostgreSQL connections are checked before reuse (CONN_HEALTH_CHECKS)."""
    max_age = env.int("DB_CONN_MAX_AGE", default=300)
    if env.str("DATABASE_URL", default=""):
        db: dict[str, object] = env.db_url("DATABASE_URL")
        db.setdefault("CONN_MAX_AGE", max_age)
        db.setdefault("CONN_HEALTH_CHECKS", True)
        return db
    VAR_DIR.mkdir(exist_ok=True)
    return {
        "CONN_MAX_AGE": max_age,
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(VAR_DIR / env.str("SQLITE_NAME", default=default_sqlite_name)),  # a benchmark's own file
        "OPTIONS": {
            # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at
            # BEGIN so two writers queue on the busy timeout instead of failing mid-transaction.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
        },
    }
