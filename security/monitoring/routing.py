from django.urls import URLPattern, path

from security.monitoring.consumers import PanelConsumer

websocket_urlpatterns: list[URLPattern] = [path("ws/panel/", PanelConsumer.as_asgi())]
