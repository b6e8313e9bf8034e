"""Celery worker and beat as threads of the `serve` process (the embedded default).

With CELERY_BROKER_URL=memory:// the queue lives in this process, so the same tasks, the
same schedule and the same on-commit dispatch run as in production, with nothing installed.
"""

from __future__ import annotations

import threading

from celery.beat import EmbeddedService

from config.celery import app
from config.settings.env import VAR_DIR


class InProcessCelery:
    def __init__(self) -> None:
        self.worker = app.WorkController(
            pool_cls="solo",
            concurrency=1,
            hostname="inprocess@localhost",
            without_heartbeat=True,
            without_mingle=True,
            without_gossip=True,
        )
        VAR_DIR.mkdir(exist_ok=True)
        beat = EmbeddedService(app, thread=True, schedule_filename=str(VAR_DIR / "celerybeat-schedule"))
        assert isinstance(beat, threading.Thread)  # thread=True: never the multiprocessing variant
        self.beat = beat
        self._thread = threading.Thread(target=self.worker.start, name="celery-worker", daemon=True)

    def start(self) -> None:
        self._thread.start()
        self.beat.start()

    def stop(self) -> None:
        self.beat.stop()
        self.worker.stop(in_sighandler=False)
        self._thread.join(timeout=10)
