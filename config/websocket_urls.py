from importlib import import_module

from django.urls import path

from core.consumers import EventStreamConsumer
from core.registry import websocket_modules

websocket_urlpatterns = [
    path("ws/events/", EventStreamConsumer.as_asgi()),
    *(pattern for module in websocket_modules() for pattern in import_module(module).websocket_urlpatterns),
]
