from django.urls import path

from core.consumers import EventStreamConsumer
from security.monitoring.routing import websocket_urlpatterns as monitoring_ws

websocket_urlpatterns = [
    path("ws/events/", EventStreamConsumer.as_asgi()),
    *monitoring_ws,
]
