"""The product's URLs plus /bench-hello/: the floor a Django view cannot go below on this stack."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"hello", content_type="text/plain")


urlpatterns = [path("bench-hello/", hello), path("", include("config.urls"))]
