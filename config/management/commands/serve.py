from __future__ import annotations

import contextlib
import errno
import logging
import socket
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from config.settings.env import env
from devices.mqtt_config import mqtt_endpoint

logger = logging.getLogger("smartoffice.serve")


def port_free(host: str, port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return False
            raise
    return True


class Command(BaseCommand):
    help = (
        "Run everything in one process: HTTP + WebSocket (uvicorn), the embedded MQTT broker "
        "(unless MQTT_URL is set), the MQTT bridge, and a Celery worker + beat (unless Redis is the broker)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=env.str("HOST", default="127.0.0.1"))
        parser.add_argument("--port", type=int, default=env.int("PORT", default=8000))

    def handle(self, *args: Any, **opts: Any) -> None:
        import uvicorn

        from config.inprocess_celery import InProcessCelery
        from devices.bridge import Bridge
        from devices.broker import embedded_broker

        host, port = opts["host"], opts["port"]
        endpoint = mqtt_endpoint()
        if not port_free(host, port):
            raise CommandError(f"port {port} on {host} is in use (another server?). Choose another: PORT={port + 1} make run")
        if endpoint.embedded and not port_free(endpoint.host, endpoint.port):
            raise CommandError(
                f"MQTT port {endpoint.port} on {endpoint.host} is in use (a Mosquitto already running?). "
                f"Either choose another port: MQTT_PORT={endpoint.port + 1} make run, "
                f"or use that broker: MQTT_URL=mqtt://{endpoint.host}:{endpoint.port} make run"
            )
        started: list[Any] = []
        try:
            if endpoint.embedded:
                broker = embedded_broker(host=endpoint.host, port=endpoint.port)
                broker.start()
                started.append(broker)
                self.stderr.write(f"MQTT broker (embedded amqtt) on mqtt://{endpoint.host}:{endpoint.port}")
            bridge = Bridge()
            bridge.start()
            started.append(bridge)
            if env.bool("SERVE_CELERY", default=True):  # SERVE_CELERY=false when a worker runs elsewhere
                celery = InProcessCelery()
                celery.start()
                started.append(celery)
                self.stderr.write(f"Celery worker + beat in process ({settings.CELERY_BROKER_URL.split(':')[0]})")
            self.stderr.write(f"smartoffice on http://{host}:{port}/  (Ctrl-C stops everything)")
            config = uvicorn.Config("config.asgi:application", host=host, port=port, lifespan="off", log_level="info")
            # Blocks; shuts down gracefully on SIGINT / SIGTERM, then re-raises the signal: ours follows.
            with contextlib.suppress(KeyboardInterrupt):
                uvicorn.Server(config).run()
        finally:
            for part in reversed(started):
                try:
                    part.stop()
                except Exception:
                    logger.exception("stopping %s failed", part.__class__.__name__)
            self.stderr.write("stopped")
